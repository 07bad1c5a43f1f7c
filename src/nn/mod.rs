//! Networks: a tanh MLP with its input gradient written out as tensor algebra, the HNN and
//! baseline built on it, and a plain-f64 copy of the weights for fast CPU inference.

mod autoencoder;
mod field;
mod init;
mod mlp;
mod pixel;
mod pixel_snapshot;
mod snapshot;

pub use autoencoder::{Autoencoder, ResidualMlp};
pub use field::{symplectic, FieldModel, ModelKind, DISSIPATION_PREFIX};
pub use init::orthogonal;
pub use mlp::{fresh, Layer, Mlp};
pub use pixel::{PixelLosses, PixelModel, HNN_WEIGHT};
pub use pixel_snapshot::{PixelSnapshot, ResidualWeights};
pub use snapshot::{FieldSnapshot, MlpWeights};

/// Every variable of a `VarMap` by name (what safetensors files and snapshots are made from).
pub fn named_tensors(
    varmap: &candle_nn::VarMap,
) -> std::collections::HashMap<String, candle_core::Tensor> {
    let data = varmap.data().lock().expect("varmap lock");
    data.iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
        .collect()
}

/// What the app and figures need of a trained model's dynamics, whatever its inputs: the
/// field it integrates and, for an HNN, the learned H, over states of 2n numbers. Implemented
/// by the low-dimensional snapshot (in data units) and the pixel snapshot (in latent units).
pub trait LearnedField: Send + Sync {
    /// Numbers in a state (2n).
    fn dim(&self) -> usize;
    fn field(&self, z: &[f64], dz: &mut [f64]);
    fn energy(&self, z: &[f64]) -> Option<f64>;
    /// Whether the field has a learned dissipative part (a D-HNN's ∇D).
    fn dissipates(&self) -> bool {
        false
    }
}

impl LearnedField for FieldSnapshot {
    fn dim(&self) -> usize {
        FieldSnapshot::dim(self)
    }
    fn field(&self, z: &[f64], dz: &mut [f64]) {
        self.field_into(z, dz)
    }
    fn energy(&self, z: &[f64]) -> Option<f64> {
        FieldSnapshot::energy(self, z)
    }
    fn dissipates(&self) -> bool {
        self.dissipation.is_some()
    }
}

impl LearnedField for PixelSnapshot {
    fn dim(&self) -> usize {
        2
    }
    fn field(&self, z: &[f64], dz: &mut [f64]) {
        dz.copy_from_slice(&PixelSnapshot::field(self, [z[0], z[1]]));
    }
    fn energy(&self, z: &[f64]) -> Option<f64> {
        PixelSnapshot::energy(self, [z[0], z[1]])
    }
}
