//! Saves from several processes into one model folder, and saves killed mid-write.
//!
//! The writers are this test binary run again as a child (`saver`, an ignored test that does
//! nothing unless `HNN_SAVER` names its job), so each is a separate process with its own lock.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hnn_lab::data::synthetic_dataset;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::{DataSpec, Scene};
use hnn_lab::train::{load_meta, load_snapshot, read_model_file, save_model, ModelMeta, Trainer};

fn scene(hidden: &[usize]) -> Scene {
    ron::from_str(&format!(
        r#"Scene(name: "saves", system: Spring(k: 1.0, m: 1.0),
           data: Synthetic((trajectories: 4, points: 5)), model: (hidden: {hidden:?}))"#
    ))
    .unwrap()
}

fn trainer(scene: &Scene, kind: ModelKind) -> Trainer {
    let DataSpec::Synthetic(spec) = &scene.data else {
        unreachable!()
    };
    let data = synthetic_dataset(&scene.system, spec).unwrap();
    Trainer::new(kind, scene, &data, &candle_core::Device::Cpu).unwrap()
}

/// The sum of every weight: a child records it in the model's own description, so a reader
/// can check that the weights it got are the ones that description was written with.
fn weight_sum(tensors: &std::collections::HashMap<String, candle_core::Tensor>) -> f64 {
    let mut names: Vec<_> = tensors.keys().collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let t = tensors[*n].to_dtype(candle_core::DType::F64).unwrap();
            t.flatten_all()
                .unwrap()
                .to_vec1::<f64>()
                .unwrap()
                .iter()
                .sum::<f64>()
        })
        .sum()
}

fn meta(t: &Trainer, hidden: &[usize], step: usize) -> ModelMeta {
    ModelMeta {
        sizes: t.kind.sizes(t.scaling.dim(), hidden),
        scaling: t.scaling.clone(),
        steps: step,
        seed: t.scene().train.seed,
        final_train_loss: weight_sum(&t.tensors().unwrap()),
        final_test_loss: 0.0,
        train_seconds: 0.0,
        device: "cpu".into(),
        pixel: None,
    }
}

/// A child's job: `<kind> <hidden> <saves or 0 for endless> <dir>`.
#[test]
#[ignore = "run as a child process by the tests below"]
fn saver() {
    let Ok(job) = std::env::var("HNN_SAVER") else {
        return;
    };
    let parts: Vec<&str> = job.splitn(4, ' ').collect();
    let kind = if parts[0] == "hnn" {
        ModelKind::Hnn
    } else {
        ModelKind::Baseline
    };
    let hidden: usize = parts[1].parse().unwrap();
    let saves: usize = parts[2].parse().unwrap();
    let dir = Path::new(parts[3]);
    let scene = scene(&[hidden, hidden]);
    if saves > 0 {
        let mut t = trainer(&scene, kind);
        for step in 1..=saves {
            t.train_step().unwrap();
            save_model(dir, &scene, &t, meta(&t, &[hidden, hidden], step)).unwrap();
        }
        return;
    }
    // The endless saver (the one that is killed) only writes, alternating two models of other
    // initial weights (seeds 1 and 2), so that weights paired with the other model's
    // description would show.
    let models: Vec<(Scene, Trainer)> = [1, 2]
        .into_iter()
        .map(|seed| {
            let mut s = scene.clone();
            s.train.seed = seed;
            let t = trainer(&s, kind);
            (s, t)
        })
        .collect();
    for step in 1.. {
        let (s, t) = &models[step % 2];
        save_model(dir, s, t, meta(t, &[hidden, hidden], step)).unwrap();
        println!("saved {step}");
    }
}

fn spawn_saver(job: &str, stdout: Stdio) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "saver",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HNN_SAVER", job)
        .stdout(stdout)
        .spawn()
        .unwrap()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.') && n != ".lock")
        .collect()
}

/// Loads `kind` from `dir` and checks the weights against their own description.
fn check_loadable(dir: &Path, kind: ModelKind, hidden: usize) {
    let scene = scene(&[hidden, hidden]);
    load_snapshot(dir, kind, &scene).unwrap_or_else(|e| panic!("{kind:?}: {e:#}"));
    let f = read_model_file(&dir.join(format!("{}.safetensors", kind.name()))).unwrap();
    let p = f.provenance.expect("a self-describing file");
    assert_eq!(p.model.final_train_loss, weight_sum(&f.tensors), "{kind:?}");
}

/// Two processes save their models into one folder 30 times each, at the same time: both
/// models load afterwards, `meta.ron` lists both, and no temporary file is left.
#[test]
fn two_processes_saving_into_one_folder_leave_both_models_loadable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let mut children = [
        spawn_saver(&format!("hnn 16 30 {d}"), Stdio::null()),
        spawn_saver(&format!("baseline 16 30 {d}"), Stdio::null()),
    ];
    for c in &mut children {
        assert!(c.wait().unwrap().success());
    }
    check_loadable(dir.path(), ModelKind::Hnn, 16);
    check_loadable(dir.path(), ModelKind::Baseline, 16);
    let index = load_meta(dir.path()).unwrap();
    assert_eq!(index.models.len(), 2);
    assert!(index.models.values().all(|m| m.steps == 30));
    assert!(
        temp_files(dir.path()).is_empty(),
        "{:?}",
        temp_files(dir.path())
    );
}

/// A process saving a large model over and over is killed (SIGKILL) at random moments: each
/// time the folder still holds a loadable, self-consistent model, and the next save removes
/// what the killed one left.
#[test]
fn a_save_killed_halfway_leaves_the_previous_model_loadable() {
    let dir = tempfile::tempdir().unwrap();
    let d: PathBuf = dir.path().into();
    // About 9 MB per file: most of the child's time is spent writing it.
    let hidden = 1500;
    let scene = scene(&[hidden, hidden]);
    let t = trainer(&scene, ModelKind::Hnn);
    save_model(&d, &scene, &t, meta(&t, &[hidden, hidden], 0)).unwrap();
    let mut seed = 0x9e37_79b9_u64;
    let mut killed_mid_write = 0;
    for _ in 0..5 {
        let mut child = spawn_saver(&format!("hnn {hidden} 0 {}", d.display()), Stdio::piped());
        // Once the child has saved twice it is in its loop of saves; then it is killed the
        // moment a temporary file shows up (the folder polled in a tight loop), or at a random
        // moment if none is seen within that wait.
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        // (The test harness prints its own lines first.)
        while !lines.next().unwrap().unwrap().contains("saved 2") {}
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = Duration::from_millis(50 + (seed >> 33) % 200);
        let start = std::time::Instant::now();
        while start.elapsed() < wait && temp_files(&d).is_empty() {}
        child.kill().unwrap();
        child.wait().unwrap();
        killed_mid_write += usize::from(!temp_files(&d).is_empty());
        check_loadable(&d, ModelKind::Hnn, hidden);
        // The next writer clears the dead one's temporary files.
        save_model(&d, &scene, &t, meta(&t, &[hidden, hidden], 0)).unwrap();
        assert!(temp_files(&d).is_empty(), "{:?}", temp_files(&d));
    }
    // The kills did land inside writes (otherwise this test would prove little).
    assert!(killed_mid_write > 0, "no kill landed inside a write");
}
