#!/usr/bin/python3
"""Independent reference spike trains for the script-level model tests
(tests/lua/good_models.lua): scipy's DOP853 at rtol = atol = 1e-12 with its event
location, the equations written out again from the papers / PyNN definitions (not
from Ember's C code). Prints, per case, the spike count and the first spike times
that the Lua test hard-codes.

    tools/model_refs.py          (needs python3-scipy)
"""
import math
import numpy as np
from scipy.integrate import solve_ivp

TOL = dict(rtol=1e-12, atol=1e-12, method="DOP853")


def run(f, y0, T, th, reset=None, t_ref=0.0, clamp=False):
    """Integrates y' = f(y, refractory) over [0, T]; a spike is an upward crossing
    of th by y[0] outside the refractory period; reset(y) is applied then."""
    t, y, spikes = 0.0, np.array(y0, float), []
    while t < T:
        ev = lambda _t, yy: yy[0] - th
        ev.terminal, ev.direction = True, 1
        sol = solve_ivp(lambda _t, yy: f(yy, False), (t, T), y, events=ev, **TOL)
        if sol.status != 1:
            break
        t = sol.t_events[0][0]
        y = sol.y_events[0][0].copy()
        spikes.append(t)
        if reset:
            reset(y)
        if t_ref > 0:   # refractory: integrate without detection (v frozen if clamp)
            end = min(t + t_ref, T)
            sol = solve_ivp(lambda _t, yy: f(yy, clamp), (t, end), y, **TOL)
            t, y = end, sol.y[:, -1].copy()
    return spikes


def izhikevich(a=0.02, b=0.2, c=-65.0, d=8.0, I=10.0):
    f = lambda y, r: np.array([0.04 * y[0] ** 2 + 5 * y[0] + 140 - y[1] + I, a * (b * y[0] - y[1])])
    def reset(y):
        y[0] = c
        y[1] += d
    return run(f, [-65.0, b * -65.0], 1000.0, 30.0, reset)


def adex(i=0.8):
    cm, tau_m, v_rest, v_th, dT, v_spike = 0.281, 9.3667, -70.6, -50.4, 2.0, -40.0
    v_reset, t_ref, a, b, tau_w = -70.6, 0.1, 4.0e-3, 0.0805, 144.0   # a in uS
    gl = cm / tau_m
    def f(y, refr):
        v, w = y
        dv = 0.0 if refr else (gl * (v_rest - v) + gl * dT * math.exp((v - v_th) / dT) - w + i) / cm
        return np.array([dv, (a * (v - v_rest) - w) / tau_w])
    def reset(y):
        y[0] = v_reset
        y[1] += b
    return run(f, [v_rest, 0.0], 1000.0, v_spike, reset, t_ref, clamp=True)


def hh(i=0.5):
    gna, gk, gl, cm, vt, ena, ek, el = 20.0, 6.0, 0.01, 0.2, -63.0, 50.0, -90.0, -65.0
    def f(y, refr):
        v, m, h, n = y
        u = v - vt
        am = 0.32 * (13 - u) / math.expm1((13 - u) / 4)
        bm = 0.28 * (u - 40) / math.expm1((u - 40) / 5)
        ah = 0.128 * math.exp((17 - u) / 18)
        bh = 4.0 / (1 + math.exp((40 - u) / 5))
        an = 0.032 * (15 - u) / math.expm1((15 - u) / 5)
        bn = 0.5 * math.exp((10 - u) / 40)
        dv = (gl * (el - v) + gna * m ** 3 * h * (ena - v) + gk * n ** 4 * (ek - v) + i) / cm
        return np.array([dv, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n])
    y0 = [-64.7646, 0.010227, 0.997410, 0.028167]
    return run(f, y0, 1000.0, -20.0, None, 3.0)


if __name__ == "__main__":
    for name, sp in (("izhikevich RS, I = 10 (i_offset 0.01 nA)", izhikevich()),
                     ("adex PyNN defaults, i_offset 0.8 nA", adex()),
                     ("hh_cond_exp PyNN defaults, i_offset 0.5 nA", hh())):
        print(f"{name}: {len(sp)} spikes in 1000 ms; first {', '.join(f'{t:.6f}' for t in sp[:3])};"
              f" last {sp[-1]:.6f}")
