# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/hierarchical.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/hierarchical.safetensors)
"""PyTorch oracle for the VAE with two stochastic layers (Burda et al. 2016, section 5).

A small model of the IWAE paper's shape on 4x4 images, tanh hidden units: q(z1|x) = 16-(6,5)-4, q(z2|z1) = 4-(5)-3,
p(z1|z2) = 3-(5)-4, p(x|z1) = 4-(5,6)-16 with Bernoulli pixels on logits; p(z2) = N(0, I). Parameters use the
workbench's state-dict names. The latent is [z1, z2] (7 columns) and eps is split the same way. Stored: the one-sample
ELBO loss mean_b [BCE + log q(z|x) - log p(z)] with its per-image log q and log p and the gradient of every parameter
("grad.elbo.<name>"), and the importance-weighted loss with k = 5 (-mean_b log mean_i w_bi, samples image-major)
with its gradients ("grad.iw.<name>").
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

B, K, D, Z1, Z2 = 3, 5, 16, 4, 3
SHAPES = {  # name -> (out, in)
    "encoder.layer1.0": (6, D), "encoder.layer1.2": (5, 6), "encoder.layer1.fc_mu": (Z1, 5), "encoder.layer1.fc_logvar": (Z1, 5),
    "encoder.layer2.0": (5, Z1), "encoder.layer2.fc_mu": (Z2, 5), "encoder.layer2.fc_logvar": (Z2, 5),
    "decoder.0": (5, Z1), "decoder.2": (6, 5), "decoder.4": (D, 6),
    "prior.down1.0": (5, Z2), "prior.down1.fc_mu": (Z1, 5), "prior.down1.fc_logvar": (Z1, 5),
}


def linear(p, name, x):
    return F.linear(x, p[name + ".weight"], p[name + ".bias"])


def gaussian(p, prefix, x, hidden):
    h = x
    for i in range(hidden):
        h = torch.tanh(linear(p, f"{prefix}.{2 * i}", h))
    return linear(p, prefix + ".fc_mu", h), linear(p, prefix + ".fc_logvar", h)


def log_normal(z, mu, logvar):
    return -0.5 * ((z - mu) ** 2 * torch.exp(-logvar) + logvar + math.log(2 * math.pi)).sum(1)


def weights(p, x, eps, rows):
    """log p(x|z1) + log p(z1|z2) + log p(z2) - log q(z1|x) - log q(z2|z1) for the given image of each eps row."""
    mu1, lv1 = gaussian(p, "encoder.layer1", x, 2)
    mu1, lv1 = mu1[rows], lv1[rows]
    z1 = mu1 + torch.exp(0.5 * lv1) * eps[:, :Z1]
    mu2, lv2 = gaussian(p, "encoder.layer2", z1, 1)
    z2 = mu2 + torch.exp(0.5 * lv2) * eps[:, Z1:]
    log_q = log_normal(z1, mu1, lv1) + log_normal(z2, mu2, lv2)
    pm1, plv1 = gaussian(p, "prior.down1", z2, 1)
    log_p = log_normal(z1, pm1, plv1) - 0.5 * (z2 ** 2 + math.log(2 * math.pi)).sum(1)
    h = torch.tanh(linear(p, "decoder.0", z1))
    h = torch.tanh(linear(p, "decoder.2", h))
    logits = linear(p, "decoder.4", h)
    log_lik = -F.binary_cross_entropy_with_logits(logits, x[rows], reduction="none").sum(1)
    return log_lik, log_q, log_p


def main():
    torch.manual_seed(24)
    params = {}
    for name, (o, i) in SHAPES.items():
        params[name + ".weight"] = (torch.randn(o, i) * 0.6).requires_grad_()
        params[name + ".bias"] = (torch.randn(o) * 0.3).requires_grad_()
    x = torch.rand(B, D)
    eps = torch.randn(B, Z1 + Z2)
    eps_iw = torch.randn(B * K, Z1 + Z2)
    tensors = {"x": x, "eps": eps, "eps_iw": eps_iw}
    tensors.update(params)

    log_lik, log_q, log_p = weights(params, x, eps, torch.arange(B))
    elbo_loss = (-log_lik + log_q - log_p).mean()
    elbo_loss.backward()
    tensors.update({"elbo.loss": elbo_loss, "elbo.log_q": log_q, "elbo.log_p": log_p, "elbo.log_lik": log_lik})
    for name, t in params.items():
        tensors["grad.elbo." + name] = t.grad.clone()
        t.grad = None

    rows = torch.arange(B).repeat_interleave(K)  # image-major
    log_lik, log_q, log_p = weights(params, x, eps_iw, rows)
    log_w = (log_lik + log_p - log_q).view(B, K)
    iw_loss = -(torch.logsumexp(log_w, 1) - math.log(K)).mean()
    iw_loss.backward()
    tensors.update({"iw.loss": iw_loss, "iw.log_w": log_w.reshape(-1)})
    for name, t in params.items():
        tensors["grad.iw." + name] = t.grad.clone()

    save_safetensors(os.path.join(OUT_DIR, "hierarchical.safetensors"), tensors, {"k": K})
    print("elbo loss", elbo_loss.item(), "iw loss", iw_loss.item())


if __name__ == "__main__":
    main()
