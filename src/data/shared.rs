//! One dataset per scene and process: the app's HNN and baseline trainers start together on
//! the same scene, and each used to make the same data (for the rapier double pendulum, 200
//! simulated trajectories, seconds of work) on its own thread. The first to ask makes it while
//! the other waits for it; both then train on the one copy.

use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::{load_dataset, Dataset};
use crate::scene::Scene;

/// The last scene's data, by the scene's hash and file.
static LAST: Mutex<Option<(String, Arc<Dataset>)>> = Mutex::new(None);

/// The scene's dataset, made at most once while the scene stays the same (new physics make a
/// new scene, and replace it). A failure is returned to each caller and not kept.
pub fn shared_dataset(scene: &Scene) -> Result<Arc<Dataset>> {
    let key = format!("{}|{}", scene.hash(), scene.source.display());
    // Held while the data are made, so a second caller waits instead of making them again.
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((k, d)) = last.as_ref() {
        if *k == key {
            return Ok(d.clone());
        }
    }
    *last = None; // the old scene's data go before the new are made
    let d = Arc::new(load_dataset(scene, None)?);
    *last = Some((key, d.clone()));
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_scene_gets_the_same_data_once_and_a_changed_one_new_data() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/spring.ron");
        let scene = Scene::load(&path).unwrap();
        let (a, b) = std::thread::scope(|s| {
            let x = s.spawn(|| shared_dataset(&scene).unwrap());
            let y = s.spawn(|| shared_dataset(&scene).unwrap());
            (x.join().unwrap(), y.join().unwrap())
        });
        assert!(Arc::ptr_eq(&a, &b));
        let mut other = scene.clone();
        other.system = crate::scene::SystemSpec::Spring { k: 2.0, m: 1.0 };
        let c = shared_dataset(&other).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.train.x.len(), a.train.x.len());
        assert_ne!(c.train.dx, a.train.dx, "new physics, new derivatives");
    }
}
