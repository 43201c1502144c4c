#!/usr/bin/env python3
"""Writes the ncps reference data of tests/test_ltc.c into tests/data/ltc/.

Runs ncps' LTC (PyTorch, float64) on fixed seeds: parameters perturbed away
from their initial values (as if trained, so that every term matters), random
inputs, regular steps and irregular `timespans`. Each file holds the exported
parameters (tools/ncps_export.py schema) plus group `ref`: inputs (T x K),
timespans (T; 1.0 for regular runs), h0 (N), outputs (T x M), states (T x N),
and attributes ode_unfolds, epsilon.

timespans are only right at batch 1 in ncps, so every sequence runs alone.

Usage: PYTHONPATH=<dir holding the ncps package> python3 tools/make_ltc_reference.py [OUTDIR]
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ncps_export  # noqa: E402
from ncps.torch import LTC  # noqa: E402
from ncps.wirings import NCP, AutoNCP, FullyConnected  # noqa: E402


def perturb(model, rng):
    """Moves every trainable parameter by a random amount, like training would."""
    with torch.no_grad():
        for name, p in model.rnn_cell.named_parameters():
            if not p.requires_grad:
                continue
            noise = torch.from_numpy(rng.normal(0.0, 0.2, size=tuple(p.shape)))
            p.add_(noise.to(p.dtype))


def run(model, x, ts, h0):
    with torch.no_grad():
        xt = torch.from_numpy(x).unsqueeze(0)
        tst = None if ts is None else torch.from_numpy(ts).unsqueeze(0).unsqueeze(-1)
        states = []
        h = torch.from_numpy(h0).unsqueeze(0)
        outs = []
        # One step at a time to keep every intermediate state (same arithmetic as
        # one call over the sequence: LTC.forward loops over the cell the same way).
        for t in range(x.shape[0]):
            span = 1.0 if tst is None else tst[:, t].squeeze()
            o, h = model.rnn_cell.forward(xt[:, t], h, span)
            outs.append(o[0].numpy().copy())
            states.append(h[0].numpy().copy())
        full, _ = model(xt, torch.from_numpy(h0).unsqueeze(0), timespans=tst)
        assert np.array_equal(full[0].numpy(), np.array(outs)), "stepwise != sequence run"
    return np.array(outs), np.array(states)


def make(path, wiring, k, T, seed, irregular, unfolds=6, h0_scale=0.0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = LTC(k, wiring, ode_unfolds=unfolds).double()
    perturb(model, rng)
    n = model.state_size
    x = rng.normal(0.0, 1.0, size=(T, k))
    ts = rng.uniform(0.2, 2.5, size=T) if irregular else None
    h0 = rng.uniform(-h0_scale, h0_scale, size=n) if h0_scale else np.zeros(n)
    outs, states = run(model, x, ts, h0)

    def extra(f):
        g = f.create_group("ref")
        g.create_dataset("inputs", data=x)
        g.create_dataset("timespans", data=np.ones(T) if ts is None else ts)
        g.create_dataset("h0", data=h0)
        g.create_dataset("outputs", data=outs)
        g.create_dataset("states", data=states)
        g.attrs["ode_unfolds"] = unfolds
        g.attrs["epsilon"] = model.rnn_cell._epsilon
        g.attrs["torch"] = str(torch.__version__)

    ncps_export.export(model, path, extra)
    print("%s: N=%d K=%d M=%d T=%d synapses=%d" % (path, n, k, model.motor_size, T,
                                                  int(np.abs(wiring.adjacency_matrix).sum())))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "ltc"))
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    make(os.path.join(out, "fc8.h5"), FullyConnected(8, 2), k=3, T=40, seed=1, irregular=False)
    make(os.path.join(out, "fc8_irregular.h5"), FullyConnected(8, 2), k=3, T=40, seed=2,
         irregular=True, h0_scale=0.5)
    make(os.path.join(out, "ncp12.h5"), NCP(6, 4, 2, 3, 2, 3, 2, seed=5), k=4, T=40, seed=3,
         irregular=True, unfolds=3)
    make(os.path.join(out, "autoncp19.h5"), AutoNCP(19, 1), k=16, T=60, seed=4, irregular=False)


if __name__ == "__main__":
    main()
