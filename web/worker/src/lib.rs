//! hnn-lab's science core for a Web Worker: a page cannot train on its own thread without
//! freezing, and a browser has no shared-memory threads on stable Rust, so the trainer runs in
//! a worker of its own, driven by messages, as the native app's training thread is. This module
//! is what the worker's script calls: build a trainer from a scene's text, take steps, read
//! the loss and the weights.

use std::path::Path;

use hnn_lab::data::load_dataset;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;
use hnn_lab::train::Trainer;
use wasm_bindgen::prelude::*;

/// One model of a (q, p) scene, training.
#[wasm_bindgen]
pub struct WebTrainer {
    trainer: Trainer,
    last_loss: f64,
}

fn js(e: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{e:#}"))
}

#[wasm_bindgen]
impl WebTrainer {
    /// A trainer for `kind` ("hnn" or "baseline") on the scene whose RON text is `scene`
    /// (`name` stands for its file in errors); its data are made here, as natively.
    #[wasm_bindgen(constructor)]
    pub fn new(scene: &str, name: &str, kind: &str) -> Result<WebTrainer, JsError> {
        let kind = match kind {
            "hnn" => ModelKind::Hnn,
            "baseline" => ModelKind::Baseline,
            other => {
                return Err(JsError::new(&format!(
                    "model kind {other:?}: expected \"hnn\" or \"baseline\""
                )))
            }
        };
        let scene = Scene::from_text(scene, Path::new(name)).map_err(js)?;
        let data = load_dataset(&scene, None).map_err(js)?;
        let dev = hnn_lab::device::select("cpu").map_err(js)?;
        let trainer = Trainer::new(kind, &scene, &data, &dev).map_err(js)?;
        Ok(WebTrainer {
            trainer,
            last_loss: f64::NAN,
        })
    }

    /// `n` training steps; the training loss of the last.
    pub fn steps(&mut self, n: u32) -> Result<f64, JsError> {
        for _ in 0..n {
            self.last_loss = self.trainer.train_step().map_err(js)? as f64;
        }
        Ok(self.last_loss)
    }

    /// Steps taken since the start.
    pub fn steps_done(&self) -> u32 {
        self.trainer.step as u32
    }
}
