# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/m2.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/m2.safetensors)
"""PyTorch oracle for one training step of the semi-supervised M2 model (Kingma, Rezende, Mohamed & Welling 2014).

A tiny M2 as the workbench builds it for {"variant": "m2"} with an MLP: encoder q(z|x,y) = Linear(D+K, H), ReLU, then
fc_mu / fc_logvar; decoder p(x|y,z) = Linear(latent+K, H), ReLU, Linear(H, D) giving Bernoulli logits; classifier
q(y|x) = Linear(D, H), ReLU, Linear(H, K); p(z) = N(0, I), p(y) uniform. Parameter names are the workbench's state-dict names.

Per image, in nats:
  -ELBO(x, y) = BCE(decoder(z, y), x) summed over pixels + KL(q(z|x,y) || N(0, I)) + log K,  z = mu + eps * exp(logvar / 2)
  -U(x)       = sum_y q(y|x) * -ELBO(x, y) + sum_y q(y|x) log q(y|x)     (the label summed out, one eps per (image, class))
  loss        = mean_u -U + (N_l / N) * mean_l -ELBO(x, y) + alpha * mean_l -log q(y|x)
The enumeration here is an explicit loop over the classes (the workbench batches all B*K rows at once).
Stored: parameters, batches, eps, the three terms, the loss, and the gradients of the loss and of mean_u -U alone.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

D, K, H, LATENT = 16, 3, 8, 2
B_U, B_L = 4, 3
N, N_L, ALPHA = 600, 30, 0.1


class M2(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.ModuleDict({"0": nn.Linear(D + K, H), "fc_mu": nn.Linear(H, LATENT), "fc_logvar": nn.Linear(H, LATENT)})
        self.decoder = nn.Sequential(nn.Linear(LATENT + K, H), nn.ReLU(), nn.Linear(H, D))
        self.classifier = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, K))

    def negative_elbo(self, x, y_onehot, eps):
        h = F.relu(self.encoder["0"](torch.cat([x, y_onehot], 1)))
        mu, logvar = self.encoder["fc_mu"](h), self.encoder["fc_logvar"](h)
        z = mu + eps * torch.exp(0.5 * logvar)
        logits = self.decoder(torch.cat([z, y_onehot], 1))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
        return rec + kl + math.log(K)

    def unlabelled(self, x, eps):
        log_q = F.log_softmax(self.classifier(x), 1)                     # (B, K)
        q = log_q.exp()
        eps = eps.view(x.shape[0], K, LATENT)                             # image-major rows b*K + y
        total = (q * log_q).sum(1)                                        # -H(q(y|x))
        for y in range(K):
            onehot = F.one_hot(torch.full((x.shape[0],), y, dtype=torch.long), K).float()
            total = total + q[:, y] * self.negative_elbo(x, onehot, eps[:, y])
        return total                                                      # (B)

    def labelled(self, x, y, eps):
        return self.negative_elbo(x, F.one_hot(y, K).float(), eps), F.cross_entropy(self.classifier(x), y, reduction="none")


def main():
    torch.manual_seed(23)
    model = M2()
    x_u, x_l = torch.rand(B_U, D), torch.rand(B_L, D)
    y_l = torch.tensor([2, 0, 1])
    eps_u, eps_l = torch.randn(B_U * K, LATENT), torch.randn(B_L, LATENT)

    unlabelled = model.unlabelled(x_u, eps_u).mean()
    grads_u = torch.autograd.grad(unlabelled, list(model.parameters()))
    negative_elbo, cross_entropy = model.labelled(x_l, y_l, eps_l)
    loss = model.unlabelled(x_u, eps_u).mean() + (N_L / N) * negative_elbo.mean() + ALPHA * cross_entropy.mean()
    grads = torch.autograd.grad(loss, list(model.parameters()))

    tensors = {"x_u": x_u, "x_l": x_l, "y_l": y_l.float(), "eps_u": eps_u, "eps_l": eps_l,
               "unlabelled": unlabelled, "labelled_negative_elbo": negative_elbo.mean(), "labelled_cross_entropy": cross_entropy.mean(),
               "loss": loss}
    for (name, p), g, gu in zip(model.named_parameters(), grads, grads_u):
        tensors[name] = p
        tensors["grad." + name] = g
        tensors["grad_unlabelled." + name] = gu
    save_safetensors(os.path.join(OUT_DIR, "m2.safetensors"), tensors,
                     {"N": N, "N_l": N_L, "alpha": ALPHA, "classes": K, "torch": torch.__version__})


if __name__ == "__main__":
    main()
