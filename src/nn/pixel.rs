use candle_core::{Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::{Autoencoder, FieldModel, ModelKind};
use crate::rng::Rng;

/// The paper's Task 5 model: an autoencoder whose 2-d latent z = (z_q, z_p) is moved by a
/// learned field — the HNN's J∇H or the baseline's direct prediction.
#[derive(Clone, Debug)]
pub struct PixelModel {
    pub kind: ModelKind,
    pub ae: Autoencoder,
    pub dynamics: FieldModel,
}

/// The loss terms of one batch.
#[derive(Clone, Debug)]
pub struct PixelLosses {
    /// ae + cc + hnn_weight · hnn, the quantity trained.
    pub total: Tensor,
    /// Reconstruction MSE of the input pair.
    pub ae: Tensor,
    /// (z_p − (z_q,next − z_q))²: makes z_p behave like a momentum.
    pub cc: Tensor,
    /// (z_next − (z + f(z)))²: one Euler step of one frame in latent space.
    pub hnn: Tensor,
}

/// Weight of the dynamics term, as in the reference code.
pub const HNN_WEIGHT: f64 = 0.1;

impl PixelModel {
    pub fn new(
        kind: ModelKind,
        varmap: &mut VarMap,
        vb: VarBuilder,
        input: usize,
        ae_hidden: usize,
        hidden: &[usize],
        rng: &mut Rng,
    ) -> Result<Self> {
        let ae = Autoencoder::new(varmap, vb.pp("ae"), input, ae_hidden, 2, rng)?;
        let dynamics = FieldModel::new(kind, varmap, vb.pp("dynamics"), 2, hidden, rng)?;
        Ok(Self { kind, ae, dynamics })
    }

    /// Loss terms for inputs `x` and the next inputs `x_next` (batch × 1568 each), each
    /// term the mean over batch and features as the reference's `.mean(1)` then `.mean()`.
    pub fn losses(&self, x: &Tensor, x_next: &Tensor) -> Result<PixelLosses> {
        let z = self.ae.encode(x)?;
        let z_next = self.ae.encode(x_next)?;
        let x_hat = self.ae.decode(&z)?;
        let ae = (x - x_hat)?.sqr()?.mean_all()?;
        let z_hat_next = (&z + self.dynamics.field(&z)?)?;
        let hnn = (&z_next - z_hat_next)?.sqr()?.mean_all()?;
        let (zq, zp) = (z.narrow(1, 0, 1)?, z.narrow(1, 1, 1)?);
        let zq_next = z_next.narrow(1, 0, 1)?;
        let cc = (zp - (zq_next - zq)?)?.sqr()?.mean_all()?;
        let total = ((&ae + &cc)? + (&hnn * HNN_WEIGHT)?)?;
        Ok(PixelLosses { total, ae, cc, hnn })
    }
}
