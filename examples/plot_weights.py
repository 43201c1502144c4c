#!/usr/bin/python3
"""Weight distributions of an Ember output directory (spike-timing plasticity).

    plot_weights.py DIR [-o out.png] [--proj LABEL] [--wmax W] [--bins N]

Reads DIR/weight.h5 (SONATA synapse-level report: /report/<projection>/data, float32
frames x synapses, mapping/time = start, stop, dt in ms) and draws, for one projection
(--proj, default the first): the histogram of the first and the last recorded frame,
and the histogram of every frame as an image (time on x, weight on y), which shows the
weights leaving the middle for the bounds. When DIR/edges.h5 exists, the final weights
come from /edges/<projection>/0/syn_weight (every synapse, at the end of the run).
Weights are divided by --wmax when given (e.g. g_max), else shown in the file's units.

The shebang is Debian's /usr/bin/python3 on purpose: it sees python3-h5py and
python3-matplotlib (apt install python3-h5py python3-matplotlib).
"""
import argparse
import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")  # file output only
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("-o", "--out", help="figure file (default DIR/weights.png)")
    ap.add_argument("--proj", help="projection label (default: the first in weight.h5)")
    ap.add_argument("--wmax", type=float, help="divide weights by this (e.g. w_max)")
    ap.add_argument("--bins", type=int, default=50)
    a = ap.parse_args()

    path = os.path.join(a.dir, "weight.h5")
    if not os.path.exists(path):
        sys.exit(f"plot_weights.py: no {path} (record with proj:record(\"weight\"))")
    with h5py.File(path, "r", swmr=True) as f:
        labels = list(f["report"].keys())
        proj = a.proj or labels[0]
        if proj not in labels:
            sys.exit(f"plot_weights.py: no projection '{proj}' in {path} (have: {', '.join(labels)})")
        g = f["report"][proj]
        data = g["data"][()]
        units = g["data"].attrs.get("units", "")
        t0, _, dt = g["mapping/time"][()]
    final = data[-1]
    edges = os.path.join(a.dir, "edges.h5")
    if os.path.exists(edges):
        with h5py.File(edges, "r") as f:
            if proj in f.get("edges", {}):
                final = f["edges"][proj]["0/syn_weight"][()]
    scale = a.wmax or 1.0
    unit = "w / w_max" if a.wmax else f"weight ({units})"
    data, final = data / scale, final / scale
    lo, hi = min(data.min(), final.min()), max(data.max(), final.max())
    bins = np.linspace(lo, hi if hi > lo else lo + 1, a.bins + 1)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    h0 = np.histogram(data[0], bins=bins)[0]
    hf = ax1.hist(final, bins=bins, alpha=0.8, color="C1", label="end of run")[0]
    ax1.stairs(h0, bins, color="C0", label=f"t = {t0 / 1000:g} s")
    top = 1.25 * max(hf.max(), 1)
    if h0.max() > top:   # e.g. every weight starting at w_max: keep the final shape readable
        ax1.set_ylim(0, top)
        ax1.annotate(f"{h0.max()} at t = {t0 / 1000:g} s", xy=(bins[np.argmax(h0)], top),
                     xytext=(0.5, 0.93), textcoords="axes fraction", ha="center", color="C0",
                     arrowprops=dict(arrowstyle="->", color="C0"))
    ax1.set_xlabel(unit)
    ax1.set_ylabel("synapses")
    ax1.set_title(f"{proj}: {final.size} synapses")
    ax1.legend(loc="center")
    img = np.array([np.histogram(fr, bins=bins)[0] for fr in data]).T
    t_end = (t0 + dt * data.shape[0]) / 1000
    ax2.imshow(np.log1p(img), aspect="auto", origin="lower", extent=[t0 / 1000, t_end, bins[0], bins[-1]],
               cmap="viridis", interpolation="nearest")
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel(unit)
    ax2.set_title("weight histogram over time (log colour)")
    fig.tight_layout()
    out = a.out or os.path.join(a.dir, "weights.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
