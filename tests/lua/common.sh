# Shared by the script-level test suites (run_tests.sh, stdp_tests.sh); sourced,
# not run. Sets SRCDIR, EMBER, LUADIR, a temporary directory $tmp (removed at exit)
# and the pass / fail counters, and defines ok, fail, contains and run_bad.
# Environment: EMBER (the ember binary), SRCDIR (the repository root); both are set
# by `make check` (TESTS_ENVIRONMENT in Makefile.am). $suite names the caller.
SRCDIR=${SRCDIR:-$here/../..}
EMBER=${EMBER:-$SRCDIR/sim/ember}
LUADIR=$SRCDIR/tests/lua
passed=0
failed=0

if [ ! -x "$EMBER" ]; then
  echo "$suite: no ember binary at '$EMBER' (set EMBER)" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ember-$suite.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  [ -n "$2" ] && [ -f "$2" ] && sed 's/^/       | /' "$2" | head -n 20
}

# contains FILE TEXT: FILE contains TEXT literally
contains() { grep -F -q -- "$2" "$1"; }

# run_bad SCRIPT CODE TEXT1 [TEXT2]: the script exits with CODE and its stderr
# holds TEXT1 (and TEXT2 if given).
run_bad() {
  name=$1 code=$2 text1=$3 text2=$4
  "$EMBER" run "$LUADIR/$name" -o "$tmp/out-$name" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  if [ "$rc" != "$code" ]; then
    fail "$name: exit $rc, expected $code" "$tmp/stderr"
  elif ! contains "$tmp/stderr" "$text1"; then
    fail "$name: message lacks \"$text1\"" "$tmp/stderr"
  elif [ -n "$text2" ] && ! contains "$tmp/stderr" "$text2"; then
    fail "$name: message lacks \"$text2\"" "$tmp/stderr"
  else
    ok "$name: exit $code, $text1"
  fi
}
