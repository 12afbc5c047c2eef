"""PyTorch 1.13 oracle for dropout's deterministic cases: p = 0 and p = 1 in training, evaluation mode, the
scale 1/(1 - p) PyTorch gives kept elements (as a float32), and nn.Dropout's printed form.

A random mask cannot be compared with PyTorch's (another generator); the tests check the drawn mask's
statistics and that the output is x * mask / (1 - p) for the mask drawn.

Run: /usr/bin/python3 tests/fixtures-gen/randomness.py  (writes tests/Workbench.Tests/Fixtures/randomness.safetensors)
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import save_safetensors  # noqa: E402

torch.manual_seed(20240607)
x = torch.randn(5, 8)
# Values whose product with 0 is not +0: PyTorch's p = 1 is input * 0 (−0 for negatives, NaN for ±inf and NaN).
x[0, 0], x[0, 1], x[0, 2], x[0, 3] = float("inf"), float("-inf"), float("nan"), -0.0
g = torch.randn(5, 8)

tensors = {"x": x, "g": g}


def case(name, f):
    leaf = x.clone().requires_grad_(True)
    y = f(leaf)
    y.backward(g)
    tensors[name + ".y"] = y.detach()
    tensors[name + ".grad"] = leaf.grad.detach()


case("train_p0", lambda t: F.dropout(t, 0.0, training=True))
case("train_p1", lambda t: F.dropout(t, 1.0, training=True))
case("eval_p0.5", lambda t: F.dropout(t, 0.5, training=False))
case("module_eval_p0.3", lambda t: torch.nn.Dropout(0.3).eval()(t))

ps = [0.1, 0.25, 0.3, 1.0 / 3.0, 0.5, 0.9, 0.999]
tensors["scale.p"] = torch.tensor(ps, dtype=torch.float64).float()  # the float64 p is rebuilt from the metadata
tensors["scale.kept"] = torch.stack([F.dropout(torch.ones(4096), p, training=True).max() for p in ps])

metadata = {"scale.p": ",".join(repr(p) for p in ps)}
for p in [0.5, 0.1, 1.0, 0.0]:
    metadata[f"repr.{p!r}"] = repr(torch.nn.Dropout(p))

out = os.path.join(os.path.dirname(__file__), "..", "Workbench.Tests", "Fixtures", "randomness.safetensors")
save_safetensors(out, tensors, metadata)
print("wrote", os.path.normpath(out))
