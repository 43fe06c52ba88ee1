#!/usr/bin/env python3
"""PyTorch CPU twin of cvxformer's convex stack (ConvexStack, the seed paper's multihead convex
transformer) for NnThroughput: token + position embeddings (vocab 99, n = 4, width 128), layers - 1 = 1
layer of
    x' = drop(W1 x W2)                  W1 (n x n) rows projected onto the simplex after every step
    x  = x' + drop(MLP(LN(x')))         ReLU MLP 4x with biases, pre-LN
then a final layer norm and the convex head, whose output is the logits (the paper's "the last
block outputs the class logits"; cvxformer's ConvexHead): s = sum_k w1_k x_k W2 with w1 a simplex
row of n and W2 d x c (97 classes); loss = mean cross-entropy + beta sum_j ||W2[:, j]||_2 per
convex block, the head's included (beta 1e-4); plain Adam (lr 1e-3, betas
0.9/0.999, coupled L2 weight decay 1e-6 on matrices); dropout 0; batch 32. Per epoch: one shuffled
training pass over the 4,656 training examples of mod-division p = 97 (50% split), then accuracy on
the full training and validation splits in evaluation mode. Prints seconds/epoch and samples/s.

Usage: /usr/bin/python3 scripts/torch_convex_stack.py [threads=2] [epochs=5] [dtype=float32|float64] [batch=32]
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_common import decay_groups, mod_division, time_epochs


def project_rows_to_simplex(w):
    """Euclidean projection of each row onto the probability simplex (Held et al.; sort-based)."""
    u, _ = torch.sort(w, dim=1, descending=True)
    css = u.cumsum(1) - 1
    k = torch.arange(1, w.shape[1] + 1, dtype=w.dtype)
    cond = u - css / k > 0
    rho = cond.to(w.dtype).cumsum(1).argmax(1, keepdim=True)  # last index where cond holds
    theta = css.gather(1, rho) / (rho + 1).to(w.dtype)
    return (w - theta).clamp_min(0)


class ConvexBlock(nn.Module):
    def __init__(self, n, d, p):
        super().__init__()
        self.w1_simplex = nn.Parameter(project_rows_to_simplex((1 + 0.1 * torch.randn(n, n)) / n))
        self.w2 = nn.Parameter(torch.randn(d, d) / d ** 0.5)
        self.drop = nn.Dropout(p)

    def forward(self, x):  # x: (B, n, d)
        return self.drop(torch.matmul(self.w1_simplex, x) @ self.w2)


class ConvexHead(nn.Module):
    def __init__(self, n, d, c):
        super().__init__()
        self.w1_simplex = nn.Parameter(project_rows_to_simplex((1 + 0.1 * torch.randn(1, n)) / n))
        self.w2 = nn.Parameter(torch.randn(d, c) / d ** 0.5)

    def forward(self, x):  # x: (B, n, d) -> logits (B, c)
        return torch.matmul(self.w1_simplex, x).squeeze(1) @ self.w2


class MlpBlock(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        return x + self.drop(self.fc2(F.relu(self.fc1(self.ln(x)))))


class ConvexStack(nn.Module):
    def __init__(self, vocab=99, n=4, d=128, layers=2, classes=97, p=0.0):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(n, d))
        self.convex = nn.ModuleList([ConvexBlock(n, d, p) for _ in range(layers - 1)])
        self.mlps = nn.ModuleList([MlpBlock(d, p) for _ in range(layers - 1)])
        self.lnf = nn.LayerNorm(d)
        self.head = ConvexHead(n, d, classes)

    def forward(self, t):
        x = self.tok(t) + self.pos
        for c, m in zip(self.convex, self.mlps):
            x = m(c(x))
        return self.head(self.lnf(x))

    def penalty(self, beta):
        return beta * sum(c.w2.norm(dim=0).sum() for c in [*self.convex, self.head])

    @torch.no_grad()
    def project(self):
        for c in [*self.convex, self.head]:
            c.w1_simplex.copy_(project_rows_to_simplex(c.w1_simplex))


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    dtype = getattr(torch, sys.argv[3]) if len(sys.argv) > 3 else torch.float32
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    data = mod_division()
    model = ConvexStack().to(dtype)
    opt = torch.optim.Adam(decay_groups(model, 1e-6), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    s, sps, tr, ev = time_epochs(model, opt, batch, epochs, data, loss_extra=lambda: model.penalty(1e-4),
                                 after_step=model.project)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"torch     convex-stack {str(dtype).replace('torch.', '')} threads={threads} batch={batch} "
          f"params={nparams}: {s:.3f} s/epoch ({epochs} epochs, median; {sps:.0f} samples/s over the epoch); "
          f"training {tr:.0f} samples/s; evaluation {ev:.0f} samples/s ({ev / tr:.1f}x training)")


if __name__ == "__main__":
    main()
