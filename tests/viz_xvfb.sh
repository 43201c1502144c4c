#!/bin/sh
# The visualizer in real windows under a virtual X server (Xvfb):
#   1. tests/test_viz_window: key events pause, screenshot and quit (replay and live);
#   2. `ember run --viz` on a long run, interrupted with SIGINT: exit code 130 and
#      output files that `ember info` reads (closed cleanly);
#   3. `ember-viz --follow` on a run in progress, quit by SIGTERM: exit code 0.
# Skipped (exit 77) when xvfb-run is missing. Environment (set by `make check`):
# BUILDDIR, EMBER, SRCDIR, XVFB_RUN.
XVFB_RUN=${XVFB_RUN:-$(command -v xvfb-run)}
if [ -z "$XVFB_RUN" ] || [ ! -x "$XVFB_RUN" ]; then
  echo "viz_xvfb: xvfb-run not found (Debian packages xvfb, xauth), skipped"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=${BUILDDIR:-$here/..}
SRCDIR=${SRCDIR:-$here/..}
EMBER=${EMBER:-$BUILDDIR/sim/ember}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ember-viz-xvfb.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=x11

"$XVFB_RUN" -a -s "-screen 0 1280x1024x24" "$BUILDDIR/tests/test_viz_window" || exit 1

# The signals below are sent once the run has flushed spikes (at most 60 s), not
# after a fixed sleep: a background job starts with SIGINT ignored until ember
# installs its handler, so on a loaded machine an early SIGINT would be lost and
# the run (long_run.lua: hours) would never end. $1: ember, $2: output directory.
WAIT_SPIKES='wait_spikes() {
  n=0
  until "$1" info "$2" 2>/dev/null | awk '"'"'$1 == "exc" && NF == 4 && $3 > 0 { f = 1 } END { exit !f }'"'"' ||
        [ "$n" -ge 240 ]; do
    sleep 0.25
    n=$((n + 1))
  done
}'

# SIGINT to the window's process while the simulation runs: it stops as an
# interruption (130) and the files are closed.
"$XVFB_RUN" -a -s "-screen 0 1280x1024x24" sh -c "$WAIT_SPIKES"'
  "$1" run "$2/tests/lua/long_run.lua" -o "$3/live" --viz --quiet >"$3/out" 2>"$3/err" &
  pid=$!
  wait_spikes "$1" "$3/live"
  kill -INT $pid
  wait $pid
  echo $? >"$3/code"' sh "$EMBER" "$SRCDIR" "$tmp"
code=$(cat "$tmp/code" 2>/dev/null)
if [ "$code" != 130 ]; then
  echo "FAIL - ember run --viz interrupted: exit code '$code', expected 130"
  sed 's/^/       | /' "$tmp/err"
  exit 1
fi
grep -q "interrupted at t = " "$tmp/err" || { echo "FAIL - no 'interrupted at' message"; exit 1; }
"$EMBER" info "$tmp/live" >"$tmp/info" 2>&1 || { echo "FAIL - ember info on the interrupted run"; cat "$tmp/info"; exit 1; }
echo "ok   - ember run --viz: SIGINT stops the run (130), files readable"

# ember-viz --follow on a run in progress; SIGTERM (SDL: a quit event) ends it with 0.
"$XVFB_RUN" -a -s "-screen 0 1280x1024x24" sh -c "$WAIT_SPIKES"'
  "$1" run "$2/tests/lua/long_run.lua" -o "$3/follow" --quiet >/dev/null 2>&1 &
  sim=$!
  "$4/viz/ember-viz" --follow "$3/follow" >"$3/fout" 2>&1 &
  viz=$!
  wait_spikes "$1" "$3/follow"
  sleep 3
  kill -TERM $viz
  wait $viz
  echo $? >"$3/fcode"
  kill -INT $sim
  wait $sim' sh "$EMBER" "$SRCDIR" "$tmp" "$BUILDDIR"
if [ "$(cat "$tmp/fcode" 2>/dev/null)" != 0 ]; then
  echo "FAIL - ember-viz --follow: exit code '$(cat "$tmp/fcode" 2>/dev/null)', expected 0"
  sed 's/^/       | /' "$tmp/fout"
  exit 1
fi
echo "ok   - ember-viz --follow on a growing run, quit by SIGTERM"

# ember run --viz --screenshot with --view / --select (offscreen, no X needed): the
# named view is drawn; a view or neuron that does not exist is refused (exit 1),
# and --view without --screenshot is a usage error (exit 2).
SDL_VIDEODRIVER=dummy "$EMBER" run "$SRCDIR/examples/quickstart.lua" -o "$tmp/shot" --quiet \
  --viz --screenshot "$tmp/shot.png" --view spikes --select exc:2 >"$tmp/sout" 2>&1
if [ $? != 0 ] || [ ! -s "$tmp/shot.png" ]; then
  echo "FAIL - ember run --viz --screenshot --view spikes --select exc:2"; sed 's/^/       | /' "$tmp/sout"; exit 1
fi
SDL_VIDEODRIVER=dummy "$EMBER" run "$SRCDIR/examples/quickstart.lua" -o "$tmp/shot2" --quiet \
  --viz --screenshot "$tmp/shot2.png" --select exc:9999 >"$tmp/sout" 2>&1
c1=$?
"$EMBER" run "$SRCDIR/examples/quickstart.lua" -o "$tmp/shot3" --quiet --view weights >"$tmp/uout" 2>&1
c2=$?
if [ $c1 != 1 ] || ! grep -q "ember run: --select 'exc:9999': no such population:neuron" "$tmp/sout" \
   || [ $c2 != 2 ] || ! grep -q "choose what --screenshot shows" "$tmp/uout"; then
  echo "FAIL - --select / --view refusals (exit $c1 and $c2)"; cat "$tmp/sout" "$tmp/uout"; exit 1
fi
echo "ok   - ember run --viz --screenshot --view/--select, and their refusals"
echo "viz_xvfb: all passed"
