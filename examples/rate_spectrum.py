#!/usr/bin/python3
"""Power spectrum of the population rate of an Ember output directory: the
dominant rhythm of a network.

    rate_spectrum.py DIR [-o out.png] [--pop NAME] [--bin MS] [--tmin MS] [--segment MS]

Reads DIR/spikes.h5 (SONATA), bins the spikes of all populations (or only --pop
NAME, repeatable) into a population rate (--bin ms, default 1), removes its mean
and takes the periodogram of each --segment ms long piece (Hann window, half
overlap; Welch's method; default: the whole run as one piece), averaged. Prints
the frequency of the largest peak between 2 and 100 Hz and the largest peak in
the delta/theta (2-8 Hz), alpha (8-13 Hz), beta (13-30 Hz) and gamma (30-100 Hz)
bands with its share of the 2-100 Hz power, and writes the spectrum to -o
(default DIR/spectrum.png). Needs python3-h5py, python3-matplotlib, numpy.
"""
import argparse
import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BANDS = [("delta/theta", 2, 8), ("alpha", 8, 13), ("beta", 13, 30), ("gamma", 30, 100)]


def spike_times(path, wanted):
    with h5py.File(path, "r") as f:
        out = [np.asarray(g["timestamps"][()], float) for pop, g in f["spikes"].items()
               if not wanted or pop in wanted]
    return np.concatenate(out) if out else np.zeros(0)


def spectrum(rate, dt_ms, seg):
    """Welch estimate: mean periodogram of Hann-windowed, half-overlapping pieces."""
    seg = min(seg, rate.size)
    win = np.hanning(seg)
    starts = range(0, rate.size - seg + 1, max(seg // 2, 1))
    power = np.mean([np.abs(np.fft.rfft((rate[s:s + seg] - rate[s:s + seg].mean()) * win)) ** 2
                     for s in starts], axis=0)
    return np.fft.rfftfreq(seg, dt_ms * 1e-3), power


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("-o", "--output")
    ap.add_argument("--pop", action="append")
    ap.add_argument("--bin", type=float, default=1.0, help="rate bin, ms")
    ap.add_argument("--tmin", type=float, default=0.0, help="ignore spikes before, ms")
    ap.add_argument("--segment", type=float, help="Welch piece length, ms (default: all)")
    a = ap.parse_args(argv)
    t = spike_times(os.path.join(a.dir, "spikes.h5"), a.pop)
    t = t[t >= a.tmin]
    if t.size == 0:
        sys.exit("rate_spectrum: no spikes")
    edges = np.arange(a.tmin, t.max() + a.bin, a.bin)
    rate, _ = np.histogram(t, bins=edges)
    seg = int(round((a.segment or (edges[-1] - a.tmin)) / a.bin))
    f, p = spectrum(rate.astype(float), a.bin, seg)
    sel = (f >= 2) & (f <= 100)
    total = p[sel].sum()
    peak = f[sel][np.argmax(p[sel])]
    print(f"rate_spectrum: {t.size} spikes, {rate.size} bins of {a.bin:g} ms, "
          f"resolution {f[1]:.2f} Hz; dominant rhythm {peak:.1f} Hz")
    for name, lo, hi in BANDS:
        b = (f >= lo) & (f < hi)
        print(f"  {name:12s} {lo:3d}-{hi:3d} Hz: peak {f[b][np.argmax(p[b])]:5.1f} Hz, "
              f"{100 * p[b].sum() / total:4.1f}% of the 2-100 Hz power")
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot(f[sel], p[sel] / p[sel].max(), lw=1)
    for _name, lo, hi in BANDS[1::2]:
        ax.axvspan(lo, hi, color="0.9", zorder=0)
    ax.axvline(peak, color="C3", lw=0.8, ls="--")
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("power (normalised)")
    ax.set_title(f"population rate spectrum: peak {peak:.1f} Hz (shaded: alpha, gamma)")
    fig.tight_layout()
    out = a.output or os.path.join(a.dir, "spectrum.png")
    fig.savefig(out, dpi=110)
    print(f"rate_spectrum: -> {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
