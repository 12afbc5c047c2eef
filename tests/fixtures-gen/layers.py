# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/layers.py   (from any folder; PyTorch 1.13)
"""PyTorch oracle for the convolution, pooling, upsampling and composite layers.

Writes tests/Workbench.Tests/Fixtures/layers.safetensors. Every case stores its input, its parameters (if any),
its output, a fixed random R of the output's shape, and the gradients of sum(output * R) with respect to the
input and the parameters, under "<case>.input", "<case>.<parameter>", "<case>.output", "<case>.output_weights",
"<case>.grad.input", "<case>.grad.<parameter>". Hyperparameters of each case are in the metadata.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

out = {}
meta = {"torch": torch.__version__, "loss": "sum(output * output_weights)"}


def record(name, x, y, params=None, hyper=None):
    """Backpropagates sum(y * R) and stores the case."""
    r = torch.randn_like(y)
    (y * r).sum().backward()
    out[f"{name}.input"] = x
    out[f"{name}.output"] = y
    out[f"{name}.output_weights"] = r
    out[f"{name}.grad.input"] = x.grad
    for key, p in (params or {}).items():
        out[f"{name}.{key}"] = p
        out[f"{name}.grad.{key}"] = p.grad
    if hyper is not None:
        meta[name] = json.dumps(hyper)


def make_conv1d():
    torch.manual_seed(10)
    for name, (n, c, length, o, k, s, p, d, bias) in {
        "conv1d.strided_dilated": (2, 3, 11, 4, 3, 2, 1, 2, True),
        "conv1d.plain_nobias": (3, 2, 9, 3, 4, 1, 0, 1, False),
        "conv1d.stride3_pad2": (2, 2, 10, 3, 5, 3, 2, 1, True),
    }.items():
        x = torch.randn(n, c, length, requires_grad=True)
        conv = nn.Conv1d(c, o, k, stride=s, padding=p, dilation=d, bias=bias)
        params = dict(conv.named_parameters())
        record(name, x, conv(x), params, {"stride": s, "padding": p, "dilation": d})


def make_pools():
    torch.manual_seed(11)
    # Small integers make many ties inside windows; the gradient must go to the first maximum.
    for name, (shape, k, s, p, ties) in {
        "maxpool.k2s2_ties": ((2, 3, 8, 8), 2, 2, 0, True),
        "maxpool.k3s2p1_ties": ((2, 2, 9, 7), 3, 2, 1, True),
        "maxpool.k3s1p1": ((1, 2, 6, 5), 3, 1, 1, False),
        "maxpool.k2s3": ((1, 2, 8, 10), 2, 3, 0, False),
        "maxpool.k4s2p2_ties": ((1, 1, 7, 12), 4, 2, 2, True),
    }.items():
        x = (torch.randint(-2, 3, shape).float() if ties else torch.randn(shape)).requires_grad_(True)
        record(name, x, F.max_pool2d(x, k, s, p), hyper={"kernel": k, "stride": s, "padding": p})
    for name, (shape, k, s, p, include) in {
        "avgpool.k3s2p1_include": ((2, 2, 9, 7), 3, 2, 1, True),
        "avgpool.k3s2p1_exclude": ((2, 2, 9, 7), 3, 2, 1, False),
        "avgpool.k2s2": ((2, 3, 8, 6), 2, 2, 0, True),
        "avgpool.k3s1p1_exclude": ((1, 2, 5, 11), 3, 1, 1, False),
        "avgpool.k4s3p2_include": ((1, 2, 10, 9), 4, 3, 2, True),
    }.items():
        x = torch.randn(shape, requires_grad=True)
        record(name, x, F.avg_pool2d(x, k, s, p, count_include_pad=include),
               hyper={"kernel": k, "stride": s, "padding": p, "count_include_pad": include})
    for name, (shape, size) in {"adaptive.7x9_to_3x4": ((2, 3, 7, 9), (3, 4)), "adaptive.global": ((2, 3, 5, 6), (1, 1))}.items():
        x = torch.randn(shape, requires_grad=True)
        record(name, x, F.adaptive_avg_pool2d(x, size), hyper={"output_size": list(size)})


def make_upsample():
    torch.manual_seed(12)
    cases = {
        "upsample.nearest_scale2": ((2, 2, 3, 4), None, 2.0, "nearest", None),
        "upsample.nearest_size5x7": ((1, 2, 3, 4), (5, 7), None, "nearest", None),
        "upsample.nearest_scale1.4": ((1, 2, 4, 5), None, 1.4, "nearest", None),
        "upsample.nearest_down_size2x3": ((1, 1, 5, 7), (2, 3), None, "nearest", None),
        "upsample.bilinear_scale2": ((2, 2, 3, 4), None, 2.0, "bilinear", False),
        "upsample.bilinear_scale2_align": ((2, 2, 3, 4), None, 2.0, "bilinear", True),
        "upsample.bilinear_size5x7": ((1, 2, 3, 4), (5, 7), None, "bilinear", False),
        "upsample.bilinear_size5x7_align": ((1, 2, 3, 4), (5, 7), None, "bilinear", True),
        "upsample.bilinear_scale1.5": ((1, 2, 5, 4), None, 1.5, "bilinear", False),
        "upsample.bilinear_down_size2x3": ((1, 1, 5, 7), (2, 3), None, "bilinear", False),
    }
    for name, (shape, size, scale, mode, align) in cases.items():
        x = torch.randn(shape, requires_grad=True)
        y = nn.Upsample(size=size, scale_factor=scale, mode=mode, align_corners=align)(x)
        record(name, x, y, hyper={"size": size, "scale_factor": scale, "mode": mode, "align_corners": align})


class ResidualBlock(nn.Module):
    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)


class GatedDense(nn.Module):
    """As GatedDense in jmtomczak/vae_vampprior (utils/nn.py)."""

    def __init__(self, input_size, output_size, activation=None):
        super().__init__()
        self.activation = activation
        self.sigmoid = nn.Sigmoid()
        self.h = nn.Linear(input_size, output_size)
        self.g = nn.Linear(input_size, output_size)

    def forward(self, x):
        h = self.h(x)
        if self.activation is not None:
            h = self.activation(self.h(x))
        g = self.sigmoid(self.g(x))
        return h * g


def make_composites():
    torch.manual_seed(13)

    def conv_block(cin, cout, stride):
        body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1))
        shortcut = None if cin == cout and stride == 1 else nn.Conv2d(cin, cout, 1, stride)
        return ResidualBlock(body, shortcut)

    for name, (cin, cout, stride, shape) in {
        "residual.identity": (3, 3, 1, (2, 3, 6, 5)),
        "residual.projection": (3, 4, 2, (2, 3, 7, 6)),
    }.items():
        x = torch.randn(shape, requires_grad=True)
        block = conv_block(cin, cout, stride)
        record(name, x, block(x), dict(block.named_parameters()), {"in": cin, "out": cout, "stride": stride})
    for name, activation in {"gated.plain": None, "gated.tanh": nn.Tanh()}.items():
        x = torch.randn(4, 6, requires_grad=True)
        layer = GatedDense(6, 5, activation)
        record(name, x, layer(x), dict(layer.named_parameters()), {"activation": str(activation)})


if __name__ == "__main__":
    torch.set_default_dtype(torch.float32)
    make_conv1d()
    make_pools()
    make_upsample()
    make_composites()
    save_safetensors(os.path.join(OUT_DIR, "layers.safetensors"), out, meta)
