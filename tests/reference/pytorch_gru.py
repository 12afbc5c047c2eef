"""PyTorch peer of `workbench bench gru`: one GRU layer's forward and backward (batch_first=True, loss = output.sum()).

Modes:
  serve   build the layer and the input, print {"ready": true}, then for each line "run K" read from stdin run K
          forward+backward steps and print {"seconds": [...]} (one entry per step), so a benchmark can interleave
          its own steps with these
  bench   run --warmup then --reps steps and print the median and best seconds per step

For a fair speed comparison run as: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (or 2) /usr/bin/python3 ...
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["serve", "bench"])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--input", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()

    torch.manual_seed(0)
    gru = nn.GRU(args.input, args.hidden, num_layers=args.layers, batch_first=True)
    x = torch.randn(args.batch, args.steps, args.input, requires_grad=True)  # stands for an embedding's output

    def step():
        start = time.perf_counter()
        gru.zero_grad()
        x.grad = None
        output, _ = gru(x)
        output.sum().backward()
        return time.perf_counter() - start

    if args.mode == "serve":
        print(json.dumps({"ready": True, "threads": torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "run":
                print(json.dumps({"seconds": [step() for _ in range(int(parts[1]))]}), flush=True)
        return
    for _ in range(args.warmup):
        step()
    times = sorted(step() for _ in range(args.reps))
    print(json.dumps({"median": times[len(times) // 2], "best": times[0], "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
