# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/vae_gan.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/vae_gan.safetensors)
"""PyTorch oracle for one VAE-GAN step (Larsen et al. 2016) on 8x8 images.

Encoder: conv(1->2, 4, s2, p1), ReLU, conv(2->3), ReLU, flatten, fc_mu / fc_logvar (latent 2).
Decoder: linear(2 -> 3*2*2), ReLU, unflatten, convT(3->2, 4, s2, p1), ReLU, convT(2->1), flatten: Bernoulli logits.
Discriminator: conv(1->2, 4, s2, p1), LeakyReLU(0.2), conv(2->3), LeakyReLU(0.2), flatten (= Dis_l), linear(12 -> 1).
With x, eps (z = mu + eps*exp(logvar/2)) and eps_p (z_p = eps_p), x~ = sigmoid(Dec(z)), x_p = sigmoid(Dec(z_p)):
  L_prior = mean KL(q || N(0, I));  L_llike = 0.5 * sum((Dis_l(x) - Dis_l(x~))^2) / B
  L_GAN = bce(D(x), 1) + bce(D(x~), 0) + bce(D(x_p), 0)   (each a batch mean)
  encoder: L_prior + L_llike;  decoder: gamma * L_llike - L_GAN;  discriminator: L_GAN.
Stored: parameters (the C# model's names), x, eps, eps_p, the losses, the gradient of each loss w.r.t. its own group
(torch.autograd.grad), and every parameter after one RMSprop(lr 3e-4, alpha 0.9) step of each group on its own gradient.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

B, SIDE, LATENT, GAMMA = 3, 8, 2, 0.5
LR, ALPHA = 3e-4, 0.9


def main():
    torch.manual_seed(31)
    enc = nn.ModuleDict({"1": nn.Conv2d(1, 2, 4, 2, 1), "3": nn.Conv2d(2, 3, 4, 2, 1),
                         "fc_mu": nn.Linear(12, LATENT), "fc_logvar": nn.Linear(12, LATENT)})
    dec = nn.ModuleDict({"0": nn.Linear(LATENT, 12), "3": nn.ConvTranspose2d(3, 2, 4, 2, 1), "5": nn.ConvTranspose2d(2, 1, 4, 2, 1)})
    dis = nn.ModuleDict({"features": nn.ModuleDict({"1": nn.Conv2d(1, 2, 4, 2, 1), "3": nn.Conv2d(2, 3, 4, 2, 1)}), "head": nn.Linear(12, 1)})
    groups = {"encoder": enc, "decoder": dec, "discriminator": dis}

    def encode(x):
        h = F.relu(enc["3"](F.relu(enc["1"](x.view(-1, 1, SIDE, SIDE))))).flatten(1)
        return enc["fc_mu"](h), enc["fc_logvar"](h)

    def decode(z):
        h = F.relu(dec["0"](z)).view(-1, 3, 2, 2)
        return dec["5"](F.relu(dec["3"](h))).flatten(1)

    def discriminate(x):
        f = F.leaky_relu(dis["features"]["3"](F.leaky_relu(dis["features"]["1"](x.view(-1, 1, SIDE, SIDE)), 0.2)), 0.2).flatten(1)
        return f, dis["head"](f)

    x = torch.rand(B, SIDE * SIDE)
    eps = torch.randn(B, LATENT)
    eps_p = torch.randn(B, LATENT)

    mu, logvar = encode(x)
    z = mu + eps * torch.exp(0.5 * logvar)
    x_rec = torch.sigmoid(decode(z))
    x_p = torch.sigmoid(decode(eps_p))
    f_x, l_x = discriminate(x)
    f_rec, l_rec = discriminate(x_rec)
    _, l_p = discriminate(x_p)
    prior = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean()
    llike = 0.5 * (f_x - f_rec).pow(2).sum() / B
    real = F.binary_cross_entropy_with_logits(l_x, torch.ones(B, 1))
    rec = F.binary_cross_entropy_with_logits(l_rec, torch.zeros(B, 1))
    sampled = F.binary_cross_entropy_with_logits(l_p, torch.zeros(B, 1))
    gan = real + rec + sampled
    losses = {"encoder": prior + llike, "decoder": GAMMA * llike - gan, "discriminator": gan}

    tensors = {"x": x, "eps": eps, "eps_p": eps_p, "loss.prior": prior, "loss.feature_reconstruction": llike,
               "loss.real": real, "loss.reconstruction_fake": rec, "loss.prior_sample_fake": sampled, "loss.gan": gan}
    for group, module in groups.items():
        tensors["loss." + group] = losses[group]
        params = list(module.named_parameters())
        grads = torch.autograd.grad(losses[group], [p for _, p in params], retain_graph=True)
        for (name, p), g in zip(params, grads):
            tensors[f"{group}.{name}"] = p.detach().clone()
            tensors[f"grad.{group}.{name}"] = g
            p.grad = g
        opt = torch.optim.RMSprop(module.parameters(), lr=LR, alpha=ALPHA)
        opt.step()
        for name, p in params:
            tensors[f"after.{group}.{name}"] = p.detach().clone()
    save_safetensors(os.path.join(OUT_DIR, "vae_gan.safetensors"), {k: v.detach().float().reshape(v.shape) for k, v in tensors.items()},
                     {"generator": "tests/fixtures-gen/vae_gan.py", "torch": torch.__version__})


if __name__ == "__main__":
    main()
