"""PyTorch reference timing for `hnn-lab bench`: the paper's spring models (MLP 2-200-200-out,
tanh, orthogonal init), a full batch of 750 points, Adam(lr 1e-3, weight_decay 1e-4), the HNN's
input gradient by autograd with create_graph=True, as the reference code does; its two-body
models (MLP 8-200-200-out, minibatches of 200 drawn from 40 000 states, no weight decay); and the pixel
models (autoencoder 1568-200-200-200-2 with residual ReLU layers and its mirror, latent MLP
2-200-200-out), minibatch 200, loss ae + cc + 0.1 hnn, Adam(lr 1e-3, weight_decay 1e-5).

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
    n = g.shape[1] // 2
    return torch.cat([g[:, n:], -g[:, :n]], 1)


def bench(kind, steps, warmup, dim=2, rows=750, batch=None, wd=1e-4):
    torch.manual_seed(0)
    x = torch.randn(rows, dim)
    y = torch.randn(rows, dim)
    model = MLP(dim, 1 if kind == "hnn" else dim)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=wd)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        if batch is None:
            xb, yb = x, y
        else:
            ix = torch.randperm(rows)[:batch]
            xb, yb = x[ix], y[ix]
        pred = hnn_field(model, xb.clone()) if kind == "hnn" else model(xb)
        loss = (pred - yb).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


class AE(torch.nn.Module):
    def __init__(self, d=1568, h=200, z=2):
        super().__init__()
        self.e = torch.nn.ModuleList([torch.nn.Linear(d, h), torch.nn.Linear(h, h), torch.nn.Linear(h, h), torch.nn.Linear(h, z)])
        self.d = torch.nn.ModuleList([torch.nn.Linear(z, h), torch.nn.Linear(h, h), torch.nn.Linear(h, h), torch.nn.Linear(h, d)])
        for l in list(self.e) + list(self.d):
            torch.nn.init.orthogonal_(l.weight)

    @staticmethod
    def run(layers, x):
        h = torch.relu(layers[0](x))
        h = h + torch.relu(layers[1](h))
        h = h + torch.relu(layers[2](h))
        return layers[3](h)


def bench_pixel(kind, steps, warmup):
    torch.manual_seed(0)
    x = torch.rand(2000, 1568)
    xn = torch.rand(2000, 1568)
    ae = AE()
    dyn = MLP(2, 1 if kind == "hnn" else 2)
    opt = torch.optim.Adam(list(ae.parameters()) + list(dyn.parameters()), lr=1e-3, weight_decay=1e-5)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        ix = torch.randperm(2000)[:200]
        xb, xnb = x[ix], xn[ix]
        z = AE.run(ae.e, xb)
        zn = AE.run(ae.e, xnb)
        ae_loss = ((xb - AE.run(ae.d, z)) ** 2).mean()
        f = hnn_field(dyn, z) if kind == "hnn" else dyn(z)
        hnn_loss = ((zn - (z + f)) ** 2).mean()
        cc_loss = ((z[:, 1] - (zn[:, 0] - z[:, 0])) ** 2).mean()
        loss = ae_loss + cc_loss + 0.1 * hnn_loss
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
    for kind in ("hnn", "baseline"):
        out[f"two_body_{kind}_ms"] = bench(kind, a.steps, 20, dim=8, rows=40000, batch=200, wd=0.0)
    for kind in ("hnn", "baseline"):
        out[f"pixel_{kind}_ms"] = bench_pixel(kind, max(a.steps // 4, 10), 5)
    print(json.dumps(out))
