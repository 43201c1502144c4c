#!/usr/bin/env python3
"""Sequence steps/s of ncps' LTC on PyTorch (CPU, batch 1, 16 inputs, 6 unfolds,
sequences of 1000 steps), to compare with `tools/ltc_bench speed`.

Usage: PYTHONPATH=<dir holding the ncps package> python3 tools/ltc_bench_ncps.py [THREADS]
LTC_BENCH_CPU=1 measures this process's CPU time instead of wall time, as
ltc_bench does (comparisons on a busy machine).
"""
import os
import sys
import time

CLOCK = time.process_time if os.environ.get("LTC_BENCH_CPU") == "1" else time.perf_counter

import torch
from ncps.torch import LTC
from ncps.wirings import AutoNCP, FullyConnected


def steps_per_s(model, k=16, T=1000, dtype=torch.float32):
    model = model.to(dtype)
    x = torch.randn(1, T, k, dtype=dtype)
    steps, t0 = 0, CLOCK()
    with torch.no_grad():
        while True:
            model(x)
            steps += T
            t = CLOCK() - t0
            if t >= 2.0:
                return steps / t


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    for name, wiring in [("autoncp19", AutoNCP(19, 1)), ("fc128", FullyConnected(128, 1))]:
        for dtype in (torch.float32, torch.float64):
            print("%s %s: %.0f steps/s" % (name, str(dtype).replace("torch.", ""),
                                           steps_per_s(LTC(16, wiring), dtype=dtype)))


if __name__ == "__main__":
    main()
