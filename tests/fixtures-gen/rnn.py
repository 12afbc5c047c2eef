# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/rnn.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/rnn.safetensors)
"""PyTorch oracle for the recurrent layers and the embedding.

For each case the loss is L = sum(output * r_out) + sum(h_n * r_h) (+ sum(c_n * r_c) for the LSTM) with fixed random
r_*, so every output element's gradient matters. Stored per case: the parameters (PyTorch's names), the input, the
initial states, the outputs and the gradients of L with respect to all of them. The cases with lengths run through
pack_padded_sequence(enforce_sorted=False) / pad_packed_sequence(total_length=T).
"""
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

B, T, I, H, LAYERS = 3, 5, 4, 6, 2
LENGTHS = [5, 2, 4]


def run_network(kind, lengths, tensors, prefix):
    torch.manual_seed(11 if kind == "gru" else 12)
    cls = nn.GRU if kind == "gru" else nn.LSTM
    net = cls(I, H, num_layers=LAYERS, batch_first=True)
    x = torch.randn(B, T, I, requires_grad=True)
    h0 = torch.randn(LAYERS, B, H, requires_grad=True)
    c0 = torch.randn(LAYERS, B, H, requires_grad=True)
    r_out, r_h, r_c = torch.randn(B, T, H), torch.randn(LAYERS, B, H), torch.randn(LAYERS, B, H)
    state = h0 if kind == "gru" else (h0, c0)
    if lengths is None:
        out, final = net(x, state)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        packed_out, final = net(packed, state)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)
    h_n = final if kind == "gru" else final[0]
    loss = (out * r_out).sum() + (h_n * r_h).sum()
    if kind == "lstm":
        loss = loss + (final[1] * r_c).sum()
    loss.backward()
    for name, p in net.named_parameters():
        tensors[f"{prefix}.{name}"] = p
        tensors[f"{prefix}.grad.{name}"] = p.grad
    tensors.update({f"{prefix}.x": x, f"{prefix}.h0": h0, f"{prefix}.r_out": r_out, f"{prefix}.r_h": r_h,
                    f"{prefix}.out": out, f"{prefix}.h_n": h_n,
                    f"{prefix}.grad.x": x.grad, f"{prefix}.grad.h0": h0.grad})
    if kind == "lstm":
        tensors.update({f"{prefix}.c0": c0, f"{prefix}.r_c": r_c, f"{prefix}.c_n": final[1], f"{prefix}.grad.c0": c0.grad})


def run_cell(kind, tensors):
    torch.manual_seed(13 if kind == "gru" else 14)
    cell = nn.GRUCell(I, H) if kind == "gru" else nn.LSTMCell(I, H)
    x = torch.randn(B, I, requires_grad=True)
    h = torch.randn(B, H, requires_grad=True)
    c = torch.randn(B, H, requires_grad=True)
    r_h, r_c = torch.randn(B, H), torch.randn(B, H)
    prefix = f"{kind}_cell"
    if kind == "gru":
        h1 = cell(x, h)
        loss = (h1 * r_h).sum()
    else:
        h1, c1 = cell(x, (h, c))
        loss = (h1 * r_h).sum() + (c1 * r_c).sum()
    loss.backward()
    if kind == "lstm":
        tensors.update({f"{prefix}.c": c, f"{prefix}.r_c": r_c, f"{prefix}.c1": c1, f"{prefix}.grad.c": c.grad})
    for name, p in cell.named_parameters():
        tensors[f"{prefix}.{name}"] = p
        tensors[f"{prefix}.grad.{name}"] = p.grad
    tensors.update({f"{prefix}.x": x, f"{prefix}.h": h, f"{prefix}.r_h": r_h, f"{prefix}.h1": h1,
                    f"{prefix}.grad.x": x.grad, f"{prefix}.grad.h": h.grad})


def run_embedding(tensors):
    torch.manual_seed(15)
    emb = nn.Embedding(7, 3, padding_idx=2)
    weight = torch.randn(7, 3)  # a nonzero padding row, to show it is read but not trained
    with torch.no_grad():
        emb.weight.copy_(weight)
    ids = torch.tensor([[1, 2, 6, 1], [0, 2, 2, 5]])
    r = torch.randn(2, 4, 3)
    out = emb(ids)
    (out * r).sum().backward()
    tensors.update({"embedding.weight": weight, "embedding.ids": ids.float(), "embedding.r": r,
                    "embedding.out": out, "embedding.grad.weight": emb.weight.grad})


def main():
    tensors = {}
    for kind in ("gru", "lstm"):
        run_network(kind, None, tensors, f"{kind}.full")
        run_network(kind, LENGTHS, tensors, f"{kind}.lengths")
        run_cell(kind, tensors)
    run_embedding(tensors)
    meta = {"generator": f"PyTorch {torch.__version__}", "batch": B, "steps": T, "input": I, "hidden": H,
            "layers": LAYERS, "lengths": ",".join(map(str, LENGTHS)), "embedding_padding_idx": 2}
    save_safetensors(os.path.join(OUT_DIR, "rnn.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
