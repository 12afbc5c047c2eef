#!/usr/bin/python3
"""PyTorch 1.13 peer of the workbench's sequence VAE (Bowman et al. 2016, "Generating sentences from a continuous space").

The model classes are importable (the parity fixture generator tests/fixtures-gen/sequence_vae.py uses them):

  SequenceVAE(V, E, H, L)            forward(tokens, lengths, eps, beta, word_dropout) -> {"loss", "rec", "kl"}
  SequenceLanguageModel(V, E, H)     forward(tokens, lengths, word_dropout) -> {"loss", "rec", "kl"} (kl = 0)

tokens (B, T) int64 are the sentences' ids WITHOUT <s>/</s>, padded with 0 beyond each length; lengths (B,) >= 1.
Reserved ids: PAD = 0, UNK = 1, BOS = 2 (<s>), EOS = 3 (</s>).

  embedding      Embedding(V, E), shared by encoder and decoder
  encoder        GRU(E, H) over w1..wn (packed by length); its final state (B, H)
  to_posterior   Linear(H, 2L): the first L outputs are mu, the last L log sigma^2
  z              mu + sigma * eps, eps (B, L) given by the caller
  to_hidden      Linear(L, H): the decoder's initial state h0 = to_hidden(z)
  decoder        GRU(E, H) over <s> w1..wn (length n + 1, packed); in training each input except <s> is replaced by
                 <unk> with probability word_dropout (torch.rand, off when word_dropout = 0 or in eval mode)
  output         Linear(H, V): logits; cross-entropy against w1..wn </s>, summed over the n + 1 steps of each sentence
                 (computed on the packed steps only: the same as masking the padding)
  loss           mean over the batch of rec + beta * KL(q || N(0, I)); rec and kl are batch means too (nats/sentence)

The language-model baseline is the same embedding, decoder and output with h0 = 0.

Modes (the speed peer of `workbench bench epoch --architecture sequence`):
  serve   read the training sentences from stdin ("sentences N V", then N lines of token ids), build the model
          (default sizes E 128, H 192, L 32, Adam 1e-3, beta 1, word dropout 0.25, gradient norm clipped at 5), print
          {"ready": true}; then for
          each line "epoch K" read K lines of dataset indices (one batch each, in training order), train on those
          batches and print {"seconds": ...}, so the benchmark's epochs and the peer's use the same batches
  bench   train --epochs epochs on a synthetic corpus (--sentences sentences of 1..20 tokens, vocabulary --vocabulary,
          batch 64) and print the median seconds per epoch: the model's speed without the workbench

For a fair speed comparison run as: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (or 2) /usr/bin/python3 ...
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def decoder_io(tokens, lengths):
    """Decoder inputs <s> w1..wn and targets w1..wn </s>, both (B, T + 1), padded with PAD beyond n + 1."""
    batch, steps = tokens.shape
    inputs = torch.cat([torch.full((batch, 1), BOS, dtype=tokens.dtype), tokens], dim=1)
    targets = torch.cat([tokens, torch.full((batch, 1), PAD, dtype=tokens.dtype)], dim=1)
    targets[torch.arange(batch), lengths] = EOS
    return inputs, targets


def word_dropout_inputs(inputs, lengths, p):
    """Each input w1..wn (not <s>, not padding) replaced by <unk> with probability p, drawn with torch.rand."""
    if p <= 0:
        return inputs
    positions = torch.arange(inputs.shape[1]).unsqueeze(0)
    drop = (torch.rand(inputs.shape) < p) & (positions >= 1) & (positions <= lengths.unsqueeze(1))
    return inputs.masked_fill(drop, UNK)


class SequenceDecoder(nn.Module):
    """Embedding → GRU decoder from an initial state → Linear(H, V); the reconstruction term per sentence.

    The output layer and the cross-entropy run on the packed steps only (the sum of n + 1 over the batch, not B·(T + 1)):
    the same values as masking the padded positions, without computing logits that the mask would discard."""

    def decode(self, tokens, lengths, h0, word_dropout):
        inputs, targets = decoder_io(tokens, lengths)
        if self.training:
            inputs = word_dropout_inputs(inputs, lengths, word_dropout)
        steps = lengths + 1
        packed = pack_padded_sequence(self.embedding(inputs), steps.cpu(), batch_first=True, enforce_sorted=False)
        hidden, _ = self.decoder(packed, h0)  # packed: hidden.data (sum of n + 1, H)
        packed_targets = pack_padded_sequence(targets, steps.cpu(), batch_first=True, enforce_sorted=False)
        nll = F.cross_entropy(self.output(hidden.data), packed_targets.data, reduction="none")  # nats per predicted word
        per_step, _ = pad_packed_sequence(hidden._replace(data=nll.unsqueeze(1)), batch_first=True)  # (B, T + 1, 1), zero-padded
        return per_step.sum(dim=(1, 2))  # (B,) nats per sentence


class SequenceVAE(SequenceDecoder):
    def __init__(self, V, E=128, H=192, L=32):
        super().__init__()
        self.latent = L
        self.embedding = nn.Embedding(V, E)
        self.encoder = nn.GRU(E, H, batch_first=True)
        self.to_posterior = nn.Linear(H, 2 * L)
        self.to_hidden = nn.Linear(L, H)
        self.decoder = nn.GRU(E, H, batch_first=True)
        self.output = nn.Linear(H, V)

    def posterior(self, tokens, lengths):
        """mu, log sigma^2 (B, L) of q(z|x)."""
        packed = pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, final = self.encoder(packed)  # (1, B, H)
        stats = self.to_posterior(final[0])
        return stats[:, :self.latent], stats[:, self.latent:]

    def forward(self, tokens, lengths, eps, beta=1.0, word_dropout=0.0):
        mu, logvar = self.posterior(tokens, lengths)
        z = mu + torch.exp(0.5 * logvar) * eps
        h0 = self.to_hidden(z).unsqueeze(0)  # (1, B, H)
        rec = self.decode(tokens, lengths, h0, word_dropout)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)
        return {"loss": (rec + beta * kl).mean(), "rec": rec.mean(), "kl": kl.mean()}


class SequenceLanguageModel(SequenceDecoder):
    def __init__(self, V, E=128, H=192):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.decoder = nn.GRU(E, H, batch_first=True)
        self.output = nn.Linear(H, V)

    def forward(self, tokens, lengths, word_dropout=0.0):
        rec = self.decode(tokens, lengths, None, word_dropout)
        return {"loss": rec.mean(), "rec": rec.mean(), "kl": torch.zeros(())}


class Batches:
    """The training sentences as one padded (N, longest) matrix, from which a batch of indices is cut."""

    def __init__(self, sentences):
        self.lengths = torch.tensor([len(s) for s in sentences], dtype=torch.int64)
        padded = np.zeros((len(sentences), max(len(s) for s in sentences)), dtype=np.int64)
        for i, s in enumerate(sentences):
            padded[i, :len(s)] = s
        self.padded = torch.from_numpy(padded)

    def batch(self, indices):
        lengths = self.lengths[indices]
        return self.padded[indices, :int(lengths.max())], lengths


def train_epoch(model, optimizer, data, batches, beta, word_dropout, clip):
    """One step per batch of dataset indices: Adam on the batch-mean loss, the gradients' global norm clipped at clip."""
    model.train()
    for indices in batches:
        tokens, lengths = data.batch(indices)
        eps = torch.randn(len(indices), model.latent)
        optimizer.zero_grad()
        model(tokens, lengths, eps, beta, word_dropout)["loss"].backward()
        if clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()


def synthetic_corpus(count, vocabulary, generator):
    """Sentences of 1..20 tokens (about 10 on average) of ids 4..V-1: the shapes of the WordNet corpus."""
    lengths = torch.randint(1, 21, (count,), generator=generator)
    return [torch.randint(4, vocabulary, (int(n),), generator=generator).tolist() for n in lengths]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["serve", "bench"])
    parser.add_argument("--embedding", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=192)
    parser.add_argument("--latent", type=int, default=32)
    parser.add_argument("--beta", type=float, default=1.0)
    parser.add_argument("--word-dropout", type=float, default=0.25)
    parser.add_argument("--clip", type=float, default=5.0, help="global gradient norm limit (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3, help="bench: timed epochs after one warm-up")
    parser.add_argument("--sentences", type=int, default=20000, help="bench: synthetic sentences")
    parser.add_argument("--vocabulary", type=int, default=5000, help="bench: synthetic vocabulary size")
    parser.add_argument("--batch-size", type=int, default=64, help="bench: sentences per batch")
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    if args.mode == "serve":
        header = sys.stdin.readline().split()
        if len(header) != 3 or header[0] != "sentences":
            sys.exit(f"expected 'sentences N V', got {' '.join(header)!r}")
        count, vocabulary = int(header[1]), int(header[2])
        sentences = [[int(t) for t in sys.stdin.readline().split()] for _ in range(count)]
    else:
        vocabulary = args.vocabulary
        sentences = synthetic_corpus(args.sentences, vocabulary, torch.Generator().manual_seed(args.seed))
    data = Batches(sentences)
    model = SequenceVAE(vocabulary, args.embedding, args.hidden, args.latent)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    if args.mode == "serve":
        print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "sentences": len(sentences),
                          "tokens": int(data.lengths.sum())}), flush=True)
        for line in sys.stdin:
            parts = line.split()
            if len(parts) != 2 or parts[0] != "epoch":
                sys.exit(f"expected 'epoch K', got {line.strip()!r}")
            batches = [torch.tensor([int(t) for t in sys.stdin.readline().split()], dtype=torch.int64) for _ in range(int(parts[1]))]
            start = time.perf_counter()
            train_epoch(model, optimizer, data, batches, args.beta, args.word_dropout, args.clip)
            print(json.dumps({"seconds": time.perf_counter() - start, "batches": len(batches),
                              "tokens": int(sum(int(data.lengths[b].sum()) for b in batches))}), flush=True)
        return
    generator = torch.Generator().manual_seed(args.seed)
    times = []
    for _ in range(args.epochs + 1):
        order = torch.randperm(len(sentences), generator=generator)
        batches = [order[i:i + args.batch_size] for i in range(0, len(sentences), args.batch_size)]
        start = time.perf_counter()
        train_epoch(model, optimizer, data, batches, args.beta, args.word_dropout, args.clip)
        times.append(time.perf_counter() - start)
    timed = sorted(times[1:])
    print(json.dumps({"seconds_per_epoch": timed[len(timed) // 2], "epochs": timed, "threads": torch.get_num_threads(),
                      "sentences": len(sentences), "vocabulary": vocabulary}))


if __name__ == "__main__":
    main()
