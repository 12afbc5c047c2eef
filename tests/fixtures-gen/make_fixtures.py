# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/make_fixtures.py   (from the repository root; PyTorch 1.13)
"""PyTorch oracle fixtures for the Workbench tests.

Writes tests/Workbench.Tests/Fixtures/{vae_step,conv,adam}.safetensors. Everything is float32 and
seeded, so a rerun reproduces the same bytes. The safetensors files are written by hand (struct +
json) so the script needs nothing beyond PyTorch; the format is:
    u64 little-endian header length N | N bytes of JSON header padded with spaces to a multiple of 8 |
    raw little-endian tensor data, tensors laid out sorted by name.
Hyperparameters go in the header's "__metadata__" (string -> string).
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Workbench.Tests", "Fixtures")


def save_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> float32 tensor in the safetensors layout (sorted by name, as the reference does)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)")


class Vae(nn.Module):
    """The classic PyTorch examples VAE (Kingma & Welling 2014), decoder returning logits."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)


def make_vae_step():
    torch.manual_seed(0)
    model = Vae()
    x = torch.rand(8, 784)
    eps = torch.randn(8, 20)

    pre1 = model.fc1(x)                      # (8, 400)
    pre1.retain_grad()
    h1 = F.relu(pre1)
    mu = model.fc21(h1)                      # (8, 20)
    logvar = model.fc22(h1)                  # (8, 20)
    z = mu + eps * torch.exp(0.5 * logvar)   # (8, 20)
    h3 = F.relu(model.fc3(z))                # (8, 400)
    logits = model.fc4(h3)                   # (8, 784)
    logits.retain_grad()
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = bce + kl
    loss.backward()

    out = {name: p for name, p in model.state_dict().items()}
    out.update({"input": x, "eps": eps, "h1": h1, "mu": mu, "logvar": logvar, "z": z, "h3": h3, "logits": logits,
                "bce": bce, "kl": kl, "loss": loss})
    # The two 784x400 weight gradients would double the file; they are rank-8 products
    # (dL/dpre)^T @ layer input, so store the factors plus the first 16 rows of each verbatim.
    # Check here that the factorisation reproduces PyTorch's gradient.
    big = {"fc1.weight": (pre1.grad, x), "fc4.weight": (logits.grad, h3)}
    for name, p in model.named_parameters():
        if name in big:
            upstream, layer_input = big[name]
            rebuilt = upstream.double().t() @ layer_input.double()
            assert torch.allclose(rebuilt.float(), p.grad, rtol=1e-5, atol=1e-6), name
            out[f"grad.{name}.upstream"] = upstream
            out[f"grad.{name}.rows0to15"] = p.grad[:16]
        else:
            out[f"grad.{name}"] = p.grad
    save_safetensors(os.path.join(OUT_DIR, "vae_step.safetensors"), out,
                     {"model": "fc1 784->400, fc21/fc22 400->20, fc3 20->400, fc4 400->784, relu",
                      "loss": "bce_with_logits(sum) + kl(sum)", "torch": torch.__version__})


def make_conv():
    torch.manual_seed(1)
    out = {}
    # conv2d: (2, 3, 7, 7) -> (2, 4, 4, 4), k=3, stride 2, padding 1.
    x = torch.randn(2, 3, 7, 7, requires_grad=True)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
    y = conv(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    out.update({"conv2d.input": x, "conv2d.weight": conv.weight, "conv2d.bias": conv.bias, "conv2d.output": y,
                "conv2d.output_weights": r, "conv2d.grad.input": x.grad, "conv2d.grad.weight": conv.weight.grad,
                "conv2d.grad.bias": conv.bias.grad})
    # conv_transpose2d: (2, 4, 4, 4) -> (2, 3, 8 + output_padding, 8 + output_padding), k=4, stride 2, padding 1.
    for output_padding in (0, 1):
        prefix = f"conv_transpose2d.op{output_padding}"
        x = torch.randn(2, 4, 4, 4, requires_grad=True)
        deconv = nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1, output_padding=output_padding)
        y = deconv(x)
        r = torch.randn_like(y)
        (y * r).sum().backward()
        out.update({f"{prefix}.input": x, f"{prefix}.weight": deconv.weight, f"{prefix}.bias": deconv.bias,
                    f"{prefix}.output": y, f"{prefix}.output_weights": r, f"{prefix}.grad.input": x.grad,
                    f"{prefix}.grad.weight": deconv.weight.grad, f"{prefix}.grad.bias": deconv.bias.grad})
    save_safetensors(os.path.join(OUT_DIR, "conv.safetensors"), out,
                     {"conv2d": "stride 2, padding 1", "conv_transpose2d": "stride 2, padding 1, output_padding 0 and 1",
                      "loss": "sum(output * output_weights)", "torch": torch.__version__})


def run_optimizer(make, initial, grads):
    """Steps a fresh copy of `initial` with each gradient in turn; returns the parameter after each step."""
    p = nn.Parameter(initial.clone())
    opt = make([p])
    after = []
    for g in grads:
        opt.zero_grad()
        p.grad = g.clone()
        opt.step()
        after.append(p.detach().clone())
    return after


def make_optim():
    torch.manual_seed(2)
    initial = torch.randn(37)
    grads = [torch.randn(37) for _ in range(3)]
    out = {"param": initial}
    for i, g in enumerate(grads):
        out[f"grad.{i}"] = g
    meta = {"torch": torch.__version__}

    adam = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
    for i, p in enumerate(run_optimizer(lambda ps: torch.optim.Adam(ps, **adam), initial, grads)):
        out[f"adam.after.{i}"] = p
    meta["adam"] = json.dumps(adam)

    # eps comparable to sqrt(v) (small gradients), so where eps enters the denominator shows.
    small = [g * 0.01 for g in grads]
    adam_eps = dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-2, weight_decay=0.0)
    for i, p in enumerate(run_optimizer(lambda ps: torch.optim.Adam(ps, **adam_eps), initial, small)):
        out[f"adam_large_eps.after.{i}"] = p
    meta["adam_large_eps"] = json.dumps(adam_eps) + " on gradients grad.i * 0.01"

    for nesterov in (False, True):
        sgd = dict(lr=0.1, momentum=0.9, weight_decay=0.05, nesterov=nesterov)
        key = "sgd_nesterov" if nesterov else "sgd_momentum"
        for i, p in enumerate(run_optimizer(lambda ps: torch.optim.SGD(ps, **sgd), initial, grads)):
            out[f"{key}.after.{i}"] = p
        meta[key] = json.dumps(sgd)

    # clip_grad_norm_ over two tensors: one call that clips and one that leaves the gradients alone.
    for case, max_norm in (("clip", 1.5), ("noclip", 100.0)):
        a = nn.Parameter(torch.zeros(5, 3))
        b = nn.Parameter(torch.zeros(11))
        a.grad = torch.randn(5, 3)
        b.grad = torch.randn(11) * 0.5
        out[f"{case}.grad_a"] = a.grad.clone()
        out[f"{case}.grad_b"] = b.grad.clone()
        total = torch.nn.utils.clip_grad_norm_([a, b], max_norm)
        out[f"{case}.total_norm"] = total.reshape(())
        out[f"{case}.max_norm"] = torch.tensor(max_norm)
        out[f"{case}.clipped_a"] = a.grad.clone()
        out[f"{case}.clipped_b"] = b.grad.clone()
    save_safetensors(os.path.join(OUT_DIR, "adam.safetensors"), out, meta)


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.set_default_dtype(torch.float32)
    make_vae_step()
    make_conv()
    make_optim()
