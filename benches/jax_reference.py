"""JAX reference timing for `hnn-lab bench`, the same models and steps as
`pytorch_reference.py`, each training step one `jax.jit`-compiled function on XLA:CPU: the
spring models (MLP 2-200-200-out, tanh, full batch of 750, Adam lr 1e-3 with PyTorch-style
coupled weight decay 1e-4), the two-body models (MLP 8-200-200-out, minibatches of 200 drawn
with replacement from 40 000 states, no weight decay), and the pixel models (autoencoder 1568-200-200-200-2 with
residual ReLU layers and its mirror, latent MLP, minibatch 200, loss ae + cc + 0.1 hnn, weight
decay 1e-5). The HNN's field is J∇H with ∇H from `jax.grad`, differentiated again by the
outer `jax.grad`.

XLA's intra-op threads ignore flags: run it under `taskset -c 0` for one thread.
Usage: python benches/jax_reference.py   (prints one JSON line)
"""
import argparse, json, os, statistics, time

import jax
import jax.numpy as jnp


def init_mlp(key, sizes):
    ortho = jax.nn.initializers.orthogonal()
    params = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        key, k1, k2 = jax.random.split(key, 3)
        w = ortho(k1, (a, b), jnp.float32)
        bias = None if i == len(sizes) - 2 else jax.random.uniform(k2, (b,), jnp.float32, -a ** -0.5, a ** -0.5)
        params.append((w, bias))
    return params


def mlp(params, x):
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    return x @ params[-1][0]


def hnn_field(params, x):
    g = jax.grad(lambda x: mlp(params, x).sum())(x)
    n = x.shape[1] // 2
    return jnp.concatenate([g[:, n:], -g[:, :n]], 1)


def adam(lr, wd):
    def update(params, grads, state, t):
        m, v = state
        grads = jax.tree_util.tree_map(lambda g, p: g + wd * p, grads, params)
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        bc1, bc2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - lr * (m / bc1) / (jnp.sqrt(v / bc2) + 1e-8), params, m, v)
        return params, (m, v)
    return update


def zeros_like(tree):
    return jax.tree_util.tree_map(jnp.zeros_like, tree)


def timed(step, state, steps, warmup):
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        state = step(state, i + 1)
        jax.block_until_ready(state)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench(kind, steps, warmup, dim=2, rows=750, batch=None, wd=1e-4):
    key = jax.random.PRNGKey(0)
    kx, ky, kp, kb = jax.random.split(key, 4)
    x = jax.random.normal(kx, (rows, dim))
    y = jax.random.normal(ky, (rows, dim))
    params = init_mlp(kp, [dim, 200, 200, 1 if kind == "hnn" else dim])
    upd = adam(1e-3, wd)

    def loss(params, xb, yb):
        pred = hnn_field(params, xb) if kind == "hnn" else mlp(params, xb)
        return ((pred - yb) ** 2).mean()

    @jax.jit
    def step(state, t):
        params, opt, key = state
        if batch is None:
            xb, yb = x, y
        else:
            # Drawn with replacement: a jitted permutation of 40 000 rows alone costs ~20 ms
            # on XLA:CPU, which would time the shuffle, not the network.
            key, sub = jax.random.split(key)
            ix = jax.random.randint(sub, (batch,), 0, rows)
            xb, yb = x[ix], y[ix]
        grads = jax.grad(loss)(params, xb, yb)
        params, opt = upd(params, grads, opt, t)
        return params, opt, key

    return timed(step, (params, (zeros_like(params), zeros_like(params)), kb), steps, warmup)


def init_ae(key, d=1568, h=200, z=2):
    ortho = jax.nn.initializers.orthogonal()
    def layers(key, sizes):
        out = []
        for a, b in sizes:
            key, k1, k2 = jax.random.split(key, 3)
            out.append((ortho(k1, (a, b), jnp.float32), jax.random.uniform(k2, (b,), jnp.float32, -a ** -0.5, a ** -0.5)))
        return out
    ke, kd = jax.random.split(key)
    return (layers(ke, [(d, h), (h, h), (h, h), (h, z)]), layers(kd, [(z, h), (h, h), (h, h), (h, d)]))


def run_ae(layers, x):
    h = jax.nn.relu(x @ layers[0][0] + layers[0][1])
    h = h + jax.nn.relu(h @ layers[1][0] + layers[1][1])
    h = h + jax.nn.relu(h @ layers[2][0] + layers[2][1])
    return h @ layers[3][0] + layers[3][1]


def bench_pixel(kind, steps, warmup):
    key = jax.random.PRNGKey(0)
    kx, kn, ka, kd, kb = jax.random.split(key, 5)
    x = jax.random.uniform(kx, (2000, 1568))
    xn = jax.random.uniform(kn, (2000, 1568))
    params = (init_ae(ka), init_mlp(kd, [2, 200, 200, 1 if kind == "hnn" else 2]))
    upd = adam(1e-3, 1e-5)

    def loss(params, xb, xnb):
        (enc, dec), dyn = params
        z, zn = run_ae(enc, xb), run_ae(enc, xnb)
        ae_loss = ((xb - run_ae(dec, z)) ** 2).mean()
        f = hnn_field(dyn, z) if kind == "hnn" else mlp(dyn, z)
        hnn_loss = ((zn - (z + f)) ** 2).mean()
        cc_loss = ((z[:, 1] - (zn[:, 0] - z[:, 0])) ** 2).mean()
        return ae_loss + cc_loss + 0.1 * hnn_loss

    @jax.jit
    def step(state, t):
        params, opt, key = state
        key, sub = jax.random.split(key)
        ix = jax.random.permutation(sub, 2000)[:200]
        grads = jax.grad(loss)(params, x[ix], xn[ix])
        params, opt = upd(params, grads, opt, t)
        return params, opt, key

    return timed(step, (params, (zeros_like(params), zeros_like(params)), kb), steps, warmup)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    a = ap.parse_args()
    out = {"jax": jax.__version__, "cpus": len(os.sched_getaffinity(0))}
    for kind in ("hnn", "baseline"):
        out[f"spring_{kind}_ms"] = bench(kind, a.steps, 20)
    for kind in ("hnn", "baseline"):
        out[f"two_body_{kind}_ms"] = bench(kind, a.steps, 20, dim=8, rows=40000, batch=200, wd=0.0)
    for kind in ("hnn", "baseline"):
        out[f"pixel_{kind}_ms"] = bench_pixel(kind, max(a.steps // 4, 10), 5)
    print(json.dumps(out))
