# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/flows.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/flows.safetensors)
"""PyTorch oracle for the flow posteriors: planar flows (Rezende & Mohamed 2015, with the u-hat reparameterisation of
their appendix A) and inverse autoregressive flows with MADE steps (Kingma et al. 2016, the LSTM-type update
sigma = sigmoid(s + 1), z = sigma * z + (1 - sigma) * m, alternate steps in the reversed order).

Each case starts from z0 = mu + exp(logvar / 2) * eps and stores z_K and log q(z_K) = log N(z0; mu, sigma^2) - sum_k log|det|,
and the gradients of L = sum(z_K * r_z) + sum(log q * r_q) (fixed random r) with respect to every input and parameter.
The log-determinants are checked here against torch.logdet of the autograd Jacobian of each row, and the MADE masks
against the Jacobian's triangular structure, so the fixture does not merely restate the C# formulas.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)  # computed in double, stored as float32


def gaussian_log_density(z, mu, logvar):
    return (-0.5 * ((z - mu) ** 2 * torch.exp(-logvar) + logvar + math.log(2 * math.pi))).sum(1)


def planar_step(z, u, w, b):
    wu = (w * u).sum(1, keepdim=True)
    m = -1 + F.softplus(wu)
    u_hat = u + (m - wu) * w / (w * w).sum(1, keepdim=True)
    t = torch.tanh((w * z).sum(1, keepdim=True) + b)
    psi = (1 - t ** 2) * w
    log_det = torch.log(torch.abs(1 + (psi * u_hat).sum(1)))
    return z + u_hat * t, log_det


def check_log_det(step, z, log_det):
    for row in range(z.shape[0]):
        jac = torch.autograd.functional.jacobian(lambda v: step(v.unsqueeze(0), row).squeeze(0), z[row].detach())
        assert abs(torch.logdet(jac).item() - log_det[row].item()) < 1e-9, "log-determinant differs from the Jacobian's"


def planar_case(tensors, name, steps, seed, batch=3, latent=3):
    torch.manual_seed(seed)
    mu = torch.randn(batch, latent, requires_grad=True)
    logvar = (0.3 * torch.randn(batch, latent)).requires_grad_()
    u = torch.randn(batch, steps * latent, requires_grad=True)
    w = torch.randn(batch, steps * latent, requires_grad=True)
    b = torch.randn(batch, steps, requires_grad=True)
    eps = torch.randn(batch, latent)
    r_z, r_q = torch.randn(batch, latent), torch.randn(batch)
    z = mu + torch.exp(0.5 * logvar) * eps
    log_q = gaussian_log_density(z, mu, logvar)
    for k in range(steps):
        uk, wk, bk = u[:, k * latent:(k + 1) * latent], w[:, k * latent:(k + 1) * latent], b[:, k:k + 1]
        nxt, log_det = planar_step(z, uk, wk, bk)
        check_log_det(lambda v, row: planar_step(v, uk[row:row + 1].detach(), wk[row:row + 1].detach(), bk[row:row + 1].detach())[0], z, log_det)
        z, log_q = nxt, log_q - log_det
    ((z * r_z).sum() + (log_q * r_q).sum()).backward()
    for key, value in dict(mu=mu, logvar=logvar, u=u, w=w, b=b).items():
        tensors[f"{name}.{key}"] = value
        tensors[f"{name}.grad.{key}"] = value.grad
    tensors.update({f"{name}.eps": eps, f"{name}.r_z": r_z, f"{name}.r_q": r_q, f"{name}.z": z, f"{name}.log_q": log_q})


class MaskedLinear(nn.Linear):
    def __init__(self, n_in, n_out, mask, bias=True):
        super().__init__(n_in, n_out, bias)
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.linear(x, self.mask * self.weight, self.bias)


class Made(nn.Module):
    """MADE with the context entering the first hidden layer: degrees 1..D (or D..1), hidden k % max(1, D-1) + 1."""

    def __init__(self, latent, hidden, context, reversed_order):
        super().__init__()
        d_in = torch.arange(latent, 0, -1) if reversed_order else torch.arange(1, latent + 1)
        d_hid = torch.arange(hidden) % max(1, latent - 1) + 1
        self.input = MaskedLinear(latent, hidden, (d_hid[:, None] >= d_in[None, :]).double())
        self.context = nn.Linear(context, hidden, bias=False)
        self.hidden = MaskedLinear(hidden, hidden, (d_hid[:, None] >= d_hid[None, :]).double())
        self.shift = MaskedLinear(hidden, latent, (d_in[:, None] > d_hid[None, :]).double())
        self.gate = MaskedLinear(hidden, latent, (d_in[:, None] > d_hid[None, :]).double())
        self.order = d_in

    def forward(self, z, h):
        a = F.elu(self.input(z) + self.context(h))
        a = F.elu(self.hidden(a))
        return self.shift(a), self.gate(a)


def iaf_step(made, z, h):
    m, s = made(z, h)
    sigma = torch.sigmoid(s + 1.0)
    return sigma * z + (1 - sigma) * m, F.logsigmoid(s + 1.0).sum(1)


def iaf_case(tensors, name, steps, seed, batch=3, latent=4, hidden=7, context=5):
    torch.manual_seed(seed)
    nets = [Made(latent, hidden, context, k % 2 == 1) for k in range(steps)]
    for net in nets:  # larger weights than the default init, so every path matters
        for p in net.parameters():
            p.data.mul_(2.0)
    mu = torch.randn(batch, latent, requires_grad=True)
    logvar = (0.3 * torch.randn(batch, latent)).requires_grad_()
    h = torch.randn(batch, context, requires_grad=True)
    eps = torch.randn(batch, latent)
    r_z, r_q = torch.randn(batch, latent), torch.randn(batch)
    z = mu + torch.exp(0.5 * logvar) * eps
    log_q = gaussian_log_density(z, mu, logvar)
    for k, net in enumerate(nets):
        nxt, log_det = iaf_step(net, z, h)
        step = lambda v, row, net=net: iaf_step(net, v, h[row:row + 1].detach())[0]  # noqa: E731
        check_log_det(step, z, log_det)
        jac = torch.autograd.functional.jacobian(lambda v: step(v.unsqueeze(0), 0).squeeze(0), z[0].detach())
        order = net.order
        for i in range(latent):
            for j in range(latent):
                if order[j] > order[i]:
                    assert jac[i, j].item() == 0.0, "MADE output depends on a later input"
        z, log_q = nxt, log_q - log_det
    ((z * r_z).sum() + (log_q * r_q).sum()).backward()
    for key, value in dict(mu=mu, logvar=logvar, h=h).items():
        tensors[f"{name}.{key}"] = value
        tensors[f"{name}.grad.{key}"] = value.grad
    for k, net in enumerate(nets):
        for pname, p in net.named_parameters():
            tensors[f"{name}.iaf.{k}.{pname}"] = p
            tensors[f"{name}.grad.iaf.{k}.{pname}"] = p.grad
        for bname, buf in net.named_buffers():
            tensors[f"{name}.iaf.{k}.{bname}"] = buf
    tensors.update({f"{name}.eps": eps, f"{name}.r_z": r_z, f"{name}.r_q": r_q, f"{name}.z": z, f"{name}.log_q": log_q})


def masked_linear_case(tensors, name, seed):
    torch.manual_seed(seed)
    mask = (torch.rand(4, 6) > 0.5).double()
    layer = MaskedLinear(6, 4, mask)
    x = torch.randn(3, 6, requires_grad=True)
    r = torch.randn(3, 4)
    y = layer(x)
    (y * r).sum().backward()
    tensors.update({f"{name}.weight": layer.weight, f"{name}.bias": layer.bias, f"{name}.mask": mask, f"{name}.input": x,
                    f"{name}.output": y, f"{name}.output_weights": r, f"{name}.grad.weight": layer.weight.grad,
                    f"{name}.grad.bias": layer.bias.grad, f"{name}.grad.input": x.grad})


def main():
    tensors = {}
    planar_case(tensors, "planar1", steps=1, seed=1)
    planar_case(tensors, "planar3", steps=3, seed=2)
    iaf_case(tensors, "iaf1", steps=1, seed=3)
    iaf_case(tensors, "iaf2", steps=2, seed=4)
    masked_linear_case(tensors, "masked_linear", seed=5)
    tensors = {k: v.detach().float().contiguous() for k, v in tensors.items()}
    path = os.path.join(OUT_DIR, "flows.safetensors")
    save_safetensors(path, tensors, {"torch": torch.__version__})
    print(f"wrote {path}: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
