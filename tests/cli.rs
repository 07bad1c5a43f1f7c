//! End-to-end checks of the `hnn-lab` binary: bad input gives one clear error and a non-zero
//! exit without a panic; train → eval → JSON works on a small scene.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hnn-lab"))
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Asserts failure (exit code 1) with a message containing every `needles`, and no panic.
fn fails_with(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1, stderr: {err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const TINY: &str = r#"Scene(
    name: "tiny",
    system: Spring(k: 1.0, m: 1.0),
    data: Synthetic((trajectories: 6, points: 10)),
    model: (hidden: [16, 16]),
    train: (steps: 30),
    eval: (trajectories: 5, t_end: 2.0, points: 20, rtol: 1e-8),
)"#;

fn real_scene(dir: &Path) -> String {
    let data = repo("assets/data/lipson/real_pend_h_1.txt");
    write(
        dir,
        "real.ron",
        &format!(
            "Scene(name: \"real\", system: Pendulum(k: 2.4, m: 1.0), data: Recorded((file: {:?}, q: \"o\", p: \"v\")), model: (hidden: [8, 8]), train: (steps: 5))",
            data.to_string_lossy()
        ),
    )
}

#[test]
fn malformed_scenes_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let syntax = write(
        dir.path(),
        "syntax.ron",
        &TINY.replace("points: 10)),", "points: 10)"),
    );
    fails_with(&run(&["train", "--scene", &syntax]), &["syntax.ron:"]);

    let unknown = write(
        dir.path(),
        "unknown.ron",
        &TINY.replace("steps: 30", "stepz: 30"),
    );
    fails_with(
        &run(&["train", "--scene", &unknown]),
        &["unknown.ron:6:", "stepz"],
    );

    let wrong = write(
        dir.path(),
        "wrong.ron",
        &TINY.replace("steps: 30", "steps: -3"),
    );
    fails_with(
        &run(&["train", "--scene", &wrong]),
        &["wrong.ron:6:", "train.steps"],
    );

    let missing = write(
        dir.path(),
        "missing.ron",
        "Scene(name: \"r\", system: Pendulum(k: 1.0, m: 1.0),\n data: Recorded((file: \"gone.txt\", q: \"o\", p: \"v\")))",
    );
    fails_with(
        &run(&["eval", "--scene", &missing]),
        &["missing.ron:2:", "gone.txt"],
    );

    fails_with(
        &run(&["train", "--scene", "no/such/scene.ron"]),
        &["no/such/scene.ron"],
    );
}

#[test]
fn bad_data_files_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let scene = real_scene(dir.path());
    let good = std::fs::read_to_string(repo("assets/data/lipson/real_pend_h_1.txt")).unwrap();
    // Cut the file in the middle of a row.
    let cut = &good[..good.len() / 2];
    let cut = &cut[..cut.rfind("  ").unwrap()];
    let truncated = write(dir.path(), "truncated.txt", cut);
    fails_with(
        &run(&["train", "--scene", &scene, "--data", &truncated]),
        &["truncated.txt:", "columns"],
    );

    let text = good.replacen("1.2753554896511765e+000", "one-point-two", 1);
    let nonnum = write(dir.path(), "nonnum.txt", &text);
    fails_with(
        &run(&["train", "--scene", &scene, "--data", &nonnum]),
        &["nonnum.txt:3:", "one-point-two"],
    );

    let empty = write(dir.path(), "empty.txt", "");
    fails_with(
        &run(&["train", "--scene", &scene, "--data", &empty]),
        &["empty.txt", "header"],
    );
}

#[test]
fn train_eval_round_trip_and_bad_models() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write(dir.path(), "tiny.ron", TINY);
    let models = dir.path().join("models");
    let m = models.to_string_lossy().into_owned();
    let out = run(&[
        "train", "--scene", &scene, "--out", &m, "--quiet", "--device", "cpu",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(models.join("hnn.safetensors").is_file() && models.join("meta.ron").is_file());

    let out = run(&["eval", "--scene", &scene, "--models", &m, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).expect("last line is JSON");
    assert_eq!(v["scene"], "tiny");
    for model in ["hnn", "baseline"] {
        for key in [
            "train_loss",
            "train_loss_sem",
            "test_loss",
            "test_loss_sem",
            "energy_mse",
            "energy_mse_sem",
        ] {
            let x = v[model][key]
                .as_f64()
                .unwrap_or_else(|| panic!("{model}.{key} in {last}"));
            assert!(x.is_finite() && x >= 0.0, "{model}.{key} = {x}");
        }
    }

    // A model of the wrong shape: the scene now asks for wider layers.
    let wider = write(
        dir.path(),
        "wider.ron",
        &TINY.replace("[16, 16]", "[32, 16]"),
    );
    fails_with(
        &run(&["eval", "--scene", &wider, "--models", &m]),
        &["layer sizes"],
    );

    // Garbage weights.
    std::fs::write(models.join("hnn.safetensors"), b"\x00garbage").unwrap();
    fails_with(
        &run(&["eval", "--scene", &scene, "--models", &m]),
        &["hnn.safetensors"],
    );

    // No models at all.
    let none = dir.path().join("none").to_string_lossy().into_owned();
    fails_with(
        &run(&["eval", "--scene", &scene, "--models", &none]),
        &["none", "model saved here", ".safetensors"],
    );
}

#[test]
fn bad_flags_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write(dir.path(), "tiny.ron", TINY);
    fails_with(
        &run(&["train", "--scene", &scene, "--device", "tpu"]),
        &["tpu"],
    );
    fails_with(
        &run(&["train", "--scene", &scene, "--data", "x.txt"]),
        &["synthetic"],
    );
    // Flags clap rejects exit with 1 too, naming the flag and the accepted range.
    fails_with(
        &run(&["train", "--scene", &scene, "--steps", "0"]),
        &["--steps", "0", "1..=100000000"],
    );
    fails_with(
        &run(&["train", "--scene", &scene, "--steps", "many"]),
        &["--steps", "many"],
    );
    fails_with(&run(&["train", "--bogus"]), &["--bogus"]);
    fails_with(
        &run(&["bench", "--steps", "0"]),
        &["--steps", "4..=1000000"],
    );
    fails_with(&run(&["drift", "--seconds=-1"]), &["--seconds"]);
    // Help is not an error.
    assert!(run(&["train", "--help"]).status.success());
}

/// Bad input aimed at a folder of good models — a broken scene, bad flags, a training run
/// that diverges — fails with exit code 1 and leaves every file there byte-identical.
#[test]
fn bad_input_leaves_existing_models_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    for f in ["hnn.safetensors", "baseline.safetensors", "meta.ron"] {
        std::fs::copy(repo("models/spring").join(f), models.join(f)).unwrap();
    }
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&models)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap() != ".lock")
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let m = models.to_string_lossy().into_owned();
    let broken = write(
        dir.path(),
        "broken.ron",
        &TINY.replace("points: 10", "points: inf"),
    );
    fails_with(
        &run(&["train", "--scene", &broken, "--out", &m]),
        &["broken.ron:4:", "points"],
    );
    let tiny = write(dir.path(), "tiny.ron", TINY);
    fails_with(
        &run(&["train", "--scene", &tiny, "--out", &m, "--steps", "0"]),
        &["--steps"],
    );
    fails_with(
        &run(&["train", "--scene", &tiny, "--out", &m, "--device", "tpu"]),
        &["tpu"],
    );
    fails_with(
        &run(&["eval", "--scene", &broken, "--models", &m]),
        &["broken.ron:4:"],
    );
    // The shipped pixel scene on a few trials at a learning rate of 10: its first step
    // throws the weights so far that the loss overflows; nothing is saved.
    let pixel = std::fs::read_to_string(repo("scenes/pixel_pendulum.ron"))
        .unwrap()
        .replace("trials: 200,", "trials: 6,")
        .replace("steps: 103,", "steps: 20,")
        .replace("learning_rate: 1e-3", "learning_rate: 10.0")
        .replace("steps: 20000", "steps: 5");
    let pixel = write(dir.path(), "pixel.ron", &pixel);
    let out = bin()
        .args([
            "train", "--scene", &pixel, "--out", &m, "--model", "hnn", "--quiet",
        ])
        .env("HNN_LAB_CACHE", dir.path().join("cache"))
        .output()
        .unwrap();
    fails_with(&out, &["diverged", "not saved"]);
    assert!(snapshot() == before, "a model file changed");
}

#[test]
fn pixel_scene_train_eval_and_bad_models() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write(
        dir.path(),
        "pix.ron",
        r#"Scene(name: "pix", system: RapierPendulum(()), data: Pixels((trials: 4, steps: 12)),
           model: (hidden: [8, 8], ae_hidden: 16), train: (steps: 3, batch_size: Some(16), weight_decay: 1e-5))"#,
    );
    let models = dir.path().join("m");
    let m = models.to_string_lossy().into_owned();
    let cache = dir.path().join("cache");
    let run_env = |args: &[&str]| {
        bin()
            .args(args)
            .env("HNN_LAB_CACHE", &cache)
            .output()
            .unwrap()
    };
    let out = run_env(&["train", "--scene", &scene, "--out", &m, "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_env(&["eval", "--scene", &scene, "--models", &m, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    for key in [
        "train_loss",
        "test_loss_sem",
        "energy_mse",
        "energy_mse_sem",
        "pixel_mse_10",
    ] {
        assert!(
            v["hnn"][key].as_f64().is_some_and(f64::is_finite),
            "hnn.{key} in {stdout}"
        );
    }
    // --data makes no sense for rendered frames.
    fails_with(
        &run_env(&["train", "--scene", &scene, "--data", "x.txt"]),
        &["renders its own frames"],
    );
    // Garbage weights.
    std::fs::write(models.join("baseline.safetensors"), b"nope").unwrap();
    fails_with(
        &run_env(&["eval", "--scene", &scene, "--models", &m]),
        &["baseline.safetensors"],
    );
}

/// The app reads its scene before any window opens: a broken scene is one error naming the
/// file, line and field, with no window and no panic.
#[cfg(feature = "gui")]
#[test]
fn the_app_refuses_a_broken_scene_before_opening_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.ron",
        "Scene(\n    name: \"p\",\n    system: RapierPendulum((mass: \"heavy\")),\n    data: Pixels(()),\n)",
    );
    // No DISPLAY: if it got as far as a window, it would fail differently.
    let out = bin()
        .args(["--scene", &bad])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    fails_with(&out, &["bad.ron", ":3:", "mass"]);
    let out = bin()
        .args(["--scene", &repo("scenes/nope.ron").to_string_lossy()])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    fails_with(&out, &["nope.ron"]);
}

/// A start state that does not fit the scene's system (two numbers for a double pendulum)
/// stops the app before any window, naming the file, line and field.
#[cfg(feature = "gui")]
#[test]
fn the_app_refuses_a_start_state_that_does_not_fit_the_system() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(repo("scenes/rapier_double_pendulum.ron")).unwrap();
    let bad = src.replace(
        "start: Some([1.4, -0.5, 0.0, 0.0])",
        "start: Some((1.0, 1.3))",
    );
    assert_ne!(src, bad);
    let path = dir.path().join("dp.ron");
    std::fs::write(&path, bad).unwrap();
    let out = bin()
        .args(["--scene", &path.to_string_lossy()])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    fails_with(&out, &["dp.ron:", "view.start", "2 numbers", "needs 4"]);
}

/// Without a display the app says so instead of panicking in the windowing library.
#[cfg(all(feature = "gui", target_os = "linux"))]
#[test]
fn the_app_without_a_display_says_so() {
    let out = bin()
        .args([
            "--scene",
            &repo("scenes/rapier_double_pendulum.ron").to_string_lossy(),
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    fails_with(&out, &["no display", "xvfb-run"]);
}

/// A broken lesson stops the app before any window, naming the file, line and field.
#[cfg(feature = "gui")]
#[test]
fn broken_lessons_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let scene = repo("scenes/pixel_pendulum.ron");
    let lesson = |cues: &str| {
        format!(
            "Lesson(\n    title: \"broken\",\n    scene: {:?},\n    timeline: [\n{cues}\n    ],\n)\n",
            scene.to_string_lossy()
        )
    };
    let unknown = write(
        dir.path(),
        "unknown.ron",
        &lesson("        (at: 0.0, do: Sync),\n        (at: 2.0, do: Teleport(1.0)),"),
    );
    fails_with(
        &run(&["--lesson", &unknown]),
        &["unknown.ron:6:", "timeline[1].do", "Teleport"],
    );
    let order = write(
        dir.path(),
        "order.ron",
        &lesson("        (at: 3.0, do: Sync),\n        (at: 1.0, do: Kick(0.3)),"),
    );
    fails_with(
        &run(&["--lesson", &order]),
        &["order.ron:6:", "timeline[1].at", "out of order"],
    );
}

/// Recorded files with any number of coordinates: a 4-coordinate file trains and evaluates
/// through `--data`; a file whose state columns do not fit the scene's n, or an odd number of
/// them, is one error naming the file; a model for another n is refused, naming the model.
#[test]
fn recorded_files_of_any_width_and_mismatched_n() {
    let dir = tempfile::tempdir().unwrap();
    let double = repo("assets/data/lipson/double_pend_h_1.txt");
    let scene = write(
        dir.path(),
        "dp.ron",
        "Scene(name: \"dp\", system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: 1.0, g: 9.8), \
         data: Recorded((file: \"unused.txt\", velocities: true)), model: (hidden: [8, 8]), train: (steps: 5))",
    );
    // The scene's own file is missing: the scene is refused, naming the field.
    fails_with(
        &run(&["train", "--scene", &scene]),
        &["dp.ron", "data.file"],
    );
    let scene = write(
        dir.path(),
        "dp.ron",
        &format!(
            "Scene(name: \"dp\", system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: 1.0, g: 9.8), \
             data: Recorded((file: {:?}, velocities: true)), model: (hidden: [8, 8]), train: (steps: 5))",
            double.to_string_lossy()
        ),
    );
    let models = dir.path().join("m");
    let m = models.to_string_lossy().to_string();
    let out = run(&["train", "--scene", &scene, "--out", &m, "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = write(
        dir.path(),
        "copy.txt",
        &std::fs::read_to_string(&double).unwrap(),
    );
    let out = run(&[
        "eval", "--scene", &scene, "--models", &m, "--data", &copy, "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"vpt\""));
    // A one-degree-of-freedom file for a two-degree scene.
    let single = repo("assets/data/lipson/real_pend_h_1.txt");
    fails_with(
        &run(&[
            "train",
            "--scene",
            &scene,
            "--data",
            &single.to_string_lossy(),
        ]),
        &["real_pend_h_1.txt", "2 state columns", "2 degree"],
    );
    // An odd number of state columns.
    let odd = write(
        dir.path(),
        "odd.txt",
        "%a b c\n0 0 1 2 3\n0 1 1 2 3\n0 2 1 2 3\n",
    );
    fails_with(
        &run(&["train", "--scene", &scene, "--data", &odd]),
        &["odd.txt", "odd"],
    );
    // The double pendulum's models under a one-degree-of-freedom scene of the same name.
    let spring = write(
        dir.path(),
        "spring.ron",
        "Scene(name: \"dp\", system: Spring(k: 1.0, m: 1.0), data: Synthetic((trajectories: 4, points: 5)), model: (hidden: [8, 8]))",
    );
    fails_with(
        &run(&["eval", "--scene", &spring, "--models", &m]),
        &["baseline.safetensors", "4 numbers", "1 degree"],
    );
}

/// The fit of a double pendulum's constants to the shipped recording finds the point masses
/// and arms it was simulated with.
#[test]
fn fit_finds_the_recordings_constants() {
    let out = run(&[
        "fit",
        "--data",
        &repo("assets/data/lipson/double_pend_h_1.txt").to_string_lossy(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("m₁ = 1.0000 kg, l₁ = 1.0000 m, g = 9.8000"),
        "{text}"
    );
}

/// Inputs that used to panic, hang or exhaust memory now end in one error: an endless file
/// as a scene, an integrator tolerance no step can meet, an infinite time span or range.
#[test]
fn endless_files_and_impossible_numbers_are_refused() {
    if Path::new("/dev/zero").exists() {
        fails_with(
            &run(&["train", "--scene", "/dev/zero"]),
            &["/dev/zero", "bytes"],
        );
    }
    let dir = tempfile::tempdir().unwrap();
    for (line, want) in [
        ("eval: (rtol: 1e-300),", "eval.rtol"),
        ("eval: (trajectories: 0),", "eval.trajectories"),
        ("eval: (t_end: inf),", "eval.t_end"),
    ] {
        let text = TINY.replace(
            "eval: (trajectories: 5, t_end: 2.0, points: 20, rtol: 1e-8),",
            line,
        );
        let scene = write(dir.path(), "bad.ron", &text);
        fails_with(
            &run(&["eval", "--scene", &scene]),
            &["bad.ron:7:", want, "out of range"],
        );
    }
    fails_with(&run(&["drift", "--seconds", "inf"]), &["--seconds"]);
}

/// An output folder that cannot be written is found before training starts.
#[cfg(unix)]
#[test]
fn an_unwritable_output_folder_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write(dir.path(), "tiny.ron", TINY);
    // A regular file where the output folder should be: no root privilege gets around that.
    let blocker = write(dir.path(), "taken", "not a folder");
    let out = format!("{blocker}/models");
    let out = run(&["train", "--scene", &scene, "--out", &out]);
    fails_with(&out, &["--out", "taken"]);
    // Nothing trained: no progress of either model was printed.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("steps in"));
}

/// Another Schmidt & Lipson recording on the real-pendulum scene: its split (samples
/// [444, 554)) does not fit a file of 492 samples, so a chronological 80/20 split is used and
/// said in one line; a file whose columns do not fit the scene's named ones is read by its own
/// header's state columns, also said; one whose state does not fit the system at all is
/// still refused, naming both reasons.
#[test]
fn another_recording_trains_on_its_own_columns_and_split() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("m");
    let out = run(&[
        "train",
        "--scene",
        repo("scenes/real_pendulum.ron").to_str().unwrap(),
        "--data",
        repo("assets/data/lipson/pendulum_h_1.txt")
            .to_str()
            .unwrap(),
        "--model",
        "hnn",
        "--steps",
        "20",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("using a chronological 80/20 split"), "{err}");
    assert!(err.contains("393 train / 99 test"), "{err}");
    // Renamed columns: the file's own state columns are used.
    let text = std::fs::read_to_string(repo("assets/data/lipson/real_pend_h_1.txt")).unwrap();
    let renamed = write(dir.path(), "renamed.txt", &text.replacen("%o v", "%x y", 1));
    let out = run(&[
        "train",
        "--scene",
        repo("scenes/real_pendulum.ron").to_str().unwrap(),
        "--data",
        &renamed,
        "--model",
        "baseline",
        "--steps",
        "10",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("using the file's own state columns"), "{err}");
    // A double pendulum's file cannot be a pendulum's state.
    let out = run(&[
        "train",
        "--scene",
        repo("scenes/real_pendulum.ron").to_str().unwrap(),
        "--data",
        repo("assets/data/lipson/double_pend_h_1.txt")
            .to_str()
            .unwrap(),
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    fails_with(
        &out,
        &[
            "double_pend_h_1.txt",
            "nor do the file's own state columns fit",
        ],
    );
}

/// `train --model dhnn` on a small damped grid scene saves a D-HNN whose `eval --json` holds a
/// `dhnn` object with the learned-power error; `--model all` trains the three kinds.
#[test]
fn dhnn_trains_and_evaluates_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write(
        dir.path(),
        "ds.ron",
        r#"Scene(name: "ds", system: Spring(k: 1.0, m: 1.0),
            friction: (gamma_q: 1.0),
            data: Grid((side: 9, lo: -1.2, hi: 1.2, train_fraction: 0.85, seed: 0)),
            model: (hidden: [32, 32], kinds: [Dhnn, Hnn, Baseline]),
            train: (steps: 300, learning_rate: 3e-3, weight_decay: 0.0, seed: 0, batch_size: Some(32)),
            eval: (starts: [[0.85, 0.25]], t_end: 4.0, points: 200, rtol: 1e-9, splits: 5))"#,
    );
    let models = dir.path().join("m");
    let m = models.to_str().unwrap();
    let out = run(&[
        "train", "--scene", &scene, "--model", "all", "--quiet", "--out", m,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for k in ["hnn", "baseline", "dhnn"] {
        assert!(models.join(format!("{k}.safetensors")).exists());
    }
    let out = run(&["eval", "--scene", &scene, "--models", m, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let d = &json["dhnn"];
    assert!(d["learned_power_mse"].as_f64().unwrap() >= 0.0);
    assert!(d["state_mse"].as_f64().unwrap() < json["hnn"]["state_mse"].as_f64().unwrap());
    assert!(json["baseline"]["learned_power_mse"].is_null());
    // A D-HNN file is not an HNN: loading it as one fails cleanly.
    std::fs::copy(
        models.join("dhnn.safetensors"),
        models.join("hnn.safetensors"),
    )
    .unwrap();
    let out = run(&["eval", "--scene", &scene, "--models", m, "--model", "hnn"]);
    fails_with(&out, &["hnn.safetensors"]);
}
