#!/usr/bin/python3
"""Raster plot and population rate of an Ember output directory.

    plot_raster.py DIR [-o out.png] [--pop NAME] [--bin MS] [--tmin MS] [--tmax MS]
                       [--size POP=N] [--no-trace]

Reads DIR/spikes.h5 (SONATA: /spikes/<pop>/timestamps in ms, /spikes/<pop>/node_ids)
and draws one raster with every population stacked (or only --pop NAME, repeatable),
the population firing rate in Hz beneath it (histogram, --bin ms wide, default 5 ms),
and, when DIR/v.h5 exists, the recorded membrane potentials (at most 5 traces per
population) in a third panel.  The figure is written to -o (default DIR/raster.png).

The shebang is Debian's /usr/bin/python3 on purpose: it sees the packages
python3-h5py and python3-matplotlib (apt install python3-h5py python3-matplotlib);
a virtualenv's python usually does not.

SONATA spike files do not store population sizes; the rate divides by the size given
with --size POP=N, else by (largest node id that spiked + 1), which the legend marks
with a '~'.
"""
import argparse
import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")  # file output only; no display needed
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)

MAX_TRACES = 5


def open_h5(path):
    """Open an HDF5 file read-only; a file whose writer did not close it (crash, or
    still running) is refused by a plain open and needs SWMR mode."""
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def read_spikes(path, wanted):
    """{pop: (times_ms, node_ids)} for every population in spikes.h5 (or only
    those in `wanted`), in file order."""
    out = {}
    with open_h5(path) as f:
        if "spikes" not in f:
            return out
        for pop, grp in f["spikes"].items():
            if wanted and pop not in wanted:
                continue
            out[pop] = (np.asarray(grp["timestamps"][()], dtype=float),
                        np.asarray(grp["node_ids"][()], dtype=np.int64))
    missing = set(wanted or ()) - set(out)
    if missing:
        sys.exit(f"plot_raster: no population {', '.join(sorted(missing))} in {path}")
    return out


def read_traces(path, wanted):
    """{pop: (t_ms, data[frames, k], node_ids[k], units)} from a SONATA report,
    keeping at most MAX_TRACES nodes per population."""
    out = {}
    with open_h5(path) as f:
        for pop, grp in f.get("report", {}).items():
            if wanted and pop not in wanted:
                continue
            start, _stop, dt = grp["mapping/time"][()]
            ids = grp["mapping/node_ids"][()][:MAX_TRACES]
            data = grp["data"][:, :MAX_TRACES]
            t = start + dt * np.arange(data.shape[0])
            units = grp["data"].attrs.get("units", "")
            out[pop] = (t, data, ids, units.decode() if isinstance(units, bytes) else units)
    return out


def population_sizes(spikes, given):
    """Size used for each population's rate, and whether it is an estimate."""
    sizes = {}
    for pop, (_t, ids) in spikes.items():
        if pop in given:
            sizes[pop] = (given[pop], False)
        else:
            sizes[pop] = (int(ids.max()) + 1 if ids.size else 1, True)
    return sizes


def draw(spikes, traces, sizes, args):
    """Build the figure: raster, rate histogram, optional traces; return it."""
    n_panels = 2 + (1 if traces else 0)
    heights = [3, 1, 1.5][:n_panels]
    fig, axes = plt.subplots(n_panels, 1, sharex=True, figsize=(10, 1.6 * sum(heights)),
                             gridspec_kw={"height_ratios": heights})
    ax_r, ax_h = axes[0], axes[1]
    all_t = np.concatenate([t for t, _ in spikes.values()]) if spikes else np.zeros(0)
    tmin = args.tmin if args.tmin is not None else 0.0
    tmax = args.tmax
    if tmax is None:  # the last spike or the last recorded sample, whichever is later
        ends = [all_t.max()] if all_t.size else [1.0]
        ends += [t[-1] for t, _d, _i, _u in traces.values() if t.size]
        tmax = max(ends)
    edges = np.arange(tmin, tmax + args.bin, args.bin)
    offset = 0
    for k, (pop, (t, ids)) in enumerate(spikes.items()):
        color = f"C{k}"
        n, estimated = sizes[pop]
        ax_r.plot(t, ids + offset, ",", color=color, rasterized=True)
        ax_r.axhline(offset - 0.5, color="0.8", lw=0.5)
        counts, _ = np.histogram(t, bins=edges)
        rate = counts / (n * args.bin * 1e-3)
        mean = t.size / (n * max(tmax - tmin, 1e-12) * 1e-3)
        label = f"{pop} ({'~' if estimated else ''}{n} neurons, {mean:.1f} Hz)"
        # Repeat the last value so that the last bin is drawn to its right edge.
        ax_h.step(edges, np.append(rate, rate[-1:]), where="post", color=color, label=label)
        offset += n
    ax_r.set_ylabel("neuron (populations stacked)")
    ax_r.set_ylim(-0.5, max(offset, 1) - 0.5)
    ax_h.set_ylabel(f"rate (Hz, {args.bin:g} ms bins)")
    ax_h.legend(loc="upper right", fontsize="small")
    if traces:
        ax_v = axes[2]
        for pop, (t, data, ids, units) in traces.items():
            for j, nid in enumerate(ids):
                ax_v.plot(t, data[:, j], lw=0.7, label=f"{pop}[{nid}]")
            ax_v.set_ylabel(f"v ({units or 'mV'})")
        ax_v.legend(loc="upper right", fontsize="small", ncol=MAX_TRACES)
    axes[-1].set_xlabel("time (ms)")
    axes[-1].set_xlim(tmin, tmax)
    fig.suptitle(os.path.basename(os.path.normpath(args.dir)))
    fig.tight_layout()
    return fig


def parse_sizes(items):
    sizes = {}
    for item in items:
        pop, _, n = item.partition("=")
        if not n.isdigit() or int(n) <= 0:
            sys.exit(f"plot_raster: --size wants POP=N with N > 0, got '{item}'")
        sizes[pop] = int(n)
    return sizes


def main(argv):
    ap = argparse.ArgumentParser(description="Raster + rate plot of an Ember output dir.")
    ap.add_argument("dir", help="output directory of `ember run ... -o DIR`")
    ap.add_argument("-o", "--output", help="image file (default DIR/raster.png)")
    ap.add_argument("--pop", action="append", help="only this population (repeatable)")
    ap.add_argument("--bin", type=float, default=5.0, help="rate bin width, ms")
    ap.add_argument("--tmin", type=float, help="start of the time axis, ms")
    ap.add_argument("--tmax", type=float, help="end of the time axis, ms")
    ap.add_argument("--size", action="append", default=[], help="POP=N population size")
    ap.add_argument("--no-trace", action="store_true", help="skip v.h5 even if present")
    args = ap.parse_args(argv)
    if args.bin <= 0:
        ap.error("--bin must be > 0")

    spikes_path = os.path.join(args.dir, "spikes.h5")
    if not os.path.exists(spikes_path):
        sys.exit(f"plot_raster: {spikes_path} not found")
    spikes = read_spikes(spikes_path, args.pop)
    v_path = os.path.join(args.dir, "v.h5")
    traces = {}
    if not args.no_trace and os.path.exists(v_path):
        traces = read_traces(v_path, args.pop)
    sizes = population_sizes(spikes, parse_sizes(args.size))

    fig = draw(spikes, traces, sizes, args)
    out = args.output or os.path.join(args.dir, "raster.png")
    fig.savefig(out, dpi=120)
    total = sum(t.size for t, _ in spikes.values())
    print(f"plot_raster: {total} spikes in {len(spikes)} population(s) -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
