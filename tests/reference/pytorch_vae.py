#!/usr/bin/python3
"""PyTorch peer of the workbench's reference configuration (the classic PyTorch VAE example).

Run with Debian's PyTorch 1.13 (/usr/bin/python3, package python3-torch). With --architecture conv,
the peer of the workbench's convolutional VAE instead: conv 4x4 stride 2 padding 1, 1->32->64 (ReLU),
flatten to 64*7*7, linear heads to latent 20; the decoder mirrors it (linear to 64*7*7, ReLU, transposed
convolutions 64->32 (ReLU) ->1); Bernoulli likelihood, loss = mean over the batch of per-image
reconstruction + KL, as the workbench trains it. With --architecture conv-bn, the peer of the batch-norm conv VAE
(PyTorch-VAE's VanillaVAE shape, see ConvBnVAE), trained the same way. Four modes:

  train      train 784-400-20 (ReLU, Bernoulli, Adam 1e-3, batch 128, seed 1) on full Fashion-MNIST
             and print the test loss after every epoch (nats per image) and the seconds per epoch
  bench      time --epochs epochs of training only (no test pass) and print one JSON line
  serve      load the data, print {"ready": true}, then train one epoch per line read from stdin and
             print {"seconds": ...} after each (so a benchmark can interleave epochs with its own)
  crosscheck load a workbench checkpoint (safetensors) into the PyTorch model and print the
             test loss, to compare with `workbench eval`

For a fair speed comparison run as: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 ...
"""
import argparse, gzip, json, os, struct, sys, time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

DATA = os.environ.get("WORKBENCH_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz"))
    return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.fc4(F.relu(self.fc3(z))), mu, logvar


class ConvVAE(nn.Module):
    """The workbench's conv architecture with PyTorch's default initialisation (the scheme Init.cs copies)."""

    def __init__(self, latent=20):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.fc_mu = nn.Linear(64 * 7 * 7, latent)
        self.fc_logvar = nn.Linear(64 * 7 * 7, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1), nn.Flatten())

    def forward(self, x):
        h = self.encoder(x.view(-1, 1, 28, 28))
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decoder(z), mu, logvar


class ConvBnVAE(nn.Module):
    """The workbench's conv-bn architecture: PyTorch-VAE's VanillaVAE shape for 28x28 images (3x3 stride-2
    convolutions 1->32->64->128 each with BatchNorm2d and LeakyReLU, 28->14->7->4; linear heads from 128*4*4; the decoder
    a linear layer to 128*4*4, transposed convolutions 128->64->32 (output padding 0, 1: 4->7->14) and 32->32 (to 28)
    each with BatchNorm2d and LeakyReLU, and a 3x3 convolution to one channel of Bernoulli logits)."""

    def __init__(self, latent=20, channels=(32, 64, 128)):
        super().__init__()
        layers, previous = [], 1
        for c in channels:
            layers += [nn.Conv2d(previous, c, 3, stride=2, padding=1), nn.BatchNorm2d(c), nn.LeakyReLU()]
            previous = c
        self.encoder = nn.Sequential(*layers, nn.Flatten())
        self.fc_mu = nn.Linear(channels[-1] * 16, latent)
        self.fc_logvar = nn.Linear(channels[-1] * 16, latent)
        layers = [nn.Linear(latent, channels[-1] * 16), nn.Unflatten(1, (channels[-1], 4, 4))]
        for i, output_padding in zip(range(len(channels) - 1, 0, -1), (0, 1)):
            layers += [nn.ConvTranspose2d(channels[i], channels[i - 1], 3, stride=2, padding=1, output_padding=output_padding),
                       nn.BatchNorm2d(channels[i - 1]), nn.LeakyReLU()]
        layers += [nn.ConvTranspose2d(channels[0], channels[0], 3, stride=2, padding=1, output_padding=1),
                   nn.BatchNorm2d(channels[0]), nn.LeakyReLU(), nn.Conv2d(channels[0], 1, 3, padding=1), nn.Flatten()]
        self.decoder = nn.Sequential(*layers)

    def forward(self, x):
        h = self.encoder(x.view(-1, 1, 28, 28))
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decoder(z), mu, logvar


def loss_function(logits, x, mu, logvar):
    # The example's sigmoid + binary_cross_entropy, fused (same value, stable).
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def train_epoch(model, optimizer, data, batch_size, generator, per_image=False):
    model.train()
    order = torch.randperm(len(data), generator=generator)
    for start in range(0, len(data), batch_size):
        x = data[order[start:start + batch_size]]
        optimizer.zero_grad()
        logits, mu, logvar = model(x)
        loss = loss_function(logits, x, mu, logvar)
        if per_image:
            loss = loss / len(x)
        loss.backward()
        optimizer.step()


@torch.no_grad()
def test_loss(model, data, batch_size=500):
    model.eval()
    total = 0.0
    for start in range(0, len(data), batch_size):
        x = data[start:start + batch_size]
        logits, mu, logvar = model(x)
        total += loss_function(logits, x, mu, logvar).item()
    return total / len(data)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: dtype {info['dtype']}"
        begin, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy().reshape(info["shape"]))
    return tensors


# Workbench parameter names of the 784-400-20 MLP VAE → the PyTorch example's names.
NAME_MAP = {
    "encoder.0": "fc1", "encoder.fc_mu": "fc21", "encoder.fc_logvar": "fc22", "decoder.0": "fc3", "decoder.2": "fc4",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "bench", "serve", "crosscheck"])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--architecture", choices=["mlp", "conv", "conv-bn"], default="mlp")
    parser.add_argument("--limit", type=int, help="train on the first LIMIT training images only")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", help="crosscheck: a workbench checkpoint or parameters file")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    conv = args.architecture != "mlp"
    if conv and args.mode == "crosscheck":
        parser.error("crosscheck maps the 784-400-20 MLP's parameter names; use --architecture mlp")
    model = {"mlp": VAE, "conv": ConvVAE, "conv-bn": ConvBnVAE}[args.architecture]()

    if args.mode == "crosscheck":
        tensors = read_safetensors(args.checkpoint)
        state = {}
        for name, value in tensors.items():
            key = name[len("model."):] if name.startswith("model.") else name
            prefix, _, leaf = key.rpartition(".")
            if prefix in NAME_MAP:
                state[f"{NAME_MAP[prefix]}.{leaf}"] = value
        model.load_state_dict(state)
        print(json.dumps({"test_loss": test_loss(model, load("test")), "threads": torch.get_num_threads()}))
        return

    train = load("train")
    if args.limit:
        train = train[:args.limit]
    test = load("test") if args.mode == "train" else None
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(args.seed)
    if args.mode == "serve":
        print(json.dumps({"ready": True, "threads": torch.get_num_threads()}), flush=True)
        for _ in sys.stdin:
            start = time.perf_counter()
            train_epoch(model, optimizer, train, args.batch_size, generator, per_image=conv)
            print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
        return
    times = []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_epoch(model, optimizer, train, args.batch_size, generator, per_image=conv)
        times.append(time.perf_counter() - start)
        if test is not None:
            print(f"epoch {epoch}: test loss {test_loss(model, test):.3f} nats/image, {times[-1]:.2f} s", flush=True)
    print(json.dumps({"seconds_per_epoch": sorted(times)[len(times) // 2], "epochs": args.epochs,
                      "threads": torch.get_num_threads(), "architecture": args.architecture}))


if __name__ == "__main__":
    main()
