use candle_core::{DType, Device, Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

use super::Adam;
use crate::data::{Dataset, Scaling, Split};
use crate::nn::{FieldModel, FieldSnapshot, ModelKind};
use crate::rng::Rng;
use crate::scene::Scene;

/// The reference trainer on candle tensors (any device; the CUDA path). Autograd through the
/// explicit input gradient gives the HNN's parameter gradient.
pub struct CandleTrainer {
    pub kind: ModelKind,
    pub varmap: VarMap,
    pub model: FieldModel,
    pub scaling: Scaling,
    pub step: usize,
    opt: Adam,
    x: Tensor,
    y: Tensor,
    x_test: Tensor,
    y_test: Tensor,
}

/// States and targets of a split as (N, 2n) tensors in model units.
fn tensors(split: &Split, sc: &Scaling, dev: &Device) -> Result<(Tensor, Tensor)> {
    let d = split.dim;
    let x: Vec<f32> = split
        .states()
        .flat_map(|x| sc.to_model(x))
        .map(|v| v as f32)
        .collect();
    let y: Vec<f32> = split
        .dx
        .chunks_exact(d)
        .flat_map(|dx| sc.deriv_to_model(dx))
        .map(|v| v as f32)
        .collect();
    Ok((
        Tensor::from_vec(x, (split.len(), d), dev)?,
        Tensor::from_vec(y, (split.len(), d), dev)?,
    ))
}

impl CandleTrainer {
    pub fn new(kind: ModelKind, scene: &Scene, data: &Dataset, dev: &Device) -> Result<Self> {
        let scaling = Scaling::fit(&data.train);
        let mut varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, dev);
        let mut rng = Rng::new(scene.train.seed);
        let model = FieldModel::new(
            kind,
            &mut varmap,
            vb,
            data.train.dim,
            &scene.model.hidden,
            &mut rng,
        )?;
        let opt = Adam::new(
            varmap.all_vars(),
            scene.train.learning_rate,
            scene.train.weight_decay,
        )?;
        let (x, y) = tensors(&data.train, &scaling, dev)?;
        let (x_test, y_test) = tensors(&data.test, &scaling, dev)?;
        Ok(Self {
            kind,
            varmap,
            model,
            scaling,
            step: 0,
            opt,
            x,
            y,
            x_test,
            y_test,
        })
    }

    fn loss(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        self.model.mse(x, y)
    }

    /// One full-batch Adam step; returns the training loss before the step (model units).
    pub fn train_step(&mut self) -> Result<f32> {
        self.train_step_on(None)
    }

    /// One Adam step on the training rows `rows` (all of them for `None`).
    pub fn train_step_on(&mut self, rows: Option<&[u32]>) -> Result<f32> {
        let loss = match rows {
            None => self.loss(&self.x, &self.y)?,
            Some(r) => {
                let idx = Tensor::from_slice(r, r.len(), self.x.device())?;
                self.loss(
                    &self.x.index_select(&idx, 0)?,
                    &self.y.index_select(&idx, 0)?,
                )?
            }
        };
        let grads = loss.backward()?;
        self.opt.step(&grads)?;
        self.step += 1;
        loss.to_dtype(DType::F32)?.to_scalar::<f32>()
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        self.opt.lr = lr;
    }

    /// Test loss in model units (the CLI shows it; metrics in data units come from `eval`).
    pub fn test_loss(&self) -> Result<f32> {
        self.loss(&self.x_test, &self.y_test)?.to_scalar::<f32>()
    }

    pub fn snapshot(&self) -> Result<FieldSnapshot> {
        FieldSnapshot::new(&self.model, self.scaling.clone())
    }

    /// The training set as (N, 2n) f32 tensors in model units (shared with the fused trainer).
    pub fn train_tensors(&self) -> (&Tensor, &Tensor) {
        (&self.x, &self.y)
    }
    pub fn test_tensors(&self) -> (&Tensor, &Tensor) {
        (&self.x_test, &self.y_test)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::synthetic_dataset;
    use crate::scene::{DataSpec, SyntheticSpec};

    pub(crate) fn tiny_scene() -> Scene {
        let text = r#"Scene(name: "t", system: Spring(k: 1.0, m: 1.0),
            data: Synthetic((trajectories: 8, points: 10, noise_std: 0.0)),
            model: (hidden: [32, 32]), train: (steps: 200, learning_rate: 3e-3))"#;
        ron::from_str(text).unwrap()
    }

    fn data(scene: &Scene) -> Dataset {
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!()
        };
        synthetic_dataset(&scene.system, spec as &SyntheticSpec).unwrap()
    }

    #[test]
    fn both_models_learn_the_spring() {
        let scene = tiny_scene();
        let d = data(&scene);
        for kind in ModelKind::ALL {
            let mut t = CandleTrainer::new(kind, &scene, &d, &Device::Cpu).unwrap();
            let first = t.train_step().unwrap();
            for _ in 0..199 {
                t.train_step().unwrap();
            }
            let last = t.train_step().unwrap();
            assert!(last < 0.05 * first, "{kind:?}: loss {first} -> {last}");
            assert!(t.test_loss().unwrap() < 0.1 * first);
        }
    }

    #[test]
    fn same_seed_same_weights() {
        let scene = tiny_scene();
        let d = data(&scene);
        let run = || {
            let mut t = CandleTrainer::new(ModelKind::Hnn, &scene, &d, &Device::Cpu).unwrap();
            for _ in 0..5 {
                t.train_step().unwrap();
            }
            t.snapshot().unwrap()
        };
        assert_eq!(run(), run());
    }
}
