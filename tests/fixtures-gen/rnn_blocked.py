# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/rnn_blocked.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/rnn_blocked.safetensors)
"""PyTorch oracle for the recurrent layers at a batch large enough for the blocked path: the per-step product with
W_hh packed once per time loop and the batch shared out among threads in blocks of sequences (batch 50, hidden 24).

Same loss and stored tensors as rnn.py (L = sum(output * r_out) + sum(h_n * r_h) (+ sum(c_n * r_c)) with fixed
random r_*), one layer, an initial state, and lengths through pack_padded_sequence(enforce_sorted=False).
"""
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

B, T, I, H = 50, 4, 8, 24
LENGTHS = [1 + (b * 7) % T for b in range(B)]


def run_network(kind, tensors):
    torch.manual_seed(21 if kind == "gru" else 22)
    net = (nn.GRU if kind == "gru" else nn.LSTM)(I, H, batch_first=True)
    x = torch.randn(B, T, I, requires_grad=True)
    h0 = torch.randn(1, B, H, requires_grad=True)
    c0 = torch.randn(1, B, H, requires_grad=True)
    r_out, r_h, r_c = torch.randn(B, T, H), torch.randn(1, B, H), torch.randn(1, B, H)
    packed = pack_padded_sequence(x, torch.tensor(LENGTHS), batch_first=True, enforce_sorted=False)
    packed_out, final = net(packed, h0 if kind == "gru" else (h0, c0))
    out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)
    h_n = final if kind == "gru" else final[0]
    loss = (out * r_out).sum() + (h_n * r_h).sum()
    if kind == "lstm":
        loss = loss + (final[1] * r_c).sum()
    loss.backward()
    prefix = kind
    for name, p in net.named_parameters():
        tensors[f"{prefix}.{name}"] = p
        tensors[f"{prefix}.grad.{name}"] = p.grad
    tensors.update({f"{prefix}.x": x, f"{prefix}.h0": h0, f"{prefix}.r_out": r_out, f"{prefix}.r_h": r_h,
                    f"{prefix}.out": out, f"{prefix}.h_n": h_n,
                    f"{prefix}.grad.x": x.grad, f"{prefix}.grad.h0": h0.grad})
    if kind == "lstm":
        tensors.update({f"{prefix}.c0": c0, f"{prefix}.r_c": r_c, f"{prefix}.c_n": final[1], f"{prefix}.grad.c0": c0.grad})


def main():
    tensors = {}
    for kind in ("gru", "lstm"):
        run_network(kind, tensors)
    meta = {"generator": f"PyTorch {torch.__version__}", "batch": B, "steps": T, "input": I, "hidden": H,
            "lengths": ",".join(map(str, LENGTHS))}
    save_safetensors(os.path.join(OUT_DIR, "rnn_blocked.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
