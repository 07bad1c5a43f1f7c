//! Training is bit-for-bit the same on 1 and 2 threads: the fused trainers cut a batch by its
//! size alone (`fused::slices`) and add the slices in order, so the thread count changes only
//! the speed. The shipped spring and pixel scenes, a few steps each.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};

use crate::data::pixel::generate;
use crate::nn::ModelKind;
use crate::scene::{DataSpec, Scene, SystemSpec};
use crate::train::{PixelTrainer, Trainer};

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

/// Every tensor's bits, by name.
fn bits(tensors: &HashMap<String, Tensor>) -> Vec<(String, Vec<u32>)> {
    let mut out: Vec<_> = tensors
        .iter()
        .map(|(k, t)| {
            let v = t.to_dtype(DType::F32).unwrap().flatten_all().unwrap();
            let v = v.to_vec1::<f32>().unwrap();
            (k.clone(), v.iter().map(|x| x.to_bits()).collect())
        })
        .collect();
    out.sort();
    out
}

fn shipped(name: &str) -> Scene {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenes")
        .join(name);
    Scene::load(&path).unwrap()
}

#[test]
fn spring_weights_are_identical_on_one_and_two_threads() {
    let scene = shipped("spring.ron");
    let DataSpec::Synthetic(spec) = &scene.data else {
        unreachable!()
    };
    let data = crate::data::synthetic_dataset(&scene.system, spec).unwrap();
    // The batch is cut into several slices, so the test compares real splits.
    let rows = data.train.x.len() / data.train.dim;
    assert!(
        crate::train::fused::slices(rows, super::fused::MIN_ROWS_PER_SLICE).len() >= 2,
        "{rows} rows"
    );
    for kind in ModelKind::ALL {
        let run = |threads| {
            in_pool(threads, || {
                let mut t = Trainer::new(kind, &scene, &data, &Device::Cpu).unwrap();
                for _ in 0..20 {
                    t.train_step().unwrap();
                }
                bits(&t.tensors().unwrap())
            })
        };
        assert!(
            run(1) == run(2),
            "{kind:?}: weights differ between 1 and 2 threads"
        );
    }
}

#[test]
fn pixel_weights_are_identical_on_one_and_two_threads() {
    // The shipped scene's models and batch, on fewer trials (the data only feeds the batches).
    let mut scene = shipped("pixel_pendulum.ron");
    let DataSpec::Pixels(spec) = &mut scene.data else {
        unreachable!()
    };
    spec.trials = 6;
    spec.steps = 40;
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    let data = Arc::new(generate(p, d).unwrap());
    let batch = scene.train.batch_size.unwrap();
    assert!(crate::train::fused::slices(batch, super::fused::MIN_PAIRS_PER_SLICE).len() >= 2);
    let run = |threads| {
        in_pool(threads, || {
            let mut t =
                PixelTrainer::new(ModelKind::Hnn, &scene, data.clone(), &Device::Cpu).unwrap();
            for _ in 0..3 {
                t.train_step().unwrap();
            }
            bits(&crate::nn::named_tensors(t.synced_varmap().unwrap()))
        })
    };
    assert!(run(1) == run(2), "weights differ between 1 and 2 threads");
}
