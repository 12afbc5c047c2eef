# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/vq_vae.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/vq_vae.safetensors)
"""PyTorch oracle for the VQ-VAE (van den Oord et al. 2017) and its PixelCNN prior.

1. One training step of a tiny VQ-VAE (8x8 images, conv channels [3, 4] -> a 2x2 grid of codes of size 3, K = 5),
   written out by hand: nearest-code quantisation, the straight-through estimator z_q = z_e + (e - z_e).detach(),
   Bernoulli reconstruction -log p(x|z_q) summed over pixels, codebook loss |sg[z_e] - e|^2 and commitment loss
   0.25 |z_e - sg[e]|^2 summed over the grid. Stored: parameters (the C# model's names), the batch, the codes, the loss
   and every gradient, for the gradient codebook ("grad.") and the EMA codebook ("ema.grad.", no codebook term).
2. Two EMA codebook steps as Sonnet's VectorQuantizerEMA (zero-debiased moving averages, Laplace-smoothed counts),
   on two batches of encoder outputs: the codes, hidden averages and codebook after each step.
3. Masked convolutions (mask A and B) and a PixelCNN over a 3x3 grid of K = 5 codes: outputs, log p(c) per grid and the
   gradients of sum(output * r) / sum(log p(c) * r) with fixed random r.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)  # the oracle in double; stored as float32
out = {}

# ---- 1. one VQ-VAE step -------------------------------------------------------------------------------------------
H = W = 8
D, K, BETA, B = 3, 5, 0.25, 4
torch.manual_seed(3)
encoder = nn.Sequential(nn.Unflatten(1, (1, H, W)), nn.Conv2d(1, 3, 4, 2, 1), nn.ReLU(), nn.Conv2d(3, 4, 4, 2, 1), nn.ReLU(), nn.Conv2d(4, D, 1))
decoder = nn.Sequential(nn.Conv2d(D, 4, 3, padding=1), nn.ReLU(), nn.ConvTranspose2d(4, 3, 4, 2, 1), nn.ReLU(),
                        nn.ConvTranspose2d(3, 1, 4, 2, 1), nn.Flatten())
embedding = nn.Parameter(torch.randn(K, D) * 0.5)
x = torch.rand(B, H * W)


def nearest(flat, codebook):
    distances = (flat ** 2).sum(1, keepdim=True) - 2 * flat @ codebook.t() + (codebook ** 2).sum(1)
    return distances.argmin(1)


def step(ema):
    for p in list(encoder.parameters()) + list(decoder.parameters()) + [embedding]:
        p.grad = None
    ze = encoder(x)                                            # (B, D, 2, 2)
    flat = ze.permute(0, 2, 3, 1).reshape(-1, D)               # (B*P, D), raster order
    codes = nearest(flat.detach(), embedding.detach())
    e = embedding[codes]
    zq = flat + (e - flat).detach()                            # straight through
    logits = decoder(zq.reshape(B, 2, 2, D).permute(0, 3, 1, 2))
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    commitment = ((flat - e.detach()) ** 2).reshape(B, -1).sum(1)
    codebook = ((flat.detach() - e) ** 2).reshape(B, -1).sum(1)
    loss = rec.mean() + BETA * commitment.mean() + (0 if ema else codebook.mean())
    loss.backward()
    prefix = "ema." if ema else ""
    out[prefix + "loss"] = loss.detach().reshape(1)
    out[prefix + "reconstruction"] = rec.mean().detach().reshape(1)
    out[prefix + "commitment"] = commitment.mean().detach().reshape(1)
    out["codes"] = codes.double()
    for name, p in list(encoder.named_parameters()):
        out[prefix + "grad.encoder.body." + name] = p.grad.clone()
    for name, p in list(decoder.named_parameters()):
        out[prefix + "grad.decoder.body." + name] = p.grad.clone()
    if not ema:
        out["grad.encoder.codebook.embedding"] = embedding.grad.clone()


for name, p in encoder.named_parameters():
    out["encoder.body." + name] = p.detach().clone()
for name, p in decoder.named_parameters():
    out["decoder.body." + name] = p.detach().clone()
out["encoder.codebook.embedding"] = embedding.detach().clone()
out["x"] = x
step(ema=False)
step(ema=True)

# ---- 2. two EMA steps (Sonnet's VectorQuantizerEMA) ----------------------------------------------------------------
DECAY, EPS, N = 0.99, 1e-5, 40
torch.manual_seed(5)
codebook = torch.randn(K, D)
out["ema_steps.initial"] = codebook.clone()
cluster_hidden, dw_hidden = torch.zeros(K), torch.zeros(K, D)
for t in (1, 2):
    vectors = torch.randn(N, D) + (0.5 if t == 2 else 0.0)
    codes = nearest(vectors, codebook)
    one_hot = F.one_hot(codes, K).double()
    cluster_hidden = cluster_hidden - (cluster_hidden - one_hot.sum(0)) * (1 - DECAY)
    dw_hidden = dw_hidden - (dw_hidden - one_hot.t() @ vectors) * (1 - DECAY)
    debias = 1 - DECAY ** t
    cluster = cluster_hidden / debias
    total = cluster.sum()
    smoothed = (cluster + EPS) / (total + K * EPS) * total
    codebook = (dw_hidden / debias) / smoothed.unsqueeze(1)
    out[f"ema_steps.{t}.vectors"] = vectors
    out[f"ema_steps.{t}.codes"] = codes.double()
    out[f"ema_steps.{t}.cluster_hidden"] = cluster_hidden.clone()
    out[f"ema_steps.{t}.dw_hidden"] = dw_hidden.clone()
    out[f"ema_steps.{t}.codebook"] = codebook.clone()

# ---- 3. masked convolutions and the PixelCNN -------------------------------------------------------------------------


def mask(k, kind):
    m = torch.zeros(k, k)
    c = k // 2
    m[:c, :] = 1
    m[c, :c] = 1
    if kind == "B":
        m[c, c] = 1
    return m


torch.manual_seed(7)
xm = torch.randn(2, 3, 4, 5, requires_grad=True)
out["masked.x"] = xm.detach().clone()
for kind, k in (("a", 3), ("b", 5)):
    conv = nn.Conv2d(3, 2, k, padding=k // 2)
    y = F.conv2d(xm, conv.weight * mask(k, kind.upper()), conv.bias, padding=k // 2)
    r = torch.randn_like(y)
    xm.grad = None
    (y * r).sum().backward()
    out[f"masked_{kind}.weight"] = conv.weight.detach().clone()
    out[f"masked_{kind}.bias"] = conv.bias.detach().clone()
    out[f"masked_{kind}.r"] = r
    out[f"masked_{kind}.y"] = y.detach().clone()
    out[f"masked_{kind}.grad.x"] = xm.grad.clone()
    out[f"masked_{kind}.grad.weight"] = conv.weight.grad.clone()
    out[f"masked_{kind}.grad.bias"] = conv.bias.grad.clone()

C, LAYERS, G = 4, 2, 3
torch.manual_seed(9)
emb = nn.Embedding(K, C)
inp = nn.Conv2d(C, C, 5, padding=2)
hidden = [nn.Conv2d(C, C, 3, padding=1) for _ in range(LAYERS)]
output = nn.Conv2d(C, K, 1)
codes = torch.randint(0, K, (2, G, G))
h = F.relu(F.conv2d(emb(codes).permute(0, 3, 1, 2), inp.weight * mask(5, "A"), inp.bias, padding=2))
for conv in hidden:
    h = F.relu(F.conv2d(h, conv.weight * mask(3, "B"), conv.bias, padding=1))
logits = output(h)                                               # (2, K, G, G)
log_p = -F.cross_entropy(logits.permute(0, 2, 3, 1).reshape(-1, K), codes.reshape(-1), reduction="none").reshape(2, -1).sum(1)
r = torch.randn(2)
(log_p * r).sum().backward()
params = {"embedding.weight": emb.weight, "input.weight": inp.weight, "input.bias": inp.bias, "output.weight": output.weight, "output.bias": output.bias}
for i, conv in enumerate(hidden):
    params[f"hidden.{2 * i}.weight"] = conv.weight
    params[f"hidden.{2 * i}.bias"] = conv.bias
for name, p in params.items():
    out["pixelcnn." + name] = p.detach().clone()
    out["pixelcnn.grad." + name] = p.grad.clone()
out["pixelcnn.codes"] = codes.double()
out["pixelcnn.logits"] = logits.detach().clone()
out["pixelcnn.log_p"] = log_p.detach().clone()
out["pixelcnn.r"] = r

path = os.path.join(OUT_DIR, "vq_vae.safetensors")
save_safetensors(path, out, {"generator": "tests/fixtures-gen/vq_vae.py", "torch": torch.__version__})
print(f"wrote {path}: {len(out)} tensors")
