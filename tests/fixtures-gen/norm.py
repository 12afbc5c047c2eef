# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/norm.py   (from any folder; PyTorch 1.13)
"""PyTorch oracle fixtures for the normalisation layers and the batch-norm conv VAE.

Writes tests/Workbench.Tests/Fixtures/norm.safetensors (float32, seeded; the writer is make_fixtures.py's):

* layer cases "<case>.*" (BatchNorm1d/2d, LayerNorm, GroupNorm): input, weight, bias, the running statistics before, the output, the output weights r of
  the loss sum(output * r), the gradients of input, weight and bias, and the running statistics after the step;
  each in training mode ("train") and, where the layer has one, evaluation mode ("eval", after the training step).
* "convbn.*": one training step of the batch-norm conv VAE (PyTorch-VAE's VanillaVAE shape for 28x28 images) with
  narrow channels 8-16-32 and latent 8 so that the file stays small: the state dict before the step under the
  workbench's names, the batch, eps, loss terms, every parameter gradient and the running statistics after.
  The metadata "convbn_full_state" lists the state-dict names and shapes of the 32-64-128, latent-20 model.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save_safetensors, OUT_DIR  # noqa: E402

out = {}
meta = {"torch": torch.__version__, "loss": "sum(output * output_weights)"}


def put(prefix, **tensors):
    for name, value in tensors.items():
        out[f"{prefix}.{name}"] = value.detach().clone().reshape(value.shape)


def step(prefix, layer, x, activation=None):
    """One forward and backward pass of `layer` (then `activation`) on x; stores values and gradients."""
    x = x.clone().requires_grad_(True)
    before = {k: v.clone().float() for k, v in layer.state_dict().items()}
    y = layer(x)
    if activation is not None:
        y = activation(y)
    r = torch.randn_like(y)
    layer.zero_grad()
    (y * r).sum().backward()
    put(prefix, input=x, output=y, output_weights=r, grad_input=x.grad)
    for name, value in before.items():
        put(prefix, **{f"before_{name}": value})
    for name, value in layer.state_dict().items():
        put(prefix, **{f"after_{name}": value.float()})
    for name, p in layer.named_parameters():
        put(prefix, **{f"grad_{name}": p.grad})


def randomize_affine(layer):
    with torch.no_grad():
        layer.weight.copy_(torch.randn_like(layer.weight) * 0.5 + 1)
        layer.bias.copy_(torch.randn_like(layer.bias) * 0.5)


def batch_norm_cases():
    torch.manual_seed(10)
    # (name, layer, input shape, momentum, activation slope or None)
    cases = [("bn2d", nn.BatchNorm2d(3), (4, 3, 5, 6), None),
             ("bn2d_lrelu", nn.BatchNorm2d(3), (4, 3, 5, 6), 0.2),
             ("bn1d", nn.BatchNorm1d(5), (7, 5), None),
             ("bn1d_seq", nn.BatchNorm1d(4), (3, 4, 9), None)]
    for name, layer, shape, slope in cases:
        randomize_affine(layer)
        with torch.no_grad():
            layer.running_mean.copy_(torch.randn_like(layer.running_mean) * 0.3)
            layer.running_var.copy_(torch.rand_like(layer.running_var) + 0.5)
        x = torch.randn(*shape) * 2 + 0.7
        act = (lambda t: F.leaky_relu(t, slope)) if slope is not None else None
        layer.train()
        step(f"{name}.train", layer, x, act)
        layer.eval()
        step(f"{name}.eval", layer, torch.randn(*shape) * 2 + 0.7, act)
    # momentum None: the running statistics are the cumulative average of three batches.
    layer = nn.BatchNorm2d(2, momentum=None)
    layer.train()
    for i in range(3):
        step(f"bn2d_cumulative.step{i}", layer, torch.randn(3, 2, 4, 4) * (i + 1) + i)
    # Statistics of values far from zero (mean 1000, sd 0.01): float sums would lose the variance.
    layer = nn.BatchNorm2d(2)
    x = torch.randn(8, 2, 16, 16).double().mul(0.01).add(1000).float()
    step("bn2d_offset.train", layer, x)
    # PyTorch's own output loses digits here (x*alpha + beta cancels); the exact normalisation, in double:
    xd = x.double()
    mean, var = xd.mean(dim=(0, 2, 3), keepdim=True), xd.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    out["bn2d_offset.exact_output"] = ((xd - mean) / torch.sqrt(var + 1e-5)).float()


def row_norm_cases():
    torch.manual_seed(30)
    cases = [("layernorm", nn.LayerNorm(6), (4, 6)),
             ("layernorm_2d", nn.LayerNorm((3, 5)), (2, 4, 3, 5)),
             ("groupnorm", nn.GroupNorm(2, 6), (3, 6, 4, 5)),
             ("groupnorm_seq", nn.GroupNorm(3, 3), (2, 3, 7))]
    for name, layer, shape in cases:
        randomize_affine(layer)
        x = torch.randn(*shape) * 1.5 + 0.4
        layer.train()
        step(f"{name}.train", layer, x)
        layer.eval()
        step(f"{name}.eval", layer, x)


class ConvBnVae(nn.Module):
    """The workbench's conv-bn architecture: PyTorch-VAE's VanillaVAE for 28x28 images, Bernoulli logits (no Tanh).

    Encoder: Unflatten, [Conv2d(k3, s2, p1), BatchNorm2d, LeakyReLU] per channel count, Flatten, fc_mu, fc_logvar.
    Decoder: Linear, Unflatten, [ConvTranspose2d(k3, s2, p1, output_padding for 4->7->14), BatchNorm2d, LeakyReLU]
    back to the first channel count, ConvTranspose2d(c0 -> c0, to 28) + BatchNorm2d + LeakyReLU, Conv2d(c0 -> 1, k3, p1),
    Flatten. Children are numbered as the workbench's Sequential numbers them, so the state dicts' names agree.
    """

    def __init__(self, channels=(32, 64, 128), latent=20, side=28):
        super().__init__()
        sides = [side]
        for _ in channels:
            sides.append((sides[-1] + 1) // 2)
        body, previous = [nn.Unflatten(1, (1, side, side))], 1
        for c in channels:
            body += [nn.Conv2d(previous, c, 3, stride=2, padding=1), nn.BatchNorm2d(c), nn.LeakyReLU()]
            previous = c
        body.append(nn.Flatten())
        features = channels[-1] * sides[-1] ** 2
        self.encoder = nn.Module()
        for i, layer in enumerate(body):
            self.encoder.add_module(str(i), layer)
        self.encoder.fc_mu = nn.Linear(features, latent)
        self.encoder.fc_logvar = nn.Linear(features, latent)
        self.body = body
        layers = [nn.Linear(latent, features), nn.Unflatten(1, (channels[-1], sides[-1], sides[-1]))]
        for i in range(len(channels) - 1, -1, -1):
            out = channels[i - 1] if i > 0 else channels[0]
            target = sides[i]
            layers += [nn.ConvTranspose2d(channels[i], out, 3, stride=2, padding=1, output_padding=target - (2 * sides[i + 1] - 1)),
                       nn.BatchNorm2d(out), nn.LeakyReLU()]
        layers += [nn.Conv2d(channels[0], 1, 3, padding=1), nn.Flatten()]
        self.decoder = nn.Sequential(*layers)

    def forward(self, x, eps):
        h = x
        for layer in self.body:
            h = layer(h)
        mu, logvar = self.encoder.fc_mu(h), self.encoder.fc_logvar(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.decoder(z), mu, logvar


def conv_bn_step():
    torch.manual_seed(20)
    model = ConvBnVae(channels=(8, 16, 32), latent=8)
    # Non-trivial affine parameters and running statistics, so that every buffer's role shows.
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            randomize_affine(module)
            with torch.no_grad():
                module.running_mean.copy_(torch.randn_like(module.running_mean) * 0.1)
                module.running_var.copy_(torch.rand_like(module.running_var) + 0.5)
    for name, value in model.state_dict().items():
        out[f"convbn.before.{name}"] = value.float().clone()
    x = torch.rand(8, 784)
    eps = torch.randn(8, 8)
    model.train()
    logits, mu, logvar = model(x, eps)
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x)
    loss = bce + kl  # the workbench's loss: batch mean of per-image reconstruction + KL
    loss.backward()
    out.update({"convbn.input": x, "convbn.eps": eps, "convbn.logits": logits.detach(), "convbn.mu": mu.detach(),
                "convbn.logvar": logvar.detach(), "convbn.reconstruction": bce.detach().reshape(()),
                "convbn.kl": kl.detach().reshape(()), "convbn.loss": loss.detach().reshape(())})
    for name, p in model.named_parameters():
        out[f"convbn.grad.{name}"] = p.grad.clone()
    for name, value in model.state_dict().items():
        if "running" in name or "num_batches" in name:
            out[f"convbn.after.{name}"] = value.float().clone()
    full = ConvBnVae()
    meta["convbn_full_state"] = json.dumps({k: list(v.shape) for k, v in full.state_dict().items()})
    meta["convbn"] = "channels 8-16-32, latent 8, batch 8, leaky_relu slope 0.01, loss = mean over images of bce(sum) + kl"


if __name__ == "__main__":
    batch_norm_cases()
    row_norm_cases()
    conv_bn_step()
    save_safetensors(os.path.join(OUT_DIR, "norm.safetensors"), out, meta)
