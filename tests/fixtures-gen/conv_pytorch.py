# Regenerates tests/Workbench.Tests/Fixtures/conv_pytorch.json: run with PyTorch (here /usr/bin/python3, PyTorch 1.13) from any folder: it writes into tests/Workbench.Tests/Fixtures/.
import os
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Workbench.Tests", "Fixtures")
import json
import torch

torch.manual_seed(0)
cases = []


def case(op, x, weight, bias, y, stride, padding, output_padding):
    return {"op": op, "stride": stride, "padding": padding, "outputPadding": output_padding,
            "x": x.flatten().tolist(), "xShape": list(x.shape),
            "weight": weight.flatten().tolist(), "weightShape": list(weight.shape),
            "bias": bias.tolist(), "y": y.flatten().tolist(), "yShape": list(y.shape)}


for (n, c, h, w, o, k, s, p) in [(2, 3, 7, 6, 4, 3, 2, 1), (1, 2, 5, 5, 3, 4, 1, 2)]:
    x, wt, b = torch.randn(n, c, h, w), torch.randn(o, c, k, k), torch.randn(o)
    y = torch.nn.functional.conv2d(x, wt, b, stride=s, padding=p)
    cases.append(case("conv2d", x, wt, b, y, s, p, 0))
for (n, c, h, w, o, k, s, p, op) in [(2, 3, 4, 5, 2, 4, 2, 1, 1), (1, 2, 3, 3, 3, 3, 1, 0, 0), (1, 1, 3, 2, 2, 5, 3, 2, 2)]:
    x, wt, b = torch.randn(n, c, h, w), torch.randn(c, o, k, k), torch.randn(o)
    y = torch.nn.functional.conv_transpose2d(x, wt, b, stride=s, padding=p, output_padding=op)
    cases.append(case("conv_transpose2d", x, wt, b, y, s, p, op))
json.dump({"generator": "PyTorch " + torch.__version__ + ", torch.nn.functional, seed 0", "cases": cases},
          open(os.path.join(FIXTURES, "conv_pytorch.json"), "w"))
