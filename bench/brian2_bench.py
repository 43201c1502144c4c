#!/usr/bin/python3
"""Brian2 reference runs for Ember's benchmarks (bench/run.sh, bench/RESULTS.md).

Run with Debian's /usr/bin/python3, which sees python3-brian (2.5.1); a
virtualenv python usually does not.

    brian2_bench.py coba|cuba|cobahh  [T_ms] [dt_ms] [threads]   # Brette et al. 2007 networks
    brian2_bench.py single     [T_ms] [dt_ms]             # bench/accuracy_single.lua's neuron

Options: --seed S, --delay MS, --method M (state updater), --repeat R (run the compiled
binary R times, keep the fastest), --spikes-out FILE (write "t_ms id" lines),
--keep (keep the standalone project directory).

Prints one machine-readable line, e.g.

    brian2 model=coba T=1000 dt=0.1 threads=1 wall=0.119 binary=0.173 build=10.0 spikes=84389 method=euler delay=0

  wall    seconds spent in the simulation loop of the compiled binary
          (Brian's Network::run, written by the binary to
          results/last_run_info.txt and exposed as device._last_run_time).  It
          excludes code generation and compilation and also building the
          synapses, which happens in the binary before the loop starts.
  binary  wall-clock seconds of the whole binary (synapse creation,
          initialisation, the loop, writing results), measured around the
          process by Brian (device.timers['run_binary']).  This is the number
          to compare with the wall clock of a whole `ember run`.
  build   seconds for code generation plus compilation (reported, never compared).

The models follow the Brian scripts of the benchmark review (Brette et al.
2007, J Comput Neurosci 23:349, benchmarks 1, 2 and 3, after Vogels & Abbott
2005) and Brian2's documented CUBA and COBAHH examples, rewritten for Brian2's
C++ standalone mode.  Parameters are the ones in examples/coba.lua,
examples/cuba.lua and examples/cobahh.lua; any change there must be made here
too.

Threads: threads=1 compiles without OpenMP (openmp_threads = 0), so the 1-thread
number carries no OpenMP overhead; threads=N>1 sets openmp_threads = N.
"""
import argparse
import math
import shutil
import sys
import tempfile
import warnings

# Debian's brian2 pulls in pythran, which warns about numpy aliases on import.
warnings.filterwarnings("ignore")

import brian2 as b2  # noqa: E402  (after the warning filter on purpose)

N_EXC, N_INH, P_CONN = 3200, 800, 0.02


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=["coba", "cuba", "cobahh", "single"])
    ap.add_argument("T", nargs="?", type=float, default=1000.0, help="duration (ms)")
    ap.add_argument("dt", nargs="?", type=float, default=0.1, help="time step (ms)")
    ap.add_argument("threads", nargs="?", type=int, default=1)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--method", default=None,
                    help="state updater (default: euler for coba/single, exact for cuba, "
                         "exponential_euler for cobahh)")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="synaptic delay in ms for coba/cuba (default 0: none, as in the "
                         "benchmark; Ember's scripts use 0.1)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--spikes-out", default=None)
    ap.add_argument("--keep", action="store_true")
    return ap.parse_args(argv)


def build_coba(method, delay_ms):
    """Benchmark 1: 4000 conductance-based LIF neurons, self-sustained activity.

    C dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v), conductances decay
    exponentially; every spike adds 6 nS (from the first 3200 neurons) or 67 nS
    (from the last 800) to the target's g_e or g_i.  No synaptic delay."""
    ns = dict(C=200 * b2.pF, g_L=10 * b2.nS, E_L=-60 * b2.mV, E_e=0 * b2.mV,
              E_i=-80 * b2.mV, tau_e=5 * b2.ms, tau_i=10 * b2.ms,
              V_th=-50 * b2.mV, V_reset=-60 * b2.mV, w_e=6 * b2.nS, w_i=67 * b2.nS)
    model = """
        dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v)) / C : volt (unless refractory)
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
    """
    group = b2.NeuronGroup(N_EXC + N_INH, model, threshold="v > V_th",
                           reset="v = V_reset", refractory=5 * b2.ms,
                           method=method or "euler", namespace=ns)
    # Brette's Brian script: v ~ N(-65, 5) mV; g_e ~ N(4, 1.5) and g_i ~ N(20, 12)
    # in units of g_L = 10 nS.  Same in examples/coba.lua.
    group.v = "-65*mV + 5*mV*randn()"
    group.g_e = "(4 + 1.5*randn()) * g_L"
    group.g_i = "(20 + 12*randn()) * g_L"
    return group, connect_ei(group, "g_e += w_e", "g_i += w_i", ns, delay_ms)


def build_cuba(method, delay_ms):
    """Benchmark 2: 4000 current-based LIF neurons (Brian's voltage units).

    tau_m dv/dt = g_e + g_i - (v - E_L); each spike moves g_e by +1.62 mV or
    g_i by -9 mV; both decay exponentially.  No synaptic delay."""
    ns = dict(tau_m=20 * b2.ms, tau_e=5 * b2.ms, tau_i=10 * b2.ms, E_L=-49 * b2.mV,
              V_th=-50 * b2.mV, V_reset=-60 * b2.mV, w_e=1.62 * b2.mV, w_i=-9 * b2.mV)
    model = """
        dv/dt = (g_e + g_i - (v - E_L)) / tau_m : volt (unless refractory)
        dg_e/dt = -g_e / tau_e : volt
        dg_i/dt = -g_i / tau_i : volt
    """
    group = b2.NeuronGroup(N_EXC + N_INH, model, threshold="v > V_th",
                           reset="v = V_reset", refractory=5 * b2.ms,
                           method=method or "exact", namespace=ns)
    group.v = "V_reset + rand() * (V_th - V_reset)"   # U(-60, -50) mV
    return group, connect_ei(group, "g_e += w_e", "g_i += w_i", ns, delay_ms)


def build_cobahh(method, delay_ms):
    """Benchmark 3: 4000 Hodgkin-Huxley neurons (Traub-Miles channels, V_T = -63 mV),
    the COBA synapses (6 nS / 67 nS, tau 5 / 10 ms).  A spike is an upward crossing
    of -20 mV; 3 ms refractory for detection only (no reset, v keeps evolving).
    Initial state as examples/cobahh.lua: v ~ N(-65, 5) mV, conductances as COBA
    with negative draws set to 0, gates at 0."""
    ns = dict(C=200 * b2.pF, g_L=10 * b2.nS, E_L=-60 * b2.mV, E_K=-90 * b2.mV,
              E_Na=50 * b2.mV, g_Na=20 * b2.uS, g_K=6 * b2.uS, V_T=-63 * b2.mV,
              E_e=0 * b2.mV, E_i=-80 * b2.mV, tau_e=5 * b2.ms, tau_i=10 * b2.ms,
              w_e=6 * b2.nS, w_i=67 * b2.nS)
    # u = (v - V_T)/mV; rates in 1/ms (Brette et al. 2007, Traub & Miles 1991).
    model = """
        dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v)
                 + g_Na*m**3*h*(E_Na - v) + g_K*n**4*(E_K - v)) / C : volt
        dm/dt = a_m*(1 - m) - b_m*m : 1
        dh/dt = a_h*(1 - h) - b_h*h : 1
        dn/dt = a_n*(1 - n) - b_n*n : 1
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
        u = (v - V_T) / mV : 1
        a_m = 0.32*(13 - u) / (exp((13 - u)/4) - 1) / ms : Hz
        b_m = 0.28*(u - 40) / (exp((u - 40)/5) - 1) / ms : Hz
        a_h = 0.128*exp((17 - u)/18) / ms : Hz
        b_h = 4 / (1 + exp((40 - u)/5)) / ms : Hz
        a_n = 0.032*(15 - u) / (exp((15 - u)/5) - 1) / ms : Hz
        b_n = 0.5*exp((10 - u)/40) / ms : Hz
    """
    group = b2.NeuronGroup(N_EXC + N_INH, model, threshold="v > -20*mV",
                           refractory=3 * b2.ms, method=method or "exponential_euler",
                           namespace=ns)
    group.v = "-65*mV + 5*mV*randn()"
    group.g_e = "clip((4 + 1.5*randn()) * g_L, 0*nS, inf*nS)"
    group.g_i = "clip((20 + 12*randn()) * g_L, 0*nS, inf*nS)"
    return group, connect_ei(group, "g_e += w_e", "g_i += w_i", ns, delay_ms)


def connect_ei(group, on_exc, on_inh, ns, delay_ms):
    """Random connectivity p = 0.02 from every neuron; the first N_EXC neurons
    excite, the others inhibit; one delay for all (0: Brian's default, the
    input acts from the next step on).  Returns the two Synapses objects."""
    delay = delay_ms * b2.ms if delay_ms > 0 else None
    exc = b2.Synapses(group, group, on_pre=on_exc, namespace=ns, delay=delay)
    inh = b2.Synapses(group, group, on_pre=on_inh, namespace=ns, delay=delay)
    exc.connect(condition=f"i < {N_EXC}", p=P_CONN)
    inh.connect(condition=f"i >= {N_EXC}", p=P_CONN)
    return [exc, inh]


# --- single-neuron accuracy case (must match bench/accuracy_single.lua) -----------
SINGLE = dict(rate_hz=120.0, dead_ms=0.5, start_ms=1.0, w_uS=0.006, delay_ms=0.5)


def single_inputs(T_ms):
    """Input spike times (ms) of the accuracy case: a renewal process with a
    0.5 ms dead time and exponential intervals (mean rate ~120 Hz), drawn from
    the Park-Miller 'minstd' generator (x <- 48271 x mod 2^31-1, seed 42).
    Integer arithmetic and one libm log per draw, so Lua 5.4 and Python produce
    the same doubles; bench/accuracy_single.lua has the same loop."""
    x, t, times = 42, SINGLE["start_ms"], []
    mean_ms = 1000.0 / SINGLE["rate_hz"]
    while True:
        x = (x * 48271) % 2147483647
        u = x / 2147483647.0
        t = t + SINGLE["dead_ms"] + (-math.log(u)) * mean_ms
        if t >= T_ms:
            return times
        times.append(t)


def build_single(method, T_ms):
    """One lif_cond_exp neuron with the COBA parameters, driven by the inputs above
    through one excitatory synapse (weight 6 nS, delay 0.5 ms).  Brian rounds the
    input times to its dt grid."""
    ns = dict(C=200 * b2.pF, g_L=10 * b2.nS, E_L=-60 * b2.mV, E_e=0 * b2.mV,
              E_i=-80 * b2.mV, tau_e=5 * b2.ms, tau_i=10 * b2.ms,
              V_th=-50 * b2.mV, V_reset=-60 * b2.mV, w_e=SINGLE["w_uS"] * b2.uS)
    model = """
        dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v)) / C : volt (unless refractory)
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
    """
    group = b2.NeuronGroup(1, model, threshold="v > V_th", reset="v = V_reset",
                           refractory=5 * b2.ms, method=method or "euler", namespace=ns)
    group.v = -60 * b2.mV
    times = single_inputs(T_ms)
    src = b2.SpikeGeneratorGroup(1, [0] * len(times), times * b2.ms)
    syn = b2.Synapses(src, group, on_pre="g_e += w_e", delay=SINGLE["delay_ms"] * b2.ms,
                      namespace=ns)
    syn.connect()
    return group, [src, syn]


def main(argv):
    a = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="ember_brian2_")
    try:
        b2.set_device("cpp_standalone", build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        b2.defaultclock.dt = a.dt * b2.ms
        b2.seed(a.seed)
        if a.model == "coba":
            group, others = build_coba(a.method, a.delay)
        elif a.model == "cuba":
            group, others = build_cuba(a.method, a.delay)
        elif a.model == "cobahh":
            group, others = build_cobahh(a.method, a.delay)
        else:
            group, others = build_single(a.method, a.T)
        mon = b2.SpikeMonitor(group)
        net = b2.Network(group, mon, *others)
        net.run(a.T * b2.ms)

        import time
        t0 = time.time()
        b2.device.build(directory=workdir, compile=True, run=False, with_output=False)
        build_s = time.time() - t0
        wall, binary = math.inf, math.inf
        for _ in range(max(1, a.repeat)):
            b2.device.run(workdir, with_output=False, run_args=[])
            wall = min(wall, b2.device._last_run_time)
            binary = min(binary, b2.device.timers["run_binary"])
        t_ms = mon.t[:] / b2.ms
        ids = mon.i[:]
        if a.spikes_out:
            with open(a.spikes_out, "w") as f:
                for t, i in zip(t_ms, ids):
                    f.write(f"{t:.17g} {int(i)}\n")
        method = group.state_updater.method_choice
        print(f"brian2 model={a.model} T={a.T:g} dt={a.dt:g} threads={a.threads} "
              f"wall={wall:.4f} binary={binary:.4f} build={build_s:.1f} "
              f"spikes={len(ids)} method={method} delay={a.delay:g}", flush=True)
    finally:
        if a.keep:
            print(f"# standalone project kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
