# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/sequence_vae.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/sequence_vae.safetensors)
"""PyTorch oracle for the sequence VAE (Bowman et al. 2016) and its language-model baseline.

The model classes are those of the speed peer, tests/reference/pytorch_sequence_vae.py, imported unchanged. One small model
(V 11, E 5, H 6, L 3) and a padded batch of four sentences of lengths 5, 1, 3, 4 (padding 0 beyond each length), eps fixed,
word dropout off, beta 0.7: stored are the parameters (PyTorch's names), the batch, eps, mu and log sigma^2, the per-sentence
reconstruction, the loss, the mean reconstruction and KL, and the gradient of the loss with respect to every parameter.
The language model (same sizes) stores its parameters, per-sentence NLL, loss and gradients on the same batch.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402
from pytorch_sequence_vae import SequenceLanguageModel, SequenceVAE  # noqa: E402

V, E, H, L = 11, 5, 6, 3
LENGTHS = [5, 1, 3, 4]
BETA = 0.7


def batch():
    generator = torch.Generator().manual_seed(3)
    tokens = torch.zeros(len(LENGTHS), max(LENGTHS), dtype=torch.int64)
    for b, n in enumerate(LENGTHS):
        tokens[b, :n] = torch.randint(1, V, (n,), generator=generator)  # any id but padding, <unk> included
    return tokens, torch.tensor(LENGTHS)


def main():
    tensors = {}
    tokens, lengths = batch()
    tensors["tokens"] = tokens.float()
    tensors["lengths"] = lengths.float()

    torch.manual_seed(21)
    vae = SequenceVAE(V, E, H, L)
    eps = torch.randn(len(LENGTHS), L)
    out = vae(tokens, lengths, eps, beta=BETA, word_dropout=0.0)
    out["loss"].backward()
    with torch.no_grad():
        mu, logvar = vae.posterior(tokens, lengths)
        h0 = vae.to_hidden(mu + torch.exp(0.5 * logvar) * eps).unsqueeze(0)
        tensors["vae.rec_per_sentence"] = vae.decode(tokens, lengths, h0, 0.0)
    tensors.update({"eps": eps, "vae.mu": mu, "vae.logvar": logvar, "vae.loss": out["loss"], "vae.rec": out["rec"], "vae.kl": out["kl"]})
    for name, p in vae.named_parameters():
        tensors[f"vae.{name}"] = p
        tensors[f"vae.grad.{name}"] = p.grad

    torch.manual_seed(22)
    lm = SequenceLanguageModel(V, E, H)
    out = lm(tokens, lengths)
    out["loss"].backward()
    with torch.no_grad():
        tensors["lm.nll_per_sentence"] = lm.decode(tokens, lengths, None, 0.0)
    tensors["lm.loss"] = out["loss"]
    for name, p in lm.named_parameters():
        tensors[f"lm.{name}"] = p
        tensors[f"lm.grad.{name}"] = p.grad

    save_safetensors(os.path.join(OUT_DIR, "sequence_vae.safetensors"), tensors,
                     {"vocabulary": V, "embedding": E, "hidden": H, "latent": L, "beta": BETA, "torch": torch.__version__})


if __name__ == "__main__":
    main()
