# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/ops_math.py   (from any folder; PyTorch 1.13, mpmath)
"""PyTorch oracle for the elementwise math ops, comparisons, softmax family and classification losses.

Writes tests/Workbench.Tests/Fixtures/ops_math.safetensors (float32, seeded). For every differentiable op
"<name>.output" and "<name>.grad.<input>" are the values and the gradients of sum(output * weights) with
"<name>.weights" a fixed random tensor (or of the scalar loss itself). For the unary ops "<name>.exact" is the
true value (mpmath, 50 digits) rounded to float32, where the function is defined, to measure accuracy in ulps.
Integer targets are stored as float32.
"""
import math
import os
import sys

import mpmath
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

mpmath.mp.dps = 50
torch.manual_seed(0)
out = {}


def leaf(values):
    return torch.tensor(values, dtype=torch.float32).requires_grad_(True) if isinstance(values, list) else values.clone().float().requires_grad_(True)


def record(name, inputs, output, loss=None):
    """Stores inputs, output and gradients of sum(output * weights) (or of the given scalar loss)."""
    for key, t in inputs.items():
        out[f"{name}.{key}"] = t.detach()
    out[f"{name}.output"] = output.detach()
    if loss is None:
        weights = torch.randn(output.shape)
        out[f"{name}.weights"] = weights
        loss = (output * weights).sum()
    grads = torch.autograd.grad(loss, list(inputs.values()), allow_unused=True)
    for (key, t), g in zip(inputs.items(), grads):
        out[f"{name}.grad.{key}"] = torch.zeros_like(t) if g is None else g


def exact(name, x, f):
    values = []
    for v in x.detach().tolist():
        try:
            r = f(mpmath.mpf(v))
            values.append(float(r) if mpmath.im(r) == 0 else float("nan"))
        except (ValueError, ZeroDivisionError, OverflowError):
            values.append(float("nan"))
    out[f"{name}.exact"] = torch.tensor(values, dtype=torch.float64).float()


def unary(name, x, f, reference=None, derivative=None):
    x = leaf(x)
    record(name, {"input": x}, f(x))
    if reference is not None:
        exact(name, x, reference)
    if derivative is not None:  # the exact gradient of sum(output * weights): weights * f'(x)
        exact(f"{name}.derivative", x, derivative)
        out[f"{name}.exact_grad"] = out.pop(f"{name}.derivative.exact") * out[f"{name}.weights"]


def randn(n, scale=1.0):
    return (torch.randn(n) * scale).tolist()


positive = (torch.rand(24) * 20 + 0.01).tolist() + [0.5, 1.0, 2.0, 1e-3, 100.5, 1.4616321]
negative = [-0.5, -1.5, -2.5, -0.1, -0.9, -3.3, -4.75, -10.25, -1e-3, -2.0001, -5.999]
unary("log1p", (torch.rand(29) * 10.9 - 0.9).tolist() + [1e-30, 1e-10, -1e-8, 1e-4, -0.5, 1e6], torch.log1p, mpmath.log1p)
unary("expm1", randn(29, 3) + [1e-30, 1e-10, -1e-8, 1e-4, -20.0, 20.0, 80.0], torch.expm1, mpmath.expm1)
unary("sin", randn(30, 4) + [0.0, math.pi, 100.0, -1000.5, 1e-3], torch.sin, mpmath.sin)
unary("cos", randn(30, 4) + [0.0, math.pi, 100.0, -1000.5, 1e-3], torch.cos, mpmath.cos)
unary("erf", randn(27, 2) + [0.0, 0.9, -0.93, 0.92, 3.0, -5.0, 10.0, 1e-3, -1e-6], torch.erf, mpmath.erf)
unary("lgamma", positive + negative, torch.lgamma, lambda v: mpmath.log(abs(mpmath.gamma(v))), mpmath.digamma)
unary("digamma", positive + negative, torch.digamma, mpmath.digamma, lambda v: mpmath.polygamma(1, v))
unary("trigamma", positive + negative, lambda x: torch.polygamma(1, x), lambda v: mpmath.polygamma(1, v), lambda v: mpmath.polygamma(2, v))
unary("polygamma2", positive + negative, lambda x: torch.polygamma(2, x), lambda v: mpmath.polygamma(2, v), lambda v: mpmath.polygamma(3, v))
edges = [-10.0, -5.0, -3.0, -1.3, -0.5, 0.0, 0.5, 1.3, 3.0, 10.0]
unary("gelu", randn(27, 3) + edges, F.gelu, lambda v: v * mpmath.ncdf(v))
unary("gelu_tanh", randn(27, 3) + edges, lambda x: F.gelu(x, approximate="tanh"),
      lambda v: 0.5 * v * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (v + mpmath.mpf("0.044715") * v ** 3))))
unary("silu", randn(27, 4) + [-100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0], F.silu, lambda v: v / (1 + mpmath.exp(-v)))
unary("elu", randn(29, 2) + [0.0, -20.0, 1e-3, -1e-3], F.elu, lambda v: v if v > 0 else mpmath.expm1(v))
unary("elu_alpha", randn(29, 2) + [0.0, -20.0, 1e-3, -1e-3], lambda x: F.elu(x, alpha=0.5))
unary("hardtanh", randn(29, 1.5) + [-1.0, 1.0, -1.0, 1.0, 0.0], F.hardtanh)
unary("hardtanh_custom", randn(29, 1.5) + [-0.5, 2.0, -0.5, 2.0, 0.0], lambda x: F.hardtanh(x, -0.5, 2.0))
unary("clamp_bounds", [-1.0, 1.0, -1.0, 1.0, 0.0, 2.0, -2.0], lambda x: torch.clamp(x, -1.0, 1.0))
unary("neg", randn(37), torch.neg)
unary("reciprocal", [v if abs(v) > 0.1 else 0.5 for v in randn(37)], torch.reciprocal)
unary("sign", randn(33) + [0.0, -0.0, 1e-30, -1e-30], torch.sign)


def quantised(*shape):
    return torch.round(torch.randn(*shape) * 2) / 2  # many ties


# Minimum/maximum: same shapes and broadcast shapes, with ties.
for op, f in (("maximum", torch.maximum), ("minimum", torch.minimum)):
    a, b = leaf(quantised(3, 1, 5)), leaf(quantised(4, 5))
    record(f"{op}.broadcast", {"a": a, "b": b}, f(a, b))
    a, b = leaf(quantised(4, 9)), leaf(quantised(4, 9))
    record(f"{op}.same", {"a": a, "b": b}, f(a, b))

# Where, with a condition (3, 1, 5), a (4, 5), b (3, 4, 1).
condition = (torch.rand(3, 1, 5) > 0.5).float()
a, b = leaf(torch.randn(4, 5)), leaf(torch.randn(3, 4, 1))
record("where", {"a": a, "b": b}, torch.where(condition.bool(), a, b))
out["where.condition"] = condition
x = leaf(torch.randn(3, 4))
mask = (torch.rand(4) > 0.5).float()
record("masked_fill", {"input": x}, x.masked_fill(mask.bool(), -2.5))
out["masked_fill.mask"] = mask

# Comparisons (no gradient): broadcast (3, 1, 5) against (4, 5), and against the scalar 0.5.
a, b = quantised(3, 1, 5), quantised(4, 5)
out["compare.a"], out["compare.b"] = a, b
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    out[f"compare.{op}"] = getattr(torch, op)(a, b).float()
    out[f"compare.{op}_scalar"] = getattr(torch, op)(a, 0.5).float()

# Softmax family: every axis of (3, 5, 6); large rows along the last axis.
x = torch.randn(3, 5, 6) * 3
for dim in (0, 1, 2):
    for op, f in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        t = leaf(x)
        record(f"{op}.dim{dim}", {"input": t}, f(t, dim))
large = torch.cat([torch.randn(2, 11) * 5, torch.randn(2, 11) * 5 + 1000, torch.randn(2, 11) * 30 - 500], 0)
for op, f in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
    t = leaf(large)
    record(f"{op}.large", {"input": t}, f(t, -1))

# Cross entropy / NLL: (6, 5) with an ignored position; (2, 4, 3, 2) spatial; a custom ignore index.
logits = torch.randn(6, 5) * 3
logits[2] += 80.0
targets = torch.tensor([1, 4, 0, -100, 2, 4])
for reduction in ("mean", "sum", "none"):
    t = leaf(logits)
    y = F.cross_entropy(t, targets, reduction=reduction)
    record(f"cross_entropy.{reduction}", {"input": t}, y, loss=None if reduction == "none" else y)
    lp = leaf(torch.log_softmax(logits, 1))
    y = F.nll_loss(lp, targets, reduction=reduction)
    record(f"nll_loss.{reduction}", {"input": lp}, y, loss=None if reduction == "none" else y)
out["cross_entropy.targets"] = targets.float()
spatial = torch.randn(2, 4, 3, 2) * 2
spatial_targets = torch.randint(0, 4, (2, 3, 2))
spatial_targets[1, 2, 0] = 1
for reduction in ("mean", "none"):
    t = leaf(spatial)
    y = F.cross_entropy(t, spatial_targets, reduction=reduction, ignore_index=1)
    record(f"cross_entropy_spatial.{reduction}", {"input": t}, y, loss=None if reduction == "none" else y)
    lp = leaf(torch.log_softmax(spatial, 1))
    y = F.nll_loss(lp, spatial_targets, reduction=reduction, ignore_index=1)
    record(f"nll_loss_spatial.{reduction}", {"input": lp}, y, loss=None if reduction == "none" else y)
out["cross_entropy_spatial.targets"] = spatial_targets.float()
t = leaf(torch.randn(5))
y = F.cross_entropy(t, torch.tensor(3))
record("cross_entropy_unbatched", {"input": t}, y, loss=y)

# Module print format.
reprs = {"gelu": repr(torch.nn.GELU()), "gelu_tanh": repr(torch.nn.GELU(approximate="tanh")), "silu": repr(torch.nn.SiLU()),
         "elu": repr(torch.nn.ELU()), "elu_alpha": repr(torch.nn.ELU(alpha=0.25)), "hardtanh": repr(torch.nn.Hardtanh()),
         "hardtanh_custom": repr(torch.nn.Hardtanh(-0.5, 2.0)), "softmax": repr(torch.nn.Softmax(dim=1)),
         "log_softmax": repr(torch.nn.LogSoftmax(dim=-1))}

save_safetensors(os.path.join(OUT_DIR, "ops_math.safetensors"), out,
                 metadata={"generator": f"PyTorch {torch.__version__}, tests/fixtures-gen/ops_math.py, seed 0",
                           **{f"repr.{k}": v for k, v in reprs.items()}})
