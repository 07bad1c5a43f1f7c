//! The training bridge with a real training thread, in its own test binary: the tests that
//! train pixel models point the dataset cache at a folder of their own through the
//! environment, one at a time (`CACHE_ENV`).
#![cfg(feature = "gui")]

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Held while a test has `HNN_LAB_CACHE` pointed at its folder.
static CACHE_ENV: Mutex<()> = Mutex::new(());

use hnn_lab::app::{
    headless_app, Lab, LabAction, ModelStatus, TrainAction, Training, Truth, Twins, HNN,
};

#[test]
fn weight_snapshots_from_the_training_thread_reach_the_twins() {
    let _env = CACHE_ENV.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("HNN_LAB_CACHE", dir.path().join("cache"));
    let scene = dir.path().join("tiny.ron");
    std::fs::write(
        &scene,
        r#"Scene(name: "tiny", system: RapierPendulum(()), data: Pixels((trials: 4, steps: 10)),
               model: (hidden: [8, 8], ae_hidden: 16), train: (batch_size: Some(16)))"#,
    )
    .unwrap();
    let lab = Lab::load(&scene, Some(&dir.path().join("none")), "cpu").unwrap();
    assert!(lab
        .shipped
        .iter()
        .all(|s| matches!(s, ModelStatus::Unavailable(m) if m.contains(".safetensors"))));
    let mut app = headless_app(lab);
    app.update();
    assert!(app
        .world()
        .resource::<Twins>()
        .0
        .iter()
        .all(Option::is_none));
    app.world_mut().write_message(TrainAction::Start);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        app.update();
        let twins = app.world().resource::<Twins>();
        let steps = app.world().resource::<Training>().models[HNN].step;
        if twins.0.iter().all(Option::is_some) && steps >= 100 {
            break;
        }
        assert!(Instant::now() < deadline, "no snapshot reached the twins");
        std::thread::sleep(Duration::from_millis(5));
    }
    let h = app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .learned_energy();
    assert!(h.is_some_and(f64::is_finite));

    // New physics: the truth moves on the Moon; a retrain from the current weights makes a
    // new dataset from the rapier pendulum (a second cache file) and trains on it.
    let mut p = app.world().resource::<Truth>().0.physics().unwrap();
    p.gravity = 1.62;
    app.world_mut().write_message(LabAction::SetPhysics(
        hnn_lab::scene::SystemSpec::RapierPendulum(p),
    ));
    app.update();
    assert!(app.world().resource::<Lab>().physics_changed());
    app.world_mut().write_message(TrainAction::Retrain {
        from_scratch: false,
    });
    app.update();
    assert!(
        app.world().resource::<Lab>().physics_changed(),
        "still Earth weights in the twins until the first Moon snapshot"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        app.update();
        let m = &app.world().resource::<Training>().models[HNN];
        assert!(m.error.is_none(), "{:?}", m.error);
        if m.ready && m.step >= 100 {
            break;
        }
        assert!(Instant::now() < deadline, "the retrain never reported");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        !app.world().resource::<Lab>().physics_changed(),
        "Moon weights in the twins"
    );
    // Datasets only (the folder also holds the lock the trainers share).
    let cached = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "bin")
        })
        .count();
    assert_eq!(cached, 2, "one dataset per physics");

    app.world_mut().write_message(TrainAction::Pause);
    app.update();
    // Dropping the app drops the bridge, which joins the training threads.
    drop(app);
}

/// Updates until both trainers report an error (failing at `deadline`); checks they stopped
/// and returns the errors.
fn wait_for_both_errors(app: &mut bevy::app::App, deadline: Instant) -> Vec<String> {
    loop {
        app.update();
        let t = app.world().resource::<Training>();
        if t.models.iter().all(|m| m.error.is_some()) {
            assert!(t.models.iter().all(|m| !m.running));
            return t.models.iter().filter_map(|m| m.error.clone()).collect();
        }
        assert!(Instant::now() < deadline, "no divergence reported");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A learning rate pushed far up: both trainers diverge, the panel's state says so and what to
/// do, and the twins keep finite weights and states.
#[test]
fn a_diverging_trainer_is_reported_and_the_twins_keep_good_weights() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = Lab::load(&root.join("scenes/spring.ron"), None, "cpu").unwrap();
    let mut app = headless_app(lab);
    app.update();
    app.world_mut()
        .write_message(TrainAction::SetLearningRate(1e30));
    app.world_mut().write_message(TrainAction::Start);
    let deadline = Instant::now() + Duration::from_secs(60);
    for e in wait_for_both_errors(&mut app, deadline) {
        assert!(e.contains("diverged") && e.contains("learning rate"), "{e}");
    }
    for _ in 0..30 {
        app.update();
    }
    for t in app.world().resource::<Twins>().0.iter().flatten() {
        let hnn_lab::twin::TwinWeights::Field(w) = t.weights() else {
            panic!("a (q, p) twin")
        };
        assert!(w.is_finite());
        assert!(t.state().iter().all(|v| v.is_finite()), "{:?}", t.state());
    }
}

/// The lesson "When training diverges": both pixel trainers continue from the shipped weights;
/// the lesson pushes the learning rate to 10 and both stop with a message saying why and what
/// to do; the twins keep finite weights; the lesson then sets the rate back.
#[test]
fn the_divergence_lesson_stops_both_pixel_trainers_and_says_why() {
    let _env = CACHE_ENV.lock().unwrap_or_else(|e| e.into_inner());
    // The shipped scene's dataset, generated once into the build's temporary folder and
    // reused by later runs.
    std::env::set_var(
        "HNN_LAB_CACHE",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pixel-cache"),
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = Lab::load_lesson(
        &root.join("scenes/lessons/training_diverges.ron"),
        None,
        "cpu",
    )
    .unwrap();
    let mut app = headless_app(lab);
    let clock = |app: &bevy::app::App| {
        app.world()
            .resource::<hnn_lab::app::lesson::LessonPlayer>()
            .player
            .clock
    };
    // Hold the lesson before its rate change until both trainers run (building them takes
    // real time; the lesson runs on simulated time).
    let deadline = Instant::now() + Duration::from_secs(300);
    // Runs the lesson (simulated time) up to `t`.
    let run_to = |app: &mut bevy::app::App, t: f64| {
        for _ in 0..100_000 {
            if clock(app) >= t {
                return;
            }
            app.update();
        }
        panic!("the lesson clock is stuck at {}", clock(app));
    };
    run_to(&mut app, 5.0);
    while !app
        .world()
        .resource::<Training>()
        .models
        .iter()
        .all(|m| m.step > 0)
    {
        assert!(Instant::now() < deadline, "the trainers did not start");
        app.world_mut().write_message(LabAction::SetPaused(true));
        app.update();
        std::thread::sleep(Duration::from_millis(20));
    }
    app.world_mut().write_message(LabAction::SetPaused(false));
    run_to(&mut app, 6.5);
    assert_eq!(app.world().resource::<Training>().learning_rate, 10.0);
    // The lesson waits (paused) while the trainers take their steps at that rate in real
    // time: its cue at 16 s would set the rate back.
    app.world_mut().write_message(LabAction::SetPaused(true));
    for e in wait_for_both_errors(&mut app, deadline) {
        assert!(
            e.contains("diverged") && e.contains("lower the learning rate"),
            "{e}"
        );
    }
    app.world_mut().write_message(LabAction::SetPaused(false));
    run_to(&mut app, 17.0);
    assert_eq!(app.world().resource::<Training>().learning_rate, 0.001);
    for t in app.world().resource::<Twins>().0.iter().flatten() {
        let hnn_lab::twin::TwinWeights::Pixel(w) = t.weights() else {
            panic!("a pixel twin")
        };
        assert!(w.is_finite());
        assert!(t.state().iter().all(|v| v.is_finite()), "{:?}", t.state());
    }
}

/// A web page fetches the shipped models while the app runs: the app starts without them,
/// shows their progress, loads each when it has come (training asked for at start begins
/// then), and a model that came damaged is an error on the panel, not a panic.
#[test]
fn models_that_arrive_after_the_first_frame_load_then_and_a_damaged_one_says_why() {
    use hnn_lab::app::{start_training, BASELINE};
    use hnn_lab::fetched;
    use hnn_lab::train::model_files;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // A folder of its own: the store of fetched files is the process's.
    let dir = tempfile::tempdir().unwrap();
    let shipped = root.join("models/spring");
    let scene = root.join("scenes/spring.ron");
    let kinds = [
        hnn_lab::nn::ModelKind::Hnn,
        hnn_lab::nn::ModelKind::Baseline,
    ];
    for k in kinds {
        for f in model_files(dir.path(), k) {
            let size = std::fs::metadata(shipped.join(f.file_name().unwrap()))
                .unwrap()
                .len();
            fetched::expect(&f, size);
        }
    }
    let lab = Lab::load(&scene, Some(dir.path()), "cpu").unwrap();
    assert!(lab
        .shipped
        .iter()
        .all(|s| matches!(s, ModelStatus::Loading { loaded: 0, total } if *total > 160_000)));
    let mut app = headless_app(lab);
    start_training(&mut app);
    for _ in 0..3 {
        app.update();
    }
    // The truth runs; no twin yet, no trainer started from scratch.
    assert!(app
        .world()
        .resource::<Twins>()
        .0
        .iter()
        .all(Option::is_none));
    assert!(app
        .world()
        .resource::<Training>()
        .models
        .iter()
        .all(|m| m.handle.is_none()));
    let start = app.world().resource::<Lab>().start();
    assert_ne!(
        app.world().resource::<Truth>().0.state(),
        start,
        "the truth did not move"
    );

    // Progress shows; then the HNN comes whole and the baseline cut short.
    let [hnn_w, meta] = model_files(dir.path(), kinds[0]);
    fetched::progress(&hnn_w, 80_000, 0);
    app.update();
    let ModelStatus::Loading { loaded, .. } = app.world().resource::<Lab>().shipped[HNN] else {
        panic!("the HNN should still be loading");
    };
    assert_eq!(loaded, 80_000);
    let read = |name: &str| std::fs::read(shipped.join(name)).unwrap();
    fetched::arrived(&hnn_w, read("hnn.safetensors"));
    fetched::arrived(&meta, read("meta.ron"));
    app.update();
    // The baseline is still on its way: nothing loads before all have come.
    assert!(app
        .world()
        .resource::<Twins>()
        .0
        .iter()
        .all(Option::is_none));
    let base = read("baseline.safetensors");
    fetched::arrived(
        &model_files(dir.path(), kinds[1])[0],
        base[..base.len() / 2].to_vec(),
    );
    app.update();
    let lab = app.world().resource::<Lab>();
    assert!(matches!(lab.shipped[HNN], ModelStatus::Loaded { .. }));
    let ModelStatus::Unavailable(why) = &lab.shipped[BASELINE] else {
        panic!("a cut model must not load");
    };
    assert!(why.contains("baseline.safetensors"), "{why}");
    let twins = &app.world().resource::<Twins>().0;
    assert!(twins[HNN].is_some() && twins[BASELINE].is_none());
    // Training asked for at start began once the models had come.
    let training = app.world().resource::<Training>();
    assert!(
        training.models[HNN].handle.is_some(),
        "the HNN's trainer did not start"
    );
}
