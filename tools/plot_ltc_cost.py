#!/usr/bin/env python3
"""Plots the CSV of `tools/ltc_bench cost` (error vs right-hand-side evaluations).

Usage: tools/ltc_bench cost > cost.csv && python3 tools/plot_ltc_cost.py cost.csv docs/img/ltc_error_cost.png
       tools/ltc_bench cost fc128 > fc.csv && python3 tools/plot_ltc_cost.py fc.csv docs/img/ltc_error_cost_fc128.png "fully connected 128"
"""
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst, name="AutoNCP(19, 1)"):
    rows = list(csv.DictReader(open(src)))
    fig, ax = plt.subplots(figsize=(6, 4))
    for solver, marker in (("fused", "o"), ("rkf45", "s"), ("rk8pd", "^")):
        r = [x for x in rows if x["solver"] == solver]
        ax.loglog([float(x["rhs_per_step"]) for x in r], [float(x["max_error"]) for x in r],
                  marker=marker, label=solver)
        for x in r:
            ax.annotate(x["setting"], (float(x["rhs_per_step"]), float(x["max_error"])),
                        fontsize=7, textcoords="offset points", xytext=(4, 2))
    ax.set_xlabel("right-hand-side evaluations per input step")
    ax.set_ylabel("max |v - v_exact| over 200 steps")
    ax.set_title("%s, 16 inputs: error vs cost" % name)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:4])
