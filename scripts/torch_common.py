"""Shared pieces of the PyTorch twins of the neural benchmarks (NnThroughput): the mod-division
data set at p = 97 with a 50% split, and the per-epoch timing the Java trainer does (one shuffled
training pass with an optimizer step per batch, then accuracy on the full training and validation
splits in evaluation mode)."""
import statistics
import time

import torch


def mod_division(p=97, seed=0):
    """All (a, b), b != 0, as tokens [a, op=p, b, '=' = p+1] with label a / b mod p; a random
    half (torch generator with `seed`) for training. The split's content does not change the
    work, only its size (4,656 + 4,656 at p = 97), which matches the Java side."""
    a = torch.arange(p).repeat_interleave(p - 1)
    b = torch.arange(1, p).repeat(p)
    inv = torch.tensor([pow(int(x), p - 2, p) for x in range(p)])
    labels = (a * inv[b]) % p
    tokens = torch.stack([a, torch.full_like(a, p), b, torch.full_like(a, p + 1)], 1)
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(labels), generator=g)
    n_train = len(labels) // 2
    tr, va = order[:n_train], order[n_train:]
    return tokens[tr], labels[tr], tokens[va], labels[va]


def decay_groups(model, weight_decay):
    """Weight decay on matrices (embeddings and weights) only, as Optimizer.decayMask: not on
    biases, layer-norm parameters or the simplex-constrained W1."""
    decay, no_decay = [], []
    for name, prm in model.named_parameters():
        (decay if prm.dim() == 2 and not name.endswith("w1_simplex") else no_decay).append(prm)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def time_epochs(model, opt, batch, epochs, data, loss_extra=None, after_step=None, sched=None):
    """Median seconds per epoch over `epochs` timed epochs after one warm-up epoch; also the
    training pass and the accuracy passes timed on their own (median)."""
    x_tr, y_tr, x_va, y_va = data
    n = len(y_tr)
    ce = torch.nn.functional.cross_entropy
    per_epoch, train_t, eval_t = [], [], []
    for e in range(epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n)
        for b0 in range(0, n, batch):
            idx = perm[b0:b0 + batch]
            opt.zero_grad(set_to_none=True)
            loss = ce(model(x_tr[idx]), y_tr[idx])
            if loss_extra is not None:
                loss = loss + loss_extra()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            if after_step is not None:
                after_step()
        t1 = time.perf_counter()
        model.eval()
        with torch.no_grad():
            (model(x_tr).argmax(1) == y_tr).float().mean().item()
            (model(x_va).argmax(1) == y_va).float().mean().item()
        t2 = time.perf_counter()
        if e > 0:
            per_epoch.append(t2 - t0)
            train_t.append(t1 - t0)
            eval_t.append(t2 - t1)
    s = statistics.median(per_epoch)
    tr = n / statistics.median(train_t)
    ev = (len(y_tr) + len(y_va)) / statistics.median(eval_t)
    return s, (n + len(y_tr) + len(y_va)) / s, tr, ev
