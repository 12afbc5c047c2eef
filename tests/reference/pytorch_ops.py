# PyTorch peer of `workbench bench ops`: times forward + backward of the math/softmax/loss ops on one thread.
# Usage: /usr/bin/python3 tests/reference/pytorch_ops.py REPEATS   → one JSON object {op: median milliseconds}.
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
torch.manual_seed(0)


def case(make_input, op):
    x = make_input().requires_grad_(True)
    y = op(x)
    upstream = torch.randn_like(y) if y.dim() > 0 else None

    def step():
        out = op(x)
        out.backward(upstream)
    return step


rows = lambda: torch.randn(128, 784) * 3  # noqa: E731
logits = lambda: torch.randn(256, 1000) * 3  # noqa: E731
targets = torch.randint(0, 1000, (256,))
cases = {
    "gelu": case(rows, F.gelu),
    "gelu_tanh": case(rows, lambda x: F.gelu(x, approximate="tanh")),
    "silu": case(rows, F.silu),
    "softmax_last": case(rows, lambda x: torch.softmax(x, -1)),
    "log_softmax_last": case(rows, lambda x: torch.log_softmax(x, -1)),
    "softmax_first": case(rows, lambda x: torch.softmax(x, 0)),
    "cross_entropy": case(logits, lambda x: F.cross_entropy(x, targets)),
}
result = {}
for name, step in cases.items():
    start = time.perf_counter()
    while time.perf_counter() - start < 0.5:
        step()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.02:
        step()
        calls += 1
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            step()
        times.append((time.perf_counter() - start) / calls * 1e3)
    result[name] = sorted(times)[len(times) // 2]
print(json.dumps(result))
