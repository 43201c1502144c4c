#!/usr/bin/env python3
"""Export an ncps PyTorch LTC model (ncps.torch.LTC or LTCCell) to Ember's LTC
parameter schema (docs/ltc.md), so that Ember runs the same network.

Values are written as the ODE sees them: softplus (implicit constraints) or the
clip already applied, w and sensory_w multiplied by the sparsity masks, and the
input/output maps expanded to affine form (w = 1, b = 0 where the model has
none). Needs torch, ncps, numpy and h5py; not a build dependency of Ember.

Usage as a script:  ncps_export.py MODEL.pt OUT.h5
(MODEL.pt: a whole model saved with torch.save(model, path)).
"""
import sys

import h5py
import numpy as np
import torch


def _cell(model):
    """The LTCCell inside `model` (an LTC wrapper or the cell itself)."""
    cell = getattr(model, "rnn_cell", model)
    if not hasattr(cell, "_ode_unfolds") or not hasattr(cell, "_params"):
        raise TypeError("expected an ncps.torch.LTC or LTCCell, got %r" % type(model))
    if getattr(model, "use_mixed", False):
        raise ValueError("mixed_memory LTCs (with an LSTM) are not an LTC circuit alone")
    return cell


def effective_params(model):
    """Dictionary of numpy float64 arrays in the schema's names and layouts."""
    cell = _cell(model)
    p = cell._params
    pos = cell.make_positive_fn
    dd = lambda t: t.detach().to(torch.float64).cpu().numpy()
    mask = dd(p["sparsity_mask"])
    smask = dd(p["sensory_sparsity_mask"])
    out = {
        "gleak": dd(pos(p["gleak"])),
        "vleak": dd(p["vleak"]),
        "cm": dd(pos(p["cm"])),
        "w": dd(pos(p["w"])) * mask,
        "sigma": dd(p["sigma"]) * mask,
        "mu": dd(p["mu"]) * mask,
        "erev": dd(p["erev"]) * mask,
        "sensory_w": dd(pos(p["sensory_w"])) * smask,
        "sensory_sigma": dd(p["sensory_sigma"]) * smask,
        "sensory_mu": dd(p["sensory_mu"]) * smask,
        "sensory_erev": dd(p["sensory_erev"]) * smask,
    }
    k, m = cell.sensory_size, cell.motor_size
    out["input_w"] = dd(p["input_w"]) if "input_w" in p else np.ones(k)
    out["input_b"] = dd(p["input_b"]) if "input_b" in p else np.zeros(k)
    out["output_w"] = dd(p["output_w"]) if "output_w" in p else np.ones(m)
    out["output_b"] = dd(p["output_b"]) if "output_b" in p else np.zeros(m)
    return out


def export(model, path, extra=None):
    """Writes model's parameters and wiring to the HDF5 file `path`. `extra`:
    optional callable(h5py.File) adding more datasets before closing."""
    cell = _cell(model)
    params = effective_params(model)
    wiring = cell._wiring
    with h5py.File(path, "w") as f:
        g = f.create_group("params")
        for name, v in params.items():
            g.create_dataset(name, data=np.asarray(v, dtype=np.float64))
        w = f.create_group("wiring")
        w.create_dataset("adjacency_matrix", data=np.asarray(wiring.adjacency_matrix, dtype=np.int8))
        w.create_dataset("sensory_adjacency_matrix",
                         data=np.asarray(wiring.sensory_adjacency_matrix, dtype=np.int8))
        f.attrs["ode_unfolds"] = int(cell._ode_unfolds)
        f.attrs["epsilon"] = float(cell._epsilon)
        f.attrs["source"] = "ncps " + type(model).__name__
        if extra:
            extra(f)


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ncps_export.py MODEL.pt OUT.h5")
    model = torch.load(argv[1], map_location="cpu")
    export(model, argv[2])


if __name__ == "__main__":
    main(sys.argv)
