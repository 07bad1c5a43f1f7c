use candle_core::{Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::Mlp;
use crate::rng::Rng;

pub use crate::scene::ModelKind;

/// The prefix of a D-HNN's dissipation network's variables (`d.l0.weight`, ...); its H
/// network's are named as an HNN's.
pub const DISSIPATION_PREFIX: &str = "d";

/// A learned vector field over a batch of states (rows), in the model's scaled units.
#[derive(Clone, Debug)]
pub struct FieldModel {
    pub kind: ModelKind,
    /// The baseline's MLP, or the (D-)HNN's H.
    pub mlp: Mlp,
    /// A D-HNN's dissipation potential D.
    pub dissipation: Option<Mlp>,
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
        let sizes = kind.sizes(dim, hidden);
        let mlp = Mlp::new(varmap, vb.clone(), &sizes, rng)?;
        // The H network draws first, so a D-HNN's H starts where the HNN of the same seed does.
        let dissipation = match kind {
            ModelKind::Dhnn => Some(Mlp::new(varmap, vb.pp(DISSIPATION_PREFIX), &sizes, rng)?),
            _ => None,
        };
        Ok(Self {
            kind,
            mlp,
            dissipation,
        })
    }

    /// dx/dt for each row of `x` (batch × 2n, q first then p).
    pub fn field(&self, x: &Tensor) -> Result<Tensor> {
        match (self.kind, &self.dissipation) {
            (ModelKind::Baseline, _) => self.mlp.forward(x),
            (ModelKind::Hnn, _) => symplectic(&self.mlp.input_grad(x)?),
            (ModelKind::Dhnn, Some(d)) => {
                symplectic(&self.mlp.input_grad(x)?)? + d.input_grad(x)?
            }
            (ModelKind::Dhnn, None) => Err(candle_core::Error::Msg(
                "a D-HNN without its dissipation network".into(),
            )),
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

    /// The D-HNN's field is J∇H + ∇D: the learned power ∇H · f equals ∇H · ∇D.
    #[test]
    fn dhnn_field_splits_into_conserving_and_dissipating_parts() {
        let mut vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F64, &Device::Cpu);
        let m =
            FieldModel::new(ModelKind::Dhnn, &mut vm, vb, 2, &[16, 16], &mut Rng::new(1)).unwrap();
        let x = Tensor::from_slice(&[0.1, 0.2, -1.0, 0.5], (2, 2), &Device::Cpu).unwrap();
        let f = m.field(&x).unwrap();
        let gh = m.mlp.input_grad(&x).unwrap();
        let gd = m.dissipation.as_ref().unwrap().input_grad(&x).unwrap();
        let a = (&f * &gh)
            .unwrap()
            .sum(1)
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        let b = (&gd * &gh)
            .unwrap()
            .sum(1)
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        for (a, b) in a.iter().zip(&b) {
            assert!((a - b).abs() < 1e-14 && b.abs() > 1e-6, "{a} vs {b}");
        }
        // Its H network starts as the HNN's of the same seed, and D is named under `d.`.
        let mut vm2 = VarMap::new();
        let vb2 = VarBuilder::from_varmap(&vm2, DType::F64, &Device::Cpu);
        let h = FieldModel::new(
            ModelKind::Hnn,
            &mut vm2,
            vb2,
            2,
            &[16, 16],
            &mut Rng::new(1),
        )
        .unwrap();
        let same = (h.mlp.layers[0].w.clone() - m.mlp.layers[0].w.clone())
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f64>()
            .unwrap();
        assert_eq!(same, 0.0);
        assert!(vm.data().lock().unwrap().contains_key("d.l0.weight"));
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
