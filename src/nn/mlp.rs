use candle_core::{DType, Result, Tensor};
use candle_nn::{Init, VarBuilder, VarMap};

use crate::rng::Rng;

/// One affine layer, `x W + b` with W stored (in, out) so the forward pass needs no transpose.
#[derive(Clone, Debug)]
pub struct Layer {
    pub w: Tensor,
    pub b: Option<Tensor>,
}

/// A tanh MLP of any depth whose last layer is linear and has no bias (as the reference HNN).
#[derive(Clone, Debug)]
pub struct Mlp {
    pub layers: Vec<Layer>,
}

impl Layer {
    /// Creates `{name}.weight` (in, out) and optionally `{name}.bias` in `varmap` under `vb`'s
    /// prefix, initialised as PyTorch's `Linear` after `orthogonal_`: orthogonal weights and
    /// U(±1/√fan_in) biases.
    pub fn new(
        varmap: &mut VarMap,
        vb: &VarBuilder,
        name: &str,
        (fan_in, fan_out): (usize, usize),
        bias: bool,
        rng: &mut Rng,
    ) -> Result<Self> {
        let full = |p: &str| format!("{}{name}.{p}", prefix(vb));
        let w = vb
            .pp(name)
            .get_with_hints((fan_in, fan_out), "weight", Init::Const(0.0))?;
        // torch's weight is (out, in); orthogonalise that and store its transpose.
        let torch_w = super::orthogonal(fan_out, fan_in, rng);
        let mut ours = vec![0.0; fan_in * fan_out];
        for o in 0..fan_out {
            for k in 0..fan_in {
                ours[k * fan_out + o] = torch_w[o * fan_in + k];
            }
        }
        varmap.set_one(full("weight"), to_tensor(&ours, (fan_in, fan_out), vb)?)?;
        let b = if bias {
            let b = vb
                .pp(name)
                .get_with_hints(fan_out, "bias", Init::Const(0.0))?;
            let bound = 1.0 / (fan_in as f64).sqrt();
            let vals: Vec<f64> = (0..fan_out).map(|_| rng.range(-bound, bound)).collect();
            varmap.set_one(full("bias"), to_tensor(&vals, fan_out, vb)?)?;
            Some(b)
        } else {
            None
        };
        Ok(Self { w, b })
    }

    /// x W (+ b).
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let a = x.matmul(&self.w)?;
        match &self.b {
            Some(b) => a.broadcast_add(b),
            None => Ok(a),
        }
    }
}

impl Mlp {
    /// Creates the variables in `varmap` under `vb`'s prefix, as `l{i}.weight` / `l{i}.bias`.
    pub fn new(
        varmap: &mut VarMap,
        vb: VarBuilder,
        sizes: &[usize],
        rng: &mut Rng,
    ) -> Result<Self> {
        let n = sizes.len() - 1;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, pair)| {
                Layer::new(
                    varmap,
                    &vb,
                    &format!("l{i}"),
                    (pair[0], pair[1]),
                    i + 1 < n,
                    rng,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { layers })
    }

    pub fn out_dim(&self) -> usize {
        self.layers.last().map(|l| l.w.dims()[1]).unwrap_or(0)
    }

    /// Output and the hidden activations h_1..h_{L-1} (kept for the input gradient).
    pub fn forward_hidden(&self, x: &Tensor) -> Result<(Tensor, Vec<Tensor>)> {
        let mut h = x.clone();
        let mut hidden = Vec::with_capacity(self.layers.len() - 1);
        for layer in &self.layers[..self.layers.len() - 1] {
            h = layer.forward(&h)?.tanh()?;
            hidden.push(h.clone());
        }
        let out = h.matmul(&self.layers[self.layers.len() - 1].w)?;
        Ok((out, hidden))
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.forward_hidden(x)?.0)
    }

    /// ∇ₓ of a scalar-output MLP, batched, from ordinary tensor ops so one `backward()`
    /// differentiates it (candle's backward detaches, so double backprop is not available):
    /// δ_{L-1} = (1 − h_{L-1}²) ⊙ w_Lᵀ, δ_{k-1} = (1 − h_{k-1}²) ⊙ δ_k W_kᵀ, ∇ₓ = δ_1 W_1ᵀ.
    pub fn input_grad(&self, x: &Tensor) -> Result<Tensor> {
        assert_eq!(self.out_dim(), 1, "input_grad needs a scalar-output MLP");
        let (_, hidden) = self.forward_hidden(x)?;
        self.input_grad_from_hidden(&hidden)
    }

    /// The input gradient from a forward pass already made.
    pub fn input_grad_from_hidden(&self, hidden: &[Tensor]) -> Result<Tensor> {
        let l = self.layers.len();
        let w_last = self.layers[l - 1].w.t()?; // (1, n)
        let mut delta: Option<Tensor> = None;
        for k in (0..l - 1).rev() {
            let h = &hidden[k];
            let back = match &delta {
                None => w_last.clone(),
                Some(d) => d.matmul(&self.layers[k + 1].w.t()?)?,
            };
            let deriv = h.sqr()?.affine(-1.0, 1.0)?; // 1 − h²
            delta = Some(deriv.broadcast_mul(&back)?);
        }
        delta
            .expect("at least one hidden layer")
            .matmul(&self.layers[0].w.t()?)
    }
}

fn prefix(vb: &VarBuilder) -> String {
    let p = vb.prefix();
    if p.is_empty() {
        p
    } else {
        format!("{p}.")
    }
}

fn to_tensor(
    vals: &[f64],
    shape: impl Into<candle_core::Shape>,
    vb: &VarBuilder,
) -> Result<Tensor> {
    Tensor::from_slice(vals, shape, vb.device())?.to_dtype(vb.dtype())
}

/// Convenience for tests and tools: a fresh MLP with its own `VarMap`.
pub fn fresh(sizes: &[usize], dtype: DType, seed: u64) -> Result<(VarMap, Mlp)> {
    let mut varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, dtype, &candle_core::Device::Cpu);
    let mlp = Mlp::new(&mut varmap, vb, sizes, &mut Rng::new(seed))?;
    Ok((varmap, mlp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn input(vals: &[f64], n: usize) -> Tensor {
        Tensor::from_slice(vals, (vals.len() / n, n), &Device::Cpu).unwrap()
    }

    fn scalar_out(m: &Mlp, x: &[f64]) -> f64 {
        m.forward(&input(x, x.len()))
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap()[0]
    }

    /// ∇ₓH from the formula against central differences, f64, depths 1–3.
    #[test]
    fn input_gradient_matches_finite_differences() {
        for hidden in [vec![7], vec![20, 20], vec![16, 12, 9]] {
            let mut sizes = vec![3];
            sizes.extend(&hidden);
            sizes.push(1);
            let (_vm, m) = fresh(&sizes, DType::F64, 4).unwrap();
            let pts = [0.3, -0.8, 1.1, -1.2, 0.4, 0.05];
            let g = m
                .input_grad(&input(&pts, 3))
                .unwrap()
                .to_vec2::<f64>()
                .unwrap();
            for (row, x) in pts.chunks(3).enumerate() {
                for i in 0..3 {
                    let eps = 1e-6;
                    let (mut a, mut b) = (x.to_vec(), x.to_vec());
                    a[i] += eps;
                    b[i] -= eps;
                    let fd = (scalar_out(&m, &a) - scalar_out(&m, &b)) / (2.0 * eps);
                    assert!(
                        (fd - g[row][i]).abs() < 1e-8 * (1.0 + fd.abs()),
                        "{hidden:?} {i}: {fd} vs {}",
                        g[row][i]
                    );
                }
            }
        }
    }

    /// The gradient of a loss built on ∇ₓH with respect to every parameter, from one
    /// `backward()`, against central differences of the loss in each parameter.
    #[test]
    fn parameter_gradients_through_input_gradient_match_finite_differences() {
        let (varmap, m) = fresh(&[2, 6, 5, 1], DType::F64, 11).unwrap();
        let x = input(&[0.3, -0.8, 1.1, -1.2, 0.4, 0.05], 2);
        let target = input(&[0.5, 0.1, -0.3, 0.2, 0.0, 1.0], 2);
        let loss = |m: &Mlp| -> Tensor {
            (m.input_grad(&x).unwrap() - &target)
                .unwrap()
                .sqr()
                .unwrap()
                .mean_all()
                .unwrap()
        };
        let grads = loss(&m).backward().unwrap();
        let mut checked = 0;
        for var in varmap.all_vars() {
            let g = grads
                .get(var.as_tensor())
                .expect("every parameter gets a gradient");
            let g = g.flatten_all().unwrap().to_vec1::<f64>().unwrap();
            let base = var
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f64>()
                .unwrap();
            for i in 0..base.len() {
                let eps = 1e-6;
                let shift = |d: f64| {
                    let mut v = base.clone();
                    v[i] += d;
                    var.set(&Tensor::from_vec(v, var.shape(), &Device::Cpu).unwrap())
                        .unwrap();
                    let l = loss(&m).to_scalar::<f64>().unwrap();
                    var.set(&Tensor::from_vec(base.clone(), var.shape(), &Device::Cpu).unwrap())
                        .unwrap();
                    l
                };
                let fd = (shift(eps) - shift(-eps)) / (2.0 * eps);
                assert!(
                    (fd - g[i]).abs() < 1e-7 * (1.0 + fd.abs()),
                    "param {i}: fd {fd} vs {}",
                    g[i]
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 2 * 6 + 6 + 6 * 5 + 5 + 5);
    }

    #[test]
    fn architecture_and_names() {
        let (varmap, m) = fresh(&[2, 200, 200, 1], DType::F32, 0).unwrap();
        assert_eq!(m.layers.len(), 3);
        assert!(m.layers[2].b.is_none(), "last layer has no bias");
        let mut names: Vec<String> = varmap.data().lock().unwrap().keys().cloned().collect();
        names.sort();
        assert_eq!(
            names,
            vec!["l0.bias", "l0.weight", "l1.bias", "l1.weight", "l2.weight"]
        );
    }
}
