#!/usr/bin/python3
"""Loads a workbench model's parameters (model.safetensors) into the equivalent PyTorch modules and writes their outputs.

Usage: /usr/bin/python3 safetensors_into_pytorch.py MODEL_FOLDER INPUTS OUTPUTS

  MODEL_FOLDER  a run folder: config.json (its "model" object: architecture mlp, conv or conv-bn, hiddenSizes,
                convChannels, latentSize, activation, dropout, imageHeight, imageWidth) and model.safetensors
  INPUTS        a safetensors file with "images" (B, H*W) in [0, 1] and "z" (B, latent)
  OUTPUTS       the safetensors file written: "mean" and "log_variance" (B, latent) from the encoder, "logits" (B, H*W)
                from the decoder, computed in evaluation mode

The modules carry the workbench's state-dict names (encoder.0.weight, encoder.fc_mu.weight, decoder.0.weight, ...), so
load_state_dict(strict=True) checks that every encoder and decoder tensor of the file is used, with its shape; the
file's other tensors (likelihood.*, prior.*) are listed on stderr. Unconditional models; plain PyTorch 1.13, no other package.
"""
import json, struct, sys

import numpy as np
import torch
from torch import nn

from pytorch_vae import read_safetensors  # beside this script

ACTIVATIONS = {"relu": nn.ReLU, "leaky-relu": lambda: nn.LeakyReLU(0.01), "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
               "gelu": nn.GELU, "silu": nn.SiLU, "elu": nn.ELU}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        blob = value.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


class Numbered(nn.Module):
    """Layers registered as "0", "1", ... directly under this module, as the workbench registers a Sequential body."""

    def __init__(self, layers):
        super().__init__()
        self.count = len(layers)
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)

    def body(self, x):
        for i in range(self.count):
            x = getattr(self, str(i))(x)
        return x


class Encoder(Numbered):
    def __init__(self, layers, features, latent):
        super().__init__(layers)
        self.fc_mu = nn.Linear(features, latent)
        self.fc_logvar = nn.Linear(features, latent)

    def forward(self, x):
        h = self.body(x)
        return self.fc_mu(h), self.fc_logvar(h)


class Decoder(Numbered):
    def forward(self, z):
        return self.body(z)


def sides(side, levels):
    out = [side]
    for _ in range(levels):
        out.append((out[-1] + 1) // 2)
    return out


def networks(cfg):
    """The encoder body and decoder of Networks.cs / ConvBnNetworks.cs for one-channel images."""
    act = ACTIVATIONS[cfg.get("activation", "relu")]
    h, w = cfg.get("imageHeight", 28), cfg.get("imageWidth", 28)
    latent, arch = cfg.get("latentSize", 20), cfg.get("architecture", "mlp")
    channels = cfg.get("convChannels", [32, 64])
    if arch == "mlp":
        hidden, dropout = cfg.get("hiddenSizes", [400]), cfg.get("dropout", 0)
        enc, width = [], h * w
        for size in hidden:
            enc += [nn.Linear(width, size), act()] + ([nn.Dropout(dropout)] if dropout > 0 else [])
            width = size
        features, dec, width = width, [], latent
        for size in reversed(hidden):
            dec += [nn.Linear(width, size), act()] + ([nn.Dropout(dropout)] if dropout > 0 else [])
            width = size
        dec.append(nn.Linear(width, h * w))
        return enc, features, dec
    levels = len(channels)
    if arch == "conv":
        enc, c = [nn.Unflatten(1, (1, h, w))], 1
        for out in channels:
            enc += [nn.Conv2d(c, out, 4, 2, 1), act()]
            c = out
        enc.append(nn.Flatten())
        hh, ww = h >> levels, w >> levels
        dec = [nn.Linear(latent, channels[-1] * hh * ww), act(), nn.Unflatten(1, (channels[-1], hh, ww))]
        for i in range(levels - 1, -1, -1):
            dec.append(nn.ConvTranspose2d(channels[i], 1 if i == 0 else channels[i - 1], 4, 2, 1))
            if i > 0:
                dec.append(act())
        dec.append(nn.Flatten())
        return enc, channels[-1] * hh * ww, dec
    assert arch == "conv-bn", arch
    hs, ws = sides(h, levels), sides(w, levels)
    enc, c = [nn.Unflatten(1, (1, h, w))], 1
    for out in channels:
        enc += [nn.Conv2d(c, out, 3, 2, 1), nn.BatchNorm2d(out), act()]
        c = out
    enc.append(nn.Flatten())
    dec = [nn.Linear(latent, channels[-1] * hs[-1] * ws[-1]), nn.Unflatten(1, (channels[-1], hs[-1], ws[-1]))]
    for i in range(levels - 1, -1, -1):
        out = channels[0] if i == 0 else channels[i - 1]
        dec += [nn.ConvTranspose2d(channels[i], out, 3, 2, 1, output_padding=hs[i] - (2 * hs[i + 1] - 1)), nn.BatchNorm2d(out), act()]
    dec += [nn.Conv2d(channels[0], 1, 3, padding=1), nn.Flatten()]
    return enc, channels[-1] * hs[-1] * ws[-1], dec


def main():
    folder, inputs, outputs = sys.argv[1:4]
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    cfg = cfg.get("model", cfg)
    enc, features, dec = networks(cfg)
    model = nn.Module()
    model.encoder = Encoder(enc, features, cfg.get("latentSize", 20))
    model.decoder = Decoder(dec)
    tensors = {k[len("model."):] if k.startswith("model.") else k: v for k, v in read_safetensors(f"{folder}/model.safetensors").items()}
    ours = {k: v for k, v in tensors.items() if k.startswith(("encoder.", "decoder."))}
    for name, value in ours.items():  # the workbench keeps the batch count as a float
        if name.endswith("num_batches_tracked"):
            ours[name] = value.long()
    model.load_state_dict(ours, strict=True)
    print("not loaded (not encoder or decoder):", sorted(set(tensors) - set(ours)), file=sys.stderr)
    model.eval()
    given = read_safetensors(inputs)
    with torch.no_grad():
        mean, log_variance = model.encoder(given["images"])
        logits = model.decoder(given["z"])
    write_safetensors(outputs, {"mean": mean, "log_variance": log_variance, "logits": logits})


if __name__ == "__main__":
    main()
