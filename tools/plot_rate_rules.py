#!/usr/bin/python3
"""Figure of the rate rules on an LTC neuron (docs/img/rate_rules.png) from the
traces of tools/rate_rules_demo:

    tools/rate_rules_demo oja > oja.csv; tools/rate_rules_demo bcm > bcm.csv
    tools/plot_rate_rules.py oja.csv bcm.csv -o docs/img/rate_rules.png

Left: Oja's rule, the input activities, the weight vector's path and the principal
eigenvector of <x x^T> (computed here from the same inputs). Right: BCM, the
responses to the two patterns and the sliding threshold over time.
"""
import argparse

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oja")
    ap.add_argument("bcm")
    ap.add_argument("-o", "--output", default="rate_rules.png")
    a = ap.parse_args()
    o = np.genfromtxt(a.oja, delimiter=",", names=True)
    b = np.genfromtxt(a.bcm, delimiter=",", names=True)
    x = np.c_[o["x0"], o["x1"]]
    lam, vec = np.linalg.eigh(x.T @ x / len(x))
    e = np.abs(vec[:, 1])
    w = np.c_[o["w0"], o["w1"]]
    wm = w[len(w) // 2:].mean(axis=0)
    ang = np.arccos(wm @ e / np.linalg.norm(wm))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax1.plot(x[::10, 0], x[::10, 1], ".", ms=1.5, color="0.7", label="inputs x (every 10th)")
    ax1.plot(w[:, 0], w[:, 1], color="C0", lw=1, label="weights w(t)")
    ax1.plot(*w[0], "o", color="C0", ms=4)
    ax1.annotate("", xy=e, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="C3", lw=1.5))
    ax1.plot([], [], color="C3", label=f"principal eigenvector of <x xT>")
    ax1.set_aspect("equal")
    ax1.set_xlim(0, 1.02)
    ax1.set_ylim(0, 1.02)
    ax1.set_xlabel("x0, w0")
    ax1.set_ylabel("x1, w1")
    ax1.set_title(f"Oja: angle to the eigenvector {ang:.4f} rad, |w| = {np.linalg.norm(wm):.3f}")
    ax1.legend(loc="lower right", fontsize="small")
    ax2.plot(b["t"], b["yA"], label="response to A = (5, -5)")
    ax2.plot(b["t"], b["yB"], label="response to B = (-5, 5)")
    ax2.plot(b["t"], b["theta"], color="0.4", lw=0.8, label="threshold theta")
    hi, lo = max(b["yA"][-1], b["yB"][-1]), min(b["yA"][-1], b["yB"][-1])
    ax2.set_title(f"BCM: selectivity index {(hi - lo) / (hi + lo):.3f}")
    ax2.set_xlabel("time (input steps)")
    ax2.set_ylabel("steady-state response y = v - vleak")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"oja angle {ang:.4g} rad; bcm SI {(hi - lo) / (hi + lo):.4f} -> {a.output}")


if __name__ == "__main__":
    main()
