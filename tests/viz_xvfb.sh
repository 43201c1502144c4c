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

# SIGINT to the window's process while the simulation runs: it stops as an
# interruption (130) and the files are closed.
"$XVFB_RUN" -a -s "-screen 0 1280x1024x24" sh -c '
  "$1" run "$2/tests/lua/long_run.lua" -o "$3/live" --viz --quiet >"$3/out" 2>"$3/err" &
  pid=$!
  sleep 3
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
"$XVFB_RUN" -a -s "-screen 0 1280x1024x24" sh -c '
  "$1" run "$2/tests/lua/long_run.lua" -o "$3/follow" --quiet >/dev/null 2>&1 &
  sim=$!
  "$4/viz/ember-viz" --follow "$3/follow" >"$3/fout" 2>&1 &
  viz=$!
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
echo "viz_xvfb: all passed"
