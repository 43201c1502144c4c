#!/bin/sh
# Quick start, line 2 (and CI): install what is missing, build, run every test.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
if ! make -j"$(nproc 2>/dev/null || echo 2)" check; then
  for f in tests/*.log tests/lua/*.log; do
    [ -f "$f" ] && case "$f" in *test-suite.log) ;; *) echo "==> $f"; tail -n 60 "$f";; esac
  done
  exit 1
fi
cat tests/*.log tests/lua/*.log 2>/dev/null | grep -E "^\[  (PASSED|FAILED)|passed, [0-9]+ failed" || true
