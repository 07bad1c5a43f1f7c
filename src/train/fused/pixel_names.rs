//! The fused pixel model's parameters and gradients under the names candle's model gives
//! them (`ae.encoder.l{i}.*`, `ae.decoder.*`, `dynamics.*`, a D-HNN's `dynamics.d.*`): what
//! a model file stores and what the tests compare against autograd.

use super::FusedPixel;
use crate::train::LossValues;

impl FusedPixel {
    /// The gradient of the loss, named like the parameters (for tests against autograd).
    pub fn named_gradient(
        &mut self,
        x: &[f32],
        xn: &[f32],
    ) -> (LossValues, Vec<(String, Vec<f32>)>) {
        let l = self.gradient(x, xn);
        // Fold every thread's partial gradient into the first chunk's (tests only).
        let (first, rest) = self.chunks.split_at_mut(1);
        for c in rest.iter() {
            first[0].add_gradients(c);
        }
        let c = &self.chunks[0];
        let mut out = Vec::new();
        for (half, g) in [("encoder", &c.g_enc), ("decoder", &c.g_dec)] {
            for i in 0..g.shapes.len() {
                out.push((format!("ae.{half}.l{i}.weight"), g.w[i].clone()));
                out.push((format!("ae.{half}.l{i}.bias"), g.b[i].clone()));
            }
        }
        let d_prefix = format!("dynamics.{}.", crate::nn::DISSIPATION_PREFIX);
        let nets = std::iter::once(("dynamics.", &c.dynamics.grad))
            .chain(c.dissipation.iter().map(|w| (d_prefix.as_str(), &w.grad)));
        for (prefix, gd) in nets {
            for (i, w) in gd.w.iter().enumerate() {
                out.push((format!("{prefix}l{i}.weight"), w.clone()));
            }
            for (i, b) in gd.b.iter().enumerate() {
                out.push((format!("{prefix}l{i}.bias"), b.clone()));
            }
        }
        (l, out)
    }

    /// Named tensors as the candle model names them (`ae.encoder.l{i}.*`, `ae.decoder.*`,
    /// `dynamics.*`).
    pub fn named(&self) -> Vec<(String, Vec<usize>, &[f32])> {
        let mut out = Vec::new();
        for (half, p) in [("encoder", &self.enc), ("decoder", &self.dec)] {
            for (i, (a, b)) in p.shapes.iter().enumerate() {
                out.push((format!("ae.{half}.l{i}.weight"), vec![*a, *b], &p.w[i][..]));
                out.push((format!("ae.{half}.l{i}.bias"), vec![*b], &p.b[i][..]));
            }
        }
        let d_prefix = format!("dynamics.{}.", crate::nn::DISSIPATION_PREFIX);
        let nets = std::iter::once(("dynamics.".to_string(), &self.dynamics))
            .chain(self.dissipation.iter().map(|p| (d_prefix.clone(), p)));
        for (prefix, p) in nets {
            let s = &p.sizes;
            for (i, w) in p.w.iter().enumerate() {
                out.push((format!("{prefix}l{i}.weight"), vec![s[i], s[i + 1]], &w[..]));
            }
            for (i, b) in p.b.iter().enumerate() {
                out.push((format!("{prefix}l{i}.bias"), vec![s[i + 1]], &b[..]));
            }
        }
        out
    }
}
