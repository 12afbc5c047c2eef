# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/optim.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/optim.safetensors)
"""PyTorch oracle for the optimizers and learning-rate schedules.

Optimizers: two parameters (a 37-vector and a 5x3 matrix) and four steps of fixed gradients; after each step
the parameters of every case are stored as "<case>.after.<step>.<a|b>". Cases put both parameters in one group
unless their name ends in "_groups" (group 0 holds a, group 1 holds b, each with its own lr and weight decay).
Schedules: "<case>.lr" is (epochs + 1, groups): the learning rate of each group after construction and after
each scheduler.step() (ReduceLROnPlateau steps with "plateau.metric"). Hyperparameters are in the metadata.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save_safetensors, OUT_DIR  # noqa: E402

STEPS = 4
EPOCHS = 30

OPTIMIZERS = {
    "adam_amsgrad": ("Adam", dict(lr=1e-2, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.05, amsgrad=True)),
    "adamw": ("AdamW", dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)),
    "adamw_strong_decay_amsgrad": ("AdamW", dict(lr=5e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5, amsgrad=True)),
    "sgd_plain": ("SGD", dict(lr=0.1)),
    "sgd_dampening": ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    "sgd_nesterov": ("SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.02, nesterov=True)),
    "rmsprop": ("RMSprop", dict(lr=1e-2)),
    "rmsprop_centered": ("RMSprop", dict(lr=1e-2, alpha=0.9, centered=True)),
    "rmsprop_momentum": ("RMSprop", dict(lr=1e-2, momentum=0.5, weight_decay=0.1)),
    "rmsprop_centered_momentum": ("RMSprop", dict(lr=5e-3, alpha=0.95, eps=1e-4, weight_decay=0.05, momentum=0.9, centered=True)),
}

# Two groups: (defaults of the optimizer, group 0 overrides, group 1 overrides).
GROUPS = {
    "adamw_groups": ("AdamW", dict(lr=1e-2, weight_decay=0.01), dict(lr=2e-2, weight_decay=0.1), dict(weight_decay=0.0)),
    "sgd_groups": ("SGD", dict(lr=0.1, momentum=0.9), dict(lr=0.05, weight_decay=0.1), dict()),
    "rmsprop_groups": ("RMSprop", dict(lr=1e-2, centered=True), dict(), dict(lr=3e-3, weight_decay=0.2)),
    "adam_groups": ("Adam", dict(lr=1e-2, weight_decay=0.0), dict(weight_decay=0.3), dict(lr=1e-3)),
}


def run(make, a0, b0, grads):
    a, b = nn.Parameter(a0.clone()), nn.Parameter(b0.clone())
    opt = make(a, b)
    out = {}
    for step, (ga, gb) in enumerate(grads):
        opt.zero_grad()
        a.grad, b.grad = ga.clone(), gb.clone()
        opt.step()
        out[f"after.{step}.a"], out[f"after.{step}.b"] = a.detach().clone(), b.detach().clone()
    return out


def make_optimizers(out, meta):
    torch.manual_seed(3)
    a0, b0 = torch.randn(37), torch.randn(5, 3)
    grads = [(torch.randn(37), torch.randn(5, 3) * 0.1) for _ in range(STEPS)]
    out["param.a"], out["param.b"] = a0, b0
    for step, (ga, gb) in enumerate(grads):
        out[f"grad.{step}.a"], out[f"grad.{step}.b"] = ga, gb
    for case, (kind, kwargs) in OPTIMIZERS.items():
        cls = getattr(torch.optim, kind)
        for name, t in run(lambda a, b: cls([a, b], **kwargs), a0, b0, grads).items():
            out[f"{case}.{name}"] = t
        meta[case] = f"{kind} {json.dumps(kwargs)}"
    for case, (kind, defaults, g0, g1) in GROUPS.items():
        cls = getattr(torch.optim, kind)
        make = lambda a, b: cls([dict(params=[a], **g0), dict(params=[b], **g1)], **defaults)
        for name, t in run(make, a0, b0, grads).items():
            out[f"{case}.{name}"] = t
        meta[case] = f"{kind} defaults {json.dumps(defaults)}, group 0 (a) {json.dumps(g0)}, group 1 (b) {json.dumps(g1)}"


SCHEDULES = {
    "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    "multi_step": lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3),
    "exponential": lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3),
    "linear": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=6),
    "warmup_cosine": lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=25)], milestones=[5]),
    "warmup_step": lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=3),
            torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5)], milestones=[3]),
    "plateau": lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=2, threshold=0.01, threshold_mode="rel", cooldown=1, min_lr=0.01),
    "plateau_abs": lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
        o, mode="min", factor=0.3, patience=0, threshold=0.05, threshold_mode="abs", cooldown=0, min_lr=0.0),
}


def make_schedules(out, meta):
    # A noisy, mostly falling loss with plateaus, as ReduceLROnPlateau's metric (float32, like the trainer's).
    torch.manual_seed(4)
    epochs = torch.arange(EPOCHS, dtype=torch.float32)
    metric = (3.0 / (1.0 + 0.3 * epochs) + 0.05 * torch.randn(EPOCHS)).to(torch.float32)
    metric[14:20] = metric[13]
    out["plateau.metric"] = metric
    # Group rates exact in float32 so the C# optimizer starts from the same numbers.
    for case, make in SCHEDULES.items():
        p, q = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([dict(params=[p], lr=0.5), dict(params=[q], lr=0.0625)], lr=0.5)
        scheduler = make(opt)
        rates = [[g["lr"] for g in opt.param_groups]]
        for epoch in range(EPOCHS):
            opt.step()
            if case.startswith("plateau"):
                scheduler.step(float(metric[epoch]))
            else:
                scheduler.step()
            rates.append([g["lr"] for g in opt.param_groups])
        out[f"{case}.lr"] = torch.tensor(rates, dtype=torch.float64).to(torch.float32)
    meta["schedules"] = "SGD with groups lr 0.5 and 0.0625; " + "; ".join(SCHEDULES)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    out, meta = {}, {"torch": torch.__version__}
    make_optimizers(out, meta)
    make_schedules(out, meta)
    save_safetensors(os.path.join(OUT_DIR, "optim.safetensors"), out, meta)
