"""PyTorch reference timing for `hnn-lab bench`: the paper's spring models (MLP 2-200-200-out,
tanh, orthogonal init), a full batch of 750 points, Adam(lr 1e-3, weight_decay 1e-4), the HNN's
input gradient by autograd with create_graph=True, as the reference code does.

Usage: python benches/pytorch_reference.py --threads 1   (prints one JSON line)
"""
import argparse, json, statistics, time

import torch


class MLP(torch.nn.Module):
    def __init__(self, d_in, d_out, hidden=200):
        super().__init__()
        self.l1 = torch.nn.Linear(d_in, hidden)
        self.l2 = torch.nn.Linear(hidden, hidden)
        self.l3 = torch.nn.Linear(hidden, d_out, bias=False)
        for l in (self.l1, self.l2, self.l3):
            torch.nn.init.orthogonal_(l.weight)

    def forward(self, x):
        return self.l3(torch.tanh(self.l2(torch.tanh(self.l1(x)))))


def hnn_field(model, x):
    x = x.requires_grad_(True)
    h = model(x).sum()
    g = torch.autograd.grad(h, x, create_graph=True)[0]
    return torch.cat([g[:, 1:], -g[:, :1]], 1)


def bench(kind, steps, warmup):
    torch.manual_seed(0)
    x = torch.randn(750, 2)
    y = torch.randn(750, 2)
    model = MLP(2, 1 if kind == "hnn" else 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        pred = hnn_field(model, x.clone()) if kind == "hnn" else model(x)
        loss = (pred - y).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=200)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = {"threads": a.threads, "torch": torch.__version__}
    for kind in ("hnn", "baseline"):
        out[f"spring_{kind}_ms"] = bench(kind, a.steps, 20)
    print(json.dumps(out))
