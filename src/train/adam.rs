use candle_core::{backprop::GradStore, Result, Tensor, Var};

/// Adam as `torch.optim.Adam` with `weight_decay`: the decay is added to the gradient
/// (coupled L2), unlike AdamW, because that is what the reference code trained with.
pub struct Adam {
    vars: Vec<Var>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    pub lr: f64,
    pub weight_decay: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    t: i32,
}

impl Adam {
    pub fn new(vars: Vec<Var>, lr: f64, weight_decay: f64) -> Result<Self> {
        let m = vars
            .iter()
            .map(|v| v.zeros_like())
            .collect::<Result<Vec<_>>>()?;
        let v = vars
            .iter()
            .map(|v| v.zeros_like())
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            vars,
            m,
            v,
            lr,
            weight_decay,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            t: 0,
        })
    }

    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.t += 1;
        let bc1 = 1.0 - self.beta1.powi(self.t);
        let bc2 = 1.0 - self.beta2.powi(self.t);
        for ((var, m), v) in self
            .vars
            .iter()
            .zip(self.m.iter_mut())
            .zip(self.v.iter_mut())
        {
            let Some(g) = grads.get(var.as_tensor()) else {
                continue;
            };
            // Detached, or each moment would keep the previous step's graph alive and the
            // history would grow without bound.
            let theta = var.as_tensor().detach();
            let g = g.detach();
            let g = if self.weight_decay != 0.0 {
                (g + theta.affine(self.weight_decay, 0.0)?)?
            } else {
                g
            };
            *m = ((&*m * self.beta1)? + (&g * (1.0 - self.beta1))?)?.detach();
            *v = ((&*v * self.beta2)? + (g.sqr()? * (1.0 - self.beta2))?)?.detach();
            let denom = (v.affine(1.0 / bc2, 0.0)?.sqrt()? + self.eps)?;
            let update = (m.affine(self.lr / bc1, 0.0)? / denom)?;
            var.set(&(theta - update)?.detach())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    /// Two steps against values worked out by hand from the update rule.
    #[test]
    fn matches_hand_computed_steps() {
        let x = Var::new(&[1.0f64, -2.0], &Device::Cpu).unwrap();
        let mut opt = Adam::new(vec![x.clone()], 0.1, 0.5).unwrap();
        for _ in 0..2 {
            // loss = sum(x²) → grad 2x; with decay g = 2x + 0.5x = 2.5x.
            let loss = x.as_tensor().sqr().unwrap().sum_all().unwrap();
            opt.step(&loss.backward().unwrap()).unwrap();
        }
        // Step 1: m̂/√v̂ = sign(g) → x = (0.9, −1.9).
        // Step 2: g = 2.5x; m = 0.09·2.5·(1, −2) + 0.1·g; v = 0.000999... computed below.
        let mut want = [1.0f64, -2.0];
        let (mut m, mut v) = ([0.0f64; 2], [0.0f64; 2]);
        for t in 1..=2 {
            for i in 0..2 {
                let g = 2.5 * want[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                let mh = m[i] / (1.0 - 0.9f64.powi(t));
                let vh = v[i] / (1.0 - 0.999f64.powi(t));
                want[i] -= 0.1 * mh / (vh.sqrt() + 1e-8);
            }
        }
        assert!(
            (want[0] - 0.8).abs() < 0.02,
            "sanity of the hand computation: {want:?}"
        );
        let got = x
            .as_tensor()
            .to_dtype(DType::F64)
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        for i in 0..2 {
            assert!((got[i] - want[i]).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }
}
