#!/bin/sh
# bench/run.sh: Ember's CUBA/COBA/COBAHH benchmarks, Brian2 on the same networks, and a
# single-neuron spike-time accuracy check.  `make bench` runs `bench/run.sh sim/ember`.
#
#   bench/run.sh PATH_TO_EMBER
#
# Prints markdown tables (paste them into bench/RESULTS.md).  Plain POSIX sh, since
# make runs it with $(SHELL).  Needs /usr/bin/python3 with h5py to read the output
# files; the Brian2 rows appear only when that python can import brian2 (Debian:
# python3-brian).  Bounded to roughly fifteen minutes on 2 cores (COBAHH at 10 s
# is skipped by BENCH_LONG_LIMIT); knobs:
#
#   BENCH_DURATIONS="1000 10000"  simulated ms per network run
#   BENCH_THREADS="1 2"           thread counts for Ember and Brian2
#   BENCH_LONG_LIMIT=15           a run longer than 1000 ms is skipped (and the table
#                                 says so) when the 1000 ms run of the same model and
#                                 thread count took more than this many seconds
#   BENCH_BRIAN=0                 skip Brian2 even if it is installed
#   BENCH_QUIET=1                 pass --quiet to ember (then the "Ember run" column,
#                                 taken from ember's summary line, stays empty)
#   BENCH_KEEP=1                  keep the temporary directory (printed at the end)
#   BENCH_LTC=PATH                the tools/ltc_bench program (`make bench` sets it):
#                                 LTC steps/s, Ember's fused solver vs ncps; empty: no
#                                 LTC section. BENCH_LTC_ONLY=1: only that section
#   NCPS_PATH=DIR                 a directory holding the `ncps` package (e.g. a
#                                 checkout of github.com/mlech26l/ncps); ncps is
#                                 never fetched: without it (or torch) the ncps
#                                 columns stay empty
set -u

EMBER=${1:?usage: bench/run.sh PATH_TO_EMBER}
case $EMBER in /*) ;; *) EMBER=$(pwd)/$EMBER ;; esac
BENCH=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$BENCH")
# In a build tree sim/ember is libtool's wrapper script, which starts bash and
# sets the library path before it runs .libs/ember: ~70 ms a run here, which an
# installed ember does not pay and Brian2's binary time does not include. Time
# the program itself.
EMBER_NOTE=
if [ -f "$EMBER" ] && head -n 5 "$EMBER" 2>/dev/null | grep -q 'wrapper script' &&
   [ -x "$(dirname "$EMBER")/.libs/$(basename "$EMBER")" ]; then
  LIBDIR=$(sed -n 's/^ *LD_LIBRARY_PATH="\([^:"]*\):.*/\1/p' "$EMBER" | head -n 1)
  EMBER=$(dirname "$EMBER")/.libs/$(basename "$EMBER")
  LD_LIBRARY_PATH=${LIBDIR:-$SRC/lib/.libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
  EMBER_NOTE=" (the program behind libtool's wrapper script, library path $LIBDIR)"
fi
PY=/usr/bin/python3
DURATIONS=${BENCH_DURATIONS:-1000 10000}
THREADS=${BENCH_THREADS:-1 2}
LONG_LIMIT=${BENCH_LONG_LIMIT:-15}
OUT_DEGREE=80   # 4000 neurons x p = 0.02: mean targets per spike, if the script is silent
N_NEURONS=4000
QUIET=
[ "${BENCH_QUIET:-0}" = 1 ] && QUIET=--quiet

[ -x "$EMBER" ] || { echo "bench: $EMBER is not an executable" >&2; exit 1; }
"$PY" -c 'import h5py' 2>/dev/null || { echo "bench: $PY cannot import h5py" >&2; exit 1; }
HAVE_BRIAN=0
if [ "${BENCH_BRIAN:-1}" != 0 ] && "$PY" -c 'import brian2' >/dev/null 2>&1; then
  HAVE_BRIAN=1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ember_bench.XXXXXX") || exit 1
if [ "${BENCH_KEEP:-0}" = 1 ]; then
  trap 'echo "bench: files kept in $TMP"' EXIT
else
  trap 'rm -rf "$TMP"' EXIT
fi

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "" && b != "") printf "%.2f", a / b; else printf "-" }'; }
field() { # field NAME LINE: value of NAME=value in a key=value line
  printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# Count the spikes in DIR/spikes.h5 (all populations).
h5_spikes() {
  "$PY" -c 'import sys, h5py
with h5py.File(sys.argv[1] + "/spikes.h5", "r") as f:
    print(sum(g["node_ids"].shape[0] for g in f["spikes"].values()))' "$1" 2>/dev/null || echo "?"
}

# ember_run SCRIPT T THREADS DIR [VAR=VALUE ...]: runs Ember, sets WALL (s, whole
# process), RUN (s inside ember.run, from ember's summary; empty with --quiet),
# SPIKES, SYNAPSES (empty if the script does not say) and STATUS (ok / failed ...).
# The script's key=value line gives the counts; spikes.h5 is the fallback.
ember_run() {
  script=$1 t=$2 th=$3 dir=$4; shift 4
  mkdir -p "$dir"
  t0=$(now)
  # shellcheck disable=SC2086  # $QUIET is empty or one word
  env EMBER_T="$t" "$@" "$EMBER" run "$script" -o "$dir" --threads "$th" $QUIET \
    >"$dir/stdout.txt" 2>"$dir/stderr.txt"
  rc=$?
  WALL=$(sub "$(now)" "$t0")
  if [ $rc -ne 0 ]; then
    STATUS="failed (exit $rc: $(head -c 200 "$dir/stderr.txt" | tr '\n' ' '))"
    SPIKES="-" RUN="" SYNAPSES=""
    return 1
  fi
  STATUS=ok
  line=$(grep 'spikes=' "$dir/stdout.txt" | tail -n 1)
  SPIKES=$(field spikes "$line") SYNAPSES=$(field synapses "$line")
  RUN=$(sed -n 's/.* wall (\([0-9.e+-]*\) s in ember\.run.*/\1/p' "$dir/stdout.txt" | tail -n 1)
  [ -n "$SPIKES" ] || SPIKES=$(h5_spikes "$dir")
  return 0
}

# brian_run MODEL T DT THREADS [extra args]: sets B_WALL (loop), B_BIN (binary),
# B_SPIKES; empty when Brian2 is missing or fails.
brian_run() {
  B_WALL="" B_BIN="" B_SPIKES=""
  [ $HAVE_BRIAN = 1 ] || return 1
  line=$("$PY" "$BENCH/brian2_bench.py" "$@" 2>"$TMP/brian_stderr.txt" | grep '^brian2 ' | tail -n 1)
  [ -n "$line" ] || { echo "bench: brian2 $* failed: $(tail -n 3 "$TMP/brian_stderr.txt")" >&2; return 1; }
  B_WALL=$(field wall "$line") B_BIN=$(field binary "$line") B_SPIKES=$(field spikes "$line")
}

# --- LTC: tools/ltc_bench (fused, 6 unfolds, batch 1, 16 inputs, sequences of 1000)
# against ncps on PyTorch (tools/ltc_bench_ncps.py) at the same thread count.  Runs
# are interleaved (Ember, ncps, Ember, ncps ...) and the best of BENCH_LTC_REPS
# (default 3) is kept: on a shared machine the best is the least disturbed.
ltc_section() {
  [ -n "${BENCH_LTC:-}" ] || return 0
  echo
  echo "## LTC circuits: Ember fused vs ncps (steps/s, batch 1, 16 inputs, 6 unfolds, T = 1000)"
  echo
  if [ ! -x "$BENCH_LTC" ]; then
    echo "$BENCH_LTC is missing (make tools/ltc_bench)"
    return 0
  fi
  have_ncps=0
  if [ -n "${NCPS_PATH:-}" ] && PYTHONPATH="$NCPS_PATH" "$PY" -c 'import torch, ncps.torch' >/dev/null 2>&1; then
    have_ncps=1
    echo "ncps: $NCPS_PATH, torch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null) (CPU, float32 and float64)"
  else
    echo "ncps: not available (set NCPS_PATH to a directory holding the ncps package, with python3-torch installed; nothing is downloaded)"
  fi
  echo "Ember synapse kernel: $("$BENCH_LTC" kernel 2>/dev/null)"
  echo
  echo "| circuit | threads | Ember fused | ncps float32 | ncps float64 | Ember / ncps f32 | Ember / ncps f64 |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for th in 1 2; do
    : >"$TMP/ltc_e_$th" ; : >"$TMP/ltc_n_$th"
    r=0
    while [ $r -lt "${BENCH_LTC_REPS:-3}" ]; do
      "$BENCH_LTC" fused >>"$TMP/ltc_e_$th" 2>&1
      [ $have_ncps = 1 ] && PYTHONPATH="$NCPS_PATH" "$PY" "$SRC/tools/ltc_bench_ncps.py" "$th" >>"$TMP/ltc_n_$th" 2>&1
      r=$((r + 1))
    done
    for circ in autoncp19 fc128; do
      e=$(sed -n "s/^$circ: .*fused\/6: \([0-9]*\) steps\/s/\1/p" "$TMP/ltc_e_$th" | sort -n | tail -n 1)
      n32=$(sed -n "s/^$circ float32: \([0-9]*\) steps\/s/\1/p" "$TMP/ltc_n_$th" | sort -n | tail -n 1)
      n64=$(sed -n "s/^$circ float64: \([0-9]*\) steps\/s/\1/p" "$TMP/ltc_n_$th" | sort -n | tail -n 1)
      echo "| $circ | $th | ${e:--} | ${n32:--} | ${n64:--} | $(ratio "${e:-}" "${n32:-0}") | $(ratio "${e:-}" "${n64:-0}") |"
    done
  done
  echo
  echo "Ember's circuits this small run on one thread at any thread count (OpenMP from"
  echo "10 000 neurons); ncps gets the threads. Adaptive solver at 1e-8 (rk8pd, one thread):"
  "$BENCH_LTC" speed 2>/dev/null | grep rk8pd | sed 's/^/- /'
}

if [ "${BENCH_LTC_ONLY:-0}" = 1 ]; then
  ltc_section
  exit 0
fi

echo "# Ember benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; ember: $EMBER$EMBER_NOTE"
# Other processes on the cores distort everything, multi-threaded runs most (OpenMP
# threads spin at barriers while a busy core holds their partner back): say so.
load=$(cut -d' ' -f1 /proc/loadavg)
echo "Load average (1 min) at start: $load$(awk -v l="$load" 'BEGIN { if (l > 0.5) printf " — the machine may be busy; if so, timings (2 threads above all) are unreliable" }')"
[ $HAVE_BRIAN = 1 ] && echo "Brian2: $("$PY" -c 'import warnings; warnings.filterwarnings("ignore"); import brian2; print(brian2.__version__)' 2>/dev/null), C++ standalone, dt 0.1 ms" \
  || echo "Brian2: not available (rows left empty)"
echo
echo "Ember wall = the whole \`ember run\` process (Lua, network construction, simulation,"
echo "HDF5 output); Ember run = time inside ember.run. Brian2 loop = its simulation loop;"
echo "Brian2 binary = the whole compiled binary (code generation and compilation excluded)."
echo "events/s = synaptic events per second of Ember run (else wall), events ≈ spikes x"
echo "synapses / $N_NEURONS. ratio = Ember wall / Brian2 binary (both whole processes)."
echo
echo "| model | T (ms) | threads | Ember wall (s) | Ember run (s) | Ember spikes | events/s | Brian2 loop (s) | Brian2 binary (s) | Brian2 spikes | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"

for model in cuba coba cobahh; do
  for t in $DURATIONS; do
    for th in $THREADS; do
      dir="$TMP/$model-$t-$th"
      short="$TMP/wall-$model-1000-$th"   # wall of the 1000 ms run, if there was one
      if [ "$t" -gt 1000 ] && [ -f "$short" ] &&
         awk -v w="$(cat "$short")" -v l="$LONG_LIMIT" 'BEGIN { exit !(w > l) }'; then
        echo "| $model | $t | $th | skipped: 1000 ms took $(cat "$short") s > ${LONG_LIMIT} s | | | | | | | |"
        continue
      fi
      if ember_run "$SRC/examples/$model.lua" "$t" "$th" "$dir"; then
        ev=$(awk -v s="$SPIKES" -v w="${RUN:-$WALL}" -v syn="$SYNAPSES" -v n=$N_NEURONS \
                 -v d=$OUT_DEGREE 'BEGIN { if (syn ~ /^[0-9]+$/) d = syn / n;
                   if (s ~ /^[0-9]+$/ && w > 0) printf "%.3g", s * d / w; else printf "-" }')
      else
        ev="-"
      fi
      [ "$t" = 1000 ] && echo "$WALL" >"$TMP/wall-$model-1000-$th"
      brian_run "$model" "$t" 0.1 "$th" || true
      [ "$STATUS" = ok ] || SPIKES="$STATUS"
      echo "| $model | $t | $th | $WALL | ${RUN:--} | $SPIKES | $ev | ${B_WALL:--} | ${B_BIN:--} | ${B_SPIKES:--} | $(ratio "$WALL" "${B_BIN:-0}") |" |
        tee -a "$TMP/table.txt"
    done
  done
done
if [ $HAVE_BRIAN = 1 ]; then
  brian_run coba 1000 0.01 1 || true
  ember_1s=$(awk '$2 == "coba" && $4 == 1000 && $6 == 1 { print $8 }' "$TMP/table.txt")
  echo "| coba (Brian2 at dt 0.01 ms) | 1000 | 1 | ${ember_1s:--} | | | | ${B_WALL:--} | ${B_BIN:--} | ${B_SPIKES:--} | $(ratio "${ember_1s:-}" "${B_BIN:-0}") |"
fi

# Ember promises the same spikes for any number of threads (docs/engine.md).
echo
echo "Same spikes at 1 and 2 threads (1000 ms):"
for model in cuba coba cobahh; do
  a="$TMP/$model-1000-1" b="$TMP/$model-1000-2"
  if [ -f "$a/spikes.h5" ] && [ -f "$b/spikes.h5" ]; then
    same=$("$PY" - "$a/spikes.h5" "$b/spikes.h5" <<'EOF'
import sys, h5py, numpy as np
def load(p):
    with h5py.File(p, "r") as f:
        return {k: (g["timestamps"][()], g["node_ids"][()]) for k, g in f["spikes"].items()}
x, y = load(sys.argv[1]), load(sys.argv[2])
def canon(d):
    out = {}
    for k, (t, i) in d.items():
        o = np.lexsort((t, i))
        out[k] = (t[o], i[o])
    return out
x, y = canon(x), canon(y)
ok = x.keys() == y.keys() and all(np.array_equal(x[k][0], y[k][0]) and
                                  np.array_equal(x[k][1], y[k][1]) for k in x)
print("yes (bit-identical)" if ok else "NO")
EOF
)
    echo "- $model: $same"
  else
    echo "- $model: not run (needs 1000 ms at 1 and 2 threads)"
  fi
done

# --- accuracy: one lif_cond_exp neuron, fixed input (bench/accuracy_single.lua) ----
echo
echo "## Accuracy: one lif_cond_exp neuron, fixed excitatory input, 1000 ms"
echo
echo "Reference: Ember rk8pd, abstol = reltol = 1e-12. Target for Ember's defaults: max |dt| < 1e-3 ms."
echo
ACC="$BENCH/accuracy_single.lua"
ember_run "$ACC" 1000 1 "$TMP/acc_ref" EMBER_SOLVER=rk8pd EMBER_TOL=1e-12 || echo "reference run $STATUS"
ember_run "$ACC" 1000 1 "$TMP/acc_default" || echo "default run $STATUS"
ember_run "$ACC" 1000 1 "$TMP/acc_rkf45_1e-4" EMBER_SOLVER=rkf45 EMBER_TOL=1e-4 || true
for dt in 0.1 0.01 0.001; do
  if [ $HAVE_BRIAN = 1 ]; then
    "$PY" "$BENCH/brian2_bench.py" single 1000 "$dt" --spikes-out "$TMP/acc_brian_$dt.txt" \
      >/dev/null 2>&1 || echo "bench: brian2 single dt=$dt failed" >&2
  fi
done
"$PY" - "$TMP" <<'EOF'
import os, sys, h5py, numpy as np
tmp = sys.argv[1]
def ember(name):
    p = os.path.join(tmp, name, "spikes.h5")
    if not os.path.exists(p):
        return None
    with h5py.File(p, "r") as f:
        return np.sort(np.concatenate([g["timestamps"][()] for g in f["spikes"].values()]))
def brian(dt):
    p = os.path.join(tmp, f"acc_brian_{dt}.txt")
    if not os.path.exists(p):
        return None
    return np.sort(np.loadtxt(p, ndmin=2)[:, 0]) if os.path.getsize(p) else np.zeros(0)
ref = ember("acc_ref")
rows = [("Ember defaults (expint, 1e-6)", ember("acc_default")),
        ("Ember rkf45, 1e-4", ember("acc_rkf45_1e-4"))]
rows += [(f"Brian2 euler, dt {dt} ms", brian(dt)) for dt in ("0.1", "0.01", "0.001")]
print("| run | spikes | max abs dt (ms) | mean abs dt (ms) |")
print("| --- | ---: | ---: | ---: |")
if ref is None or ref.size == 0:
    print("| reference | failed or no spikes | | |")
    sys.exit(0)
print(f"| reference (rk8pd, 1e-12) | {ref.size} | 0 | 0 |")
for name, t in rows:
    if t is None:
        print(f"| {name} | not run | | |")
        continue
    # Pair in order when the counts agree; otherwise each reference spike with the
    # nearest spike of the run (and say the counts differ).
    if t.size == ref.size:
        d = np.abs(t - ref)
        note = ""
    else:
        d = np.array([np.min(np.abs(t - s)) for s in ref]) if t.size else np.array([np.inf])
        note = f" (count differs: {t.size} vs {ref.size})"
    print(f"| {name}{note} | {t.size} | {d.max():.3g} | {d.mean():.3g} |")
d0 = ember("acc_default")
if d0 is not None and d0.size == ref.size:
    worst = np.abs(d0 - ref).max()
    print(f"\nEmber defaults: max |dt| = {worst:.3g} ms -> {'PASS' if worst < 1e-3 else 'FAIL'} (target < 1e-3 ms)")
EOF

ltc_section
