use candle_core::{Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::Layer;
use crate::rng::Rng;

/// One half of the autoencoder: in → h (ReLU), then residual blocks h + ReLU(h W + b), then a
/// linear map to the output, as the reference `MLPAutoencoder`.
#[derive(Clone, Debug)]
pub struct ResidualMlp {
    pub layers: Vec<Layer>,
}

impl ResidualMlp {
    /// `blocks` residual layers between the input and output layers.
    pub fn new(
        varmap: &mut VarMap,
        vb: VarBuilder,
        (d_in, hidden, d_out): (usize, usize, usize),
        blocks: usize,
        rng: &mut Rng,
    ) -> Result<Self> {
        let mut layers = vec![Layer::new(varmap, &vb, "l0", (d_in, hidden), true, rng)?];
        for i in 0..blocks {
            layers.push(Layer::new(
                varmap,
                &vb,
                &format!("l{}", i + 1),
                (hidden, hidden),
                true,
                rng,
            )?);
        }
        layers.push(Layer::new(
            varmap,
            &vb,
            &format!("l{}", blocks + 1),
            (hidden, d_out),
            true,
            rng,
        )?);
        Ok(Self { layers })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let n = self.layers.len();
        let mut h = self.layers[0].forward(x)?.relu()?;
        for layer in &self.layers[1..n - 1] {
            h = (&h + layer.forward(&h)?.relu()?)?;
        }
        self.layers[n - 1].forward(&h)
    }
}

/// The pixel autoencoder: 1568 → 200 → 200 (+res) → 200 (+res) → 2 and back, so the latent
/// (z_q, z_p) is the HNN's phase space.
#[derive(Clone, Debug)]
pub struct Autoencoder {
    pub encoder: ResidualMlp,
    pub decoder: ResidualMlp,
}

impl Autoencoder {
    pub fn new(
        varmap: &mut VarMap,
        vb: VarBuilder,
        input: usize,
        hidden: usize,
        latent: usize,
        rng: &mut Rng,
    ) -> Result<Self> {
        let encoder = ResidualMlp::new(varmap, vb.pp("encoder"), (input, hidden, latent), 2, rng)?;
        let decoder = ResidualMlp::new(varmap, vb.pp("decoder"), (latent, hidden, input), 2, rng)?;
        Ok(Self { encoder, decoder })
    }
    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        self.encoder.forward(x)
    }
    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        self.decoder.forward(z)
    }
}
