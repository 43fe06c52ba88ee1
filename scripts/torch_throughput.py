#!/usr/bin/env python3
"""PyTorch CPU reference for NnThroughput: the same pre-LN grokking transformer (width 128, 2 layers,
single-head causal attention without q/k/v/o biases, ReLU MLP 4x, dropout 0.2 on residual branches,
final LN, readout of the last position), batch 512, n = 4, vocab 99, 97 classes, one
forward + backward + AdamW(lr 1e-3, betas 0.9/0.98, wd 1) step. Prints median samples/s.

Usage: /usr/bin/python3 scripts/torch_throughput.py [threads=2] [steps=30] [dtype=float64|float32] [mode=step|epoch]

mode=epoch (what NnThroughput measures; `steps` is then the number of timed epochs): per epoch,
one shuffled training pass over the 4,656 training examples of mod-division p = 97 (50% split) at
batch 512, AdamW on matrices only with 10 warm-up steps, then accuracy on the full training and
validation splits in evaluation mode. Prints seconds/epoch and samples/s.
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        n, d = x.shape[1], x.shape[2]
        a = self.ln1(x)
        q, k, v = self.wq(a), self.wk(a), self.wv(a)
        s = q @ k.transpose(1, 2) / math.sqrt(d)
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), 1)
        s = s.masked_fill(mask, float("-inf"))
        x = x + self.drop(self.wo(torch.softmax(s, dim=-1) @ v))
        return x + self.drop(self.fc2(F.relu(self.fc1(self.ln2(x)))))


class Net(nn.Module):
    def __init__(self, vocab=99, n=4, d=128, layers=2, classes=97, p=0.2):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(n, d))
        self.blocks = nn.ModuleList([Block(d, p) for _ in range(layers)])
        self.lnf = nn.LayerNorm(d)
        self.out = nn.Linear(d, classes)

    def forward(self, t):
        x = self.tok(t) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.out(self.lnf(x[:, -1]))


def epochs_main(threads, epochs, dtype):
    from torch_common import decay_groups, mod_division, time_epochs
    data = mod_division()
    model = Net().to(dtype)
    opt = torch.optim.AdamW(decay_groups(model, 1.0), lr=1e-3, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: min(1.0, (t + 1) / 10))
    s, sps, tr, ev = time_epochs(model, opt, 512, epochs, data, sched=sched)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"torch     nonconvex    {str(dtype).replace('torch.', '')} threads={threads} batch=512 params={nparams}: "
          f"{s:.3f} s/epoch ({epochs} epochs, median; {sps:.0f} samples/s over the epoch); training {tr:.0f} "
          f"samples/s; evaluation {ev:.0f} samples/s ({ev / tr:.1f}x training)")


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    dtype = getattr(torch, sys.argv[3]) if len(sys.argv) > 3 else torch.float64
    mode = sys.argv[4] if len(sys.argv) > 4 else "step"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if mode == "epoch":
        epochs_main(threads, steps, dtype)
        return
    if mode != "step":
        print(f"mode '{mode}': expected step or epoch", file=sys.stderr)
        sys.exit(2)
    batch = 512
    model = Net().to(dtype)
    a = torch.randint(0, 97, (batch,))
    b = torch.randint(0, 97, (batch,))
    tokens = torch.stack([a, torch.full_like(a, 97), b, torch.full_like(a, 98)], 1)
    labels = torch.randint(0, 97, (batch,))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=1.0)
    times = []
    for s in range(10 + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        if s >= 10:
            times.append(t1 - t0)
    times.sort()
    med = times[len(times) // 2]
    nparams = sum(p.numel() for p in model.parameters())
    print(f"torch {torch.__version__} {dtype} params={nparams} threads={threads} batch={batch} "
          f"median step {med:.4f} s -> {batch / med:.0f} samples/s (min {times[0]:.4f} s)")


if __name__ == "__main__":
    main()
