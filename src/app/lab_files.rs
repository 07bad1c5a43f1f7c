//! Where a lab's shipped models and data are, as files: the folder the models are read from,
//! and what a web page must fetch before each can be read (see `crate::fetched`).

use std::path::{Path, PathBuf};

use super::lab::Lab;
use crate::nn::ModelKind;
use crate::scene::{DataSpec, Scene};

impl Lab {
    /// Where a scene's shipped models are: `models/<scene name>` beside the scenes folder.
    pub fn shipped_dir(scene: &Scene) -> PathBuf {
        scene
            .resolve(Path::new(".."))
            .join("models")
            .join(&scene.name)
    }

    /// The files `scene` reads from the site in a web page, which fetches them: first those
    /// the app cannot start without (a recording the truth plays), then the shipped models'
    /// (the app starts without them and loads each when it has come).
    pub fn files_to_fetch(scene: &Scene) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let first = match &scene.data {
            DataSpec::Recorded(r) => vec![scene.resolve(&r.file)],
            _ => vec![],
        };
        let dir = Self::shipped_dir(scene);
        let mut later: Vec<PathBuf> = scene
            .model
            .kinds
            .iter()
            .flat_map(|&k| crate::train::model_files(&dir, k))
            .collect();
        later.sort();
        later.dedup();
        (first, later)
    }

    /// Bytes come and expected of `kind`'s shipped files while a page still fetches them.
    pub fn still_loading(&self, kind: ModelKind) -> Option<(u64, u64)> {
        crate::fetched::loading(&crate::train::model_files(&self.models_dir, kind))
    }
}
