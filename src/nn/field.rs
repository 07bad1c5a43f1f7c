use candle_core::{Result, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::Mlp;
use crate::rng::Rng;

/// Which of the paper's two models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum ModelKind {
    /// MLP → scalar H, field J∇H.
    Hnn,
    /// MLP → ẋ directly.
    Baseline,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Hnn => "hnn",
            ModelKind::Baseline => "baseline",
        }
    }
    /// Layer sizes for a state of dimension `dim` and the given hidden widths.
    pub fn sizes(self, dim: usize, hidden: &[usize]) -> Vec<usize> {
        let mut s = vec![dim];
        s.extend(hidden);
        s.push(match self {
            ModelKind::Hnn => 1,
            ModelKind::Baseline => dim,
        });
        s
    }
}

/// A learned vector field over a batch of states (rows), in the model's scaled units.
#[derive(Clone, Debug)]
pub struct FieldModel {
    pub kind: ModelKind,
    pub mlp: Mlp,
}

impl FieldModel {
    pub fn new(
        kind: ModelKind,
        varmap: &mut VarMap,
        vb: VarBuilder,
        dim: usize,
        hidden: &[usize],
        rng: &mut Rng,
    ) -> Result<Self> {
        let mlp = Mlp::new(varmap, vb, &kind.sizes(dim, hidden), rng)?;
        Ok(Self { kind, mlp })
    }

    /// dx/dt for each row of `x` (batch × 2n, q first then p).
    pub fn field(&self, x: &Tensor) -> Result<Tensor> {
        match self.kind {
            ModelKind::Baseline => self.mlp.forward(x),
            ModelKind::Hnn => symplectic(&self.mlp.input_grad(x)?),
        }
    }
}

impl FieldModel {
    /// The training loss: mean squared error of the predicted derivatives, as
    /// `(pred - target).pow(2).mean()`.
    pub fn mse(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        (self.field(x)? - y)?.sqr()?.mean_all()
    }
}

/// J∇H with J = [[0, I], [−I, 0]]: (∂H/∂p, −∂H/∂q).
pub fn symplectic(grad: &Tensor) -> Result<Tensor> {
    let n = grad.dims()[1] / 2;
    let dq = grad.narrow(1, 0, n)?;
    let dp = grad.narrow(1, n, n)?;
    Tensor::cat(&[&dp, &dq.neg()?], 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    #[test]
    fn hnn_field_is_orthogonal_to_its_gradient() {
        let mut vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F64, &Device::Cpu);
        let m =
            FieldModel::new(ModelKind::Hnn, &mut vm, vb, 2, &[16, 16], &mut Rng::new(1)).unwrap();
        let x = Tensor::from_slice(&[0.1, 0.2, -1.0, 0.5], (2, 2), &Device::Cpu).unwrap();
        let f = m.field(&x).unwrap();
        let g = m.mlp.input_grad(&x).unwrap();
        // The flow moves along level sets of H: ∇H · J∇H = 0.
        let dots = (f * g).unwrap().sum(1).unwrap().to_vec1::<f64>().unwrap();
        assert!(dots.iter().all(|d| d.abs() < 1e-14), "{dots:?}");
    }

    #[test]
    fn baseline_outputs_state_dimension() {
        let mut vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
        let m =
            FieldModel::new(ModelKind::Baseline, &mut vm, vb, 2, &[8], &mut Rng::new(1)).unwrap();
        let x = Tensor::zeros((5, 2), DType::F32, &Device::Cpu).unwrap();
        assert_eq!(m.field(&x).unwrap().dims(), &[5, 2]);
    }
}
