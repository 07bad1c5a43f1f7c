use super::*;
use crate::data::pixel::generate;
use crate::nn::ModelKind;
use crate::nn::PixelSnapshot;
use crate::scene::{DataSpec, Scene, SystemSpec};
use crate::train::{PixelTrainer, Trainer};
use candle_core::Device;
use web_time::Instant;

/// Through the handle, as the app starts its trainers: on the thread itself (no pool)
/// and inside its own rayon pool. The trainer's `make` reports what it computed.
#[cfg(target_arch = "x86_64")]
#[test]
fn training_threads_flush_subnormals_to_zero() {
    fn tiny() -> f32 {
        std::hint::black_box(f32::MIN_POSITIVE) * std::hint::black_box(0.25f32)
    }
    assert!(
        std::thread::spawn(tiny).join().unwrap() > 0.0,
        "a plain thread keeps them"
    );
    for threads in [0, 1] {
        let h = TrainerHandle::<PixelSnapshot>::spawn_with::<PixelTrainer, _>(
            || Err(anyhow::anyhow!("{}", tiny())),
            Cadence::default(),
            ThreadOptions { threads, nice: 0 },
        );
        match h.recv_timeout(Duration::from_secs(10)) {
            Some(Progress::Error(v)) => assert_eq!(v, "0", "threads {threads}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn handle() -> TrainerHandle<PixelSnapshot> {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "t", system: RapierPendulum(()), data: Pixels((trials: 3, steps: 8)),
           model: (hidden: [8, 8], ae_hidden: 16), train: (batch_size: Some(8)))"#,
    )
    .unwrap();
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    let data = Arc::new(generate(p, d).unwrap());
    let t = PixelTrainer::new(ModelKind::Hnn, &scene, data, &Device::Cpu).unwrap();
    TrainerHandle::spawn(
        t,
        Cadence {
            report_every: Duration::from_millis(5),
            snapshot_every: 10,
        },
    )
}

/// Waits for the first message matching `f`.
fn wait_for<S: Send + Sync + 'static>(
    h: &TrainerHandle<S>,
    f: impl Fn(&Progress<S>) -> bool,
) -> Progress<S> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(m) = h.recv_timeout(Duration::from_millis(50)) {
            if f(&m) {
                return m;
            }
        }
    }
    panic!("no matching message within 20 s");
}

#[test]
fn start_reports_progress_and_snapshots_pause_stops_reset_restarts() {
    let h = handle();
    h.send(Command::Start);
    let Progress::Step { step, .. } = wait_for(
        &h,
        |m| matches!(m, Progress::Step { step, .. } if *step >= 20),
    ) else {
        unreachable!()
    };
    assert!(step >= 20);
    wait_for(&h, |m| matches!(m, Progress::Snapshot { .. }));
    h.send(Command::Pause);
    wait_for(&h, |m| matches!(m, Progress::Running(false)));
    // Paused: no further steps are reported.
    std::thread::sleep(Duration::from_millis(100));
    let _ = h.drain();
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !h.drain().iter().any(|m| matches!(m, Progress::Step { .. })),
        "steps while paused"
    );
    h.send(Command::Reset);
    let Progress::Snapshot { step, .. } = wait_for(&h, |m| matches!(m, Progress::Snapshot { .. }))
    else {
        unreachable!()
    };
    assert_eq!(step, 0, "reset trains from scratch");
    drop(h); // joins the thread; the test would hang if it did not stop
}

/// A small spring model's trainer, full batch.
fn spring_trainer(kind: ModelKind) -> Trainer {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "s", system: Spring(k: 1.0, m: 1.0), data: Synthetic((trajectories: 6, points: 10)),
           model: (hidden: [16, 16]))"#,
    )
    .unwrap();
    let DataSpec::Synthetic(spec) = &scene.data else {
        unreachable!()
    };
    let data = crate::data::synthetic_dataset(&scene.system, spec).unwrap();
    Trainer::new(kind, &scene, &data, &Device::Cpu).unwrap()
}

#[test]
fn low_dimensional_trainer_runs_on_the_thread() {
    let t = spring_trainer(ModelKind::Hnn);
    let h = TrainerHandle::spawn(
        t,
        Cadence {
            report_every: Duration::from_millis(5),
            snapshot_every: 50,
        },
    );
    h.send(Command::SetLearningRate(3e-3));
    h.send(Command::Start);
    let Progress::Snapshot { step, weights } = wait_for(
        &h,
        |m| matches!(m, Progress::Snapshot { step, .. } if *step >= 50),
    ) else {
        unreachable!()
    };
    assert!(step >= 50 && weights.energy(&[0.1, 0.2]).is_some());
}

#[test]
fn built_on_its_own_pool_it_reports_ready_and_saves_loadable_weights() {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "t", system: RapierPendulum(()), data: Pixels((trials: 3, steps: 8)),
           model: (hidden: [8, 8], ae_hidden: 16), train: (batch_size: Some(8)))"#,
    )
    .unwrap();
    let s2 = scene.clone();
    let h = TrainerHandle::spawn_with(
        move || {
            let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&s2.system, &s2.data)
            else {
                unreachable!()
            };
            let data = Arc::new(generate(p, d)?);
            Ok(PixelTrainer::new(ModelKind::Hnn, &s2, data, &Device::Cpu)?)
        },
        Cadence::default(),
        ThreadOptions {
            threads: 1,
            nice: 5,
        },
    );
    let Progress::Ready(dev) = wait_for(&h, |m| matches!(m, Progress::Ready(_))) else {
        unreachable!()
    };
    assert_eq!(dev, "cpu (1 training thread)");
    let dir = tempfile::tempdir().unwrap();
    h.send(Command::Save(dir.path().to_path_buf()));
    wait_for(&h, |m| matches!(m, Progress::Saved(_)));
    let (tensors, _) =
        crate::train::load_pixel_tensors(dir.path(), ModelKind::Hnn, &scene).unwrap();
    assert!(!tensors.is_empty());
    // A failing build is reported, not a panic.
    let bad: TrainerHandle<PixelSnapshot> = TrainerHandle::spawn_with(
        || -> anyhow::Result<PixelTrainer> { anyhow::bail!("no data") },
        Cadence::default(),
        ThreadOptions::default(),
    );
    let Progress::Error(e) = wait_for(&bad, |m| matches!(m, Progress::Error(_))) else {
        unreachable!()
    };
    assert!(e.contains("no data"));
}

#[test]
fn a_trainer_continues_from_loaded_weights() {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "t", system: RapierPendulum(()), data: Pixels((trials: 3, steps: 8)),
           model: (hidden: [8, 8], ae_hidden: 16), train: (batch_size: Some(8), seed: 3))"#,
    )
    .unwrap();
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    let data = Arc::new(generate(p, d).unwrap());
    let mut a = PixelTrainer::new(ModelKind::Hnn, &scene, data.clone(), &Device::Cpu).unwrap();
    for _ in 0..5 {
        a.train_step().unwrap();
    }
    let want = a.snapshot().unwrap();
    let other = Scene {
        train: crate::scene::TrainSpec {
            seed: 9,
            ..scene.train.clone()
        },
        ..scene.clone()
    };
    let mut b = PixelTrainer::new(ModelKind::Hnn, &other, data, &Device::Cpu).unwrap();
    let tensors = crate::nn::named_tensors(a.synced_varmap().unwrap());
    b.load_tensors(&tensors).unwrap();
    let got = b.snapshot().unwrap();
    let z = [0.3, -0.2];
    assert_eq!(got.decode(z), want.decode(z));
    assert_eq!(got.energy(z), want.energy(z));
    // And it trains on from there (the fused state was rebuilt from the loaded weights).
    b.train_step().unwrap();
    assert_ne!(b.snapshot().unwrap().decode(z), want.decode(z));
}

mod failures;
