# Regenerates tests/Workbench.Tests/Fixtures/ops_shape.safetensors: values and gradients of the N-d shape,
# slicing, stacking and axis-reduction ops (PyTorch 1.13, /usr/bin/python3). For every case NAME it stores
# NAME.x (the input; NAME.x0, NAME.x1, … for ops joining several), NAME.y (the output), NAME.r (a random
# weight of y's shape) and NAME.grad (NAME.grad0, …): the gradient of (y * r).sum() with respect to the input.
# Cases whose names end in "_ties" use small integers so that extremes are tied.
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save_safetensors  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Workbench.Tests", "Fixtures")
torch.manual_seed(0)
tensors = {}


def case(name, shapes, op, ties=False):
    """Runs op on fresh inputs of the given shapes and records values and gradients."""
    inputs = [(torch.randint(-2, 3, s).float() if ties else torch.randn(s)).requires_grad_(True) for s in shapes]
    y = op(*inputs)
    r = torch.randn(y.shape)
    (y * r).sum().backward()
    suffixes = [""] if len(inputs) == 1 else [str(i) for i in range(len(inputs))]
    for suffix, x in zip(suffixes, inputs):
        tensors[f"{name}.x{suffix}"] = x
        tensors[f"{name}.grad{suffix}"] = x.grad
    tensors[f"{name}.y"] = y
    tensors[f"{name}.r"] = r


def indices(name, shape, op):
    """An index-returning op (argmax/argmin): the indices stored as floats, over tied small integers."""
    x = torch.randint(-2, 3, shape).float()
    tensors[f"{name}.x"] = x
    tensors[f"{name}.y"] = op(x).float()


# Permute / transpose / unsqueeze / squeeze / expand / repeat
case("permute_0231", [(2, 3, 4, 5)], lambda x: x.permute(0, 2, 3, 1))
case("permute_201", [(2, 3, 4)], lambda x: x.permute(2, 0, 1))
case("permute_1023", [(2, 3, 4, 5)], lambda x: x.permute(1, 0, 2, 3))
case("permute_3210", [(3, 1, 4, 2)], lambda x: x.permute(3, 2, 1, 0))
case("permute_big", [(2, 33, 3, 35)], lambda x: x.permute(2, 0, 3, 1))
case("transpose_02", [(2, 3, 4)], lambda x: x.transpose(0, 2))
case("transpose_last2", [(2, 3, 4, 5)], lambda x: x.transpose(-1, -2))
case("unsqueeze_1", [(2, 3, 4)], lambda x: x.unsqueeze(1))
case("unsqueeze_last", [(2, 3, 4)], lambda x: x.unsqueeze(-1))
case("squeeze_1", [(2, 1, 4)], lambda x: x.squeeze(1))
case("expand_lead", [(2, 1, 4)], lambda x: x.expand(3, 2, 5, 4))
case("expand_keep", [(1, 3, 1)], lambda x: x.expand(2, -1, 4))
case("repeat", [(2, 3)], lambda x: x.repeat(2, 1, 3))

# Slicing
case("narrow", [(2, 5, 3)], lambda x: x.narrow(1, 1, 3))
case("narrow_negative", [(2, 3, 5)], lambda x: x.narrow(-1, -2, 2))
case("slice_step", [(2, 7, 3)], lambda x: x[:, 1:6:2])
case("slice_clamped", [(2, 7, 3)], lambda x: x[:, -10:-2])
case("slice_step3", [(3, 4, 8, 2)], lambda x: x[:, :, ::3])
case("slice_tail", [(3, 4, 5, 2)], lambda x: x[:, -3:])
case("select", [(2, 3, 4)], lambda x: x.select(1, 2))
case("select_negative", [(2, 3, 4)], lambda x: x.select(-1, -1))
case("select_first", [(2, 3, 4, 5)], lambda x: x.select(0, 1))
case("index_select", [(3, 4, 5)], lambda x: x.index_select(1, torch.tensor([3, 0, 3, 1])))
case("index_select_last", [(3, 4, 5)], lambda x: x.index_select(2, torch.tensor([4, 4, 0])))
case("slice_twice", [(2, 6, 3)], lambda x: torch.cat([x[:, 1:4], x.narrow(1, 2, 3) * 2], 1))

# Stack and cat
case("stack_1", [(2, 3)] * 3, lambda a, b, c: torch.stack([a, b, c], 1))
case("stack_0", [(2, 3, 4)] * 2, lambda a, b: torch.stack([a, b], 0))
case("stack_last", [(2, 3, 4)] * 3, lambda a, b, c: torch.stack([a, b, c], -1))
case("cat_1", [(2, 3, 4), (2, 1, 4)], lambda a, b: torch.cat([a, b], 1))

# Reductions over axes
case("sum_023", [(2, 3, 4, 5)], lambda x: x.sum(dim=[0, 2, 3]))
case("sum_13_keep", [(2, 3, 4, 5)], lambda x: x.sum(dim=[1, 3], keepdim=True))
case("sum_last_first", [(2, 3, 4)], lambda x: x.sum(dim=[-1, 0]))
case("sum_all", [(2, 3, 4)], lambda x: x.sum(dim=[]))
case("mean_02", [(2, 3, 4, 5)], lambda x: x.mean(dim=[0, 2]))
case("mean_123_keep", [(2, 3, 4, 5)], lambda x: x.mean(dim=[1, 2, 3], keepdim=True))
case("var_023", [(2, 3, 4, 5)], lambda x: x.var(dim=[0, 2, 3]))
case("var_1_biased_keep", [(2, 3, 4, 5)], lambda x: x.var(dim=[1], unbiased=False, keepdim=True))
case("var_23_correction2", [(2, 3, 4, 5)], lambda x: x.var(dim=[2, 3], correction=2))
case("var_all", [(2, 3, 4)], lambda x: x.var(dim=[]))
case("std_023", [(2, 3, 4, 5)], lambda x: x.std(dim=[0, 2, 3]))
case("std_last_keep", [(2, 3, 4)], lambda x: x.std(dim=-1, keepdim=True))
case("min_1_ties", [(3, 4, 5)], lambda x: x.min(dim=1).values, ties=True)
case("min_last_keep_ties", [(3, 4, 5)], lambda x: x.min(dim=-1, keepdim=True).values, ties=True)
case("min_0", [(3, 4, 5)], lambda x: x.min(dim=0).values)
case("max_1_ties", [(3, 4, 5)], lambda x: x.max(dim=1).values, ties=True)
case("amax_02_ties", [(3, 4, 5)], lambda x: x.amax(dim=[0, 2]), ties=True)
case("amax_last_keep_ties", [(2, 3, 4, 5)], lambda x: x.amax(dim=[-1], keepdim=True), ties=True)
case("amin_13_ties", [(2, 3, 4, 5)], lambda x: x.amin(dim=[1, 3]), ties=True)
case("cumsum_1", [(2, 3, 4)], lambda x: x.cumsum(1))
case("cumsum_last", [(2, 3, 4)], lambda x: x.cumsum(-1))
case("cumsum_0", [(3, 2, 4, 5)], lambda x: x.cumsum(0))
indices("argmax_1_ties", (3, 4, 5), lambda x: x.argmax(dim=1))
indices("argmax_last_ties", (3, 4, 5), lambda x: x.argmax(dim=-1))
indices("argmin_0_ties", (3, 4, 5), lambda x: x.argmin(dim=0))
indices("argmin_last_ties", (2, 3, 4, 5), lambda x: x.argmin(dim=-1))

save_safetensors(os.path.join(FIXTURES, "ops_shape.safetensors"), tensors,
                 {"generator": "PyTorch " + torch.__version__ + ", tests/fixtures-gen/ops_shape.py, seed 0"})
