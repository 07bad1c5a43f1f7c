//! The teaching layer headless (`MinimalPlugins`, 1/60 s of virtual time per update): the
//! shipped lessons played to their cues, the game's rules and best-score table, physics
//! changes, and the twins' integrator toggle, on the shipped pixel models.
#![cfg(feature = "gui")]

use std::path::Path;

use bevy::prelude::*;
use hnn_lab::app::game::{BestScoreTable, GameRound};
use hnn_lab::app::lesson::LessonPlayer;
use hnn_lab::app::GameAction;
use hnn_lab::app::LessonCommand;
use hnn_lab::app::{headless_app, Lab, LabAction, SimControl, Truth, TwinIntegration, Twins, HNN};
use hnn_lab::game::Outcome;
use hnn_lab::twin::{Integrator, Twin};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A lab on a lesson, with its best-score table in a temporary folder.
fn lesson_lab(name: &str, scores: &Path) -> Lab {
    let mut lab = Lab::load_lesson(&root().join("scenes/lessons").join(name), None, "cpu").unwrap();
    lab.scores_file = scores.join("best_scores.ron");
    lab
}

fn plain_lab(scores: &Path) -> Lab {
    let mut lab = Lab::load(&root().join("scenes/pixel_pendulum.ron"), None, "cpu").unwrap();
    lab.scores_file = scores.join("best_scores.ron");
    lab
}

fn time(app: &App) -> f64 {
    app.world().resource::<Truth>().0.time
}
fn energy(app: &App) -> f64 {
    app.world().resource::<Truth>().0.energy()
}
fn learned_h(app: &App) -> f64 {
    app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .learned_energy()
        .unwrap()
}
fn caption(app: &App) -> Option<String> {
    app.world().resource::<LessonPlayer>().caption.clone()
}

/// Updates until the lesson's clock reaches `t` (the lesson runs on simulated time).
fn run_until(app: &mut App, t: f64) {
    let mut guard = 0;
    while app.world().resource::<LessonPlayer>().player.clock < t {
        app.update();
        guard += 1;
        assert!(
            guard < 100_000,
            "the lesson clock is stuck at {}",
            app.world().resource::<LessonPlayer>().player.clock
        );
    }
}

#[test]
fn add_energy_halfway_raises_the_hnns_h_then_the_truths_energy_by_the_scripted_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(lesson_lab("add_energy_halfway.ron", dir.path()));
    app.update();
    assert!(caption(&app).unwrap().contains("paper's experiment"));
    // The start state is the lesson's (0.3 rad, at rest), not the scene's.
    let e_start = energy(&app);
    let want = 1.0 * 9.81 * 0.5 * (1.0 - 0.3f64.cos());
    assert!((e_start - want).abs() < 0.01 * want, "{e_start} vs {want}");

    run_until(&mut app, 7.9);
    let (h0, e0) = (learned_h(&app), energy(&app));
    run_until(&mut app, 8.1);
    let dh = learned_h(&app) - h0;
    assert!((dh - 0.02).abs() < 2e-3, "learned H rose by {dh}");
    assert!(
        (energy(&app) - e0).abs() < 0.01 * e0,
        "the truth is untouched"
    );
    assert!(caption(&app).unwrap().contains("+0.02"));

    run_until(&mut app, 15.9);
    let e1 = energy(&app);
    run_until(&mut app, 16.1);
    let de = energy(&app) - e1;
    // rapier's bounded energy error is ~0.5% of the energy (`hnn-lab drift`).
    assert!(
        (de - 0.05).abs() < 0.005 * (e1 + 0.05) + 1e-3,
        "truth rose by {de} J"
    );

    run_until(&mut app, 31.0);
    assert!(caption(&app).is_none(), "the last cue clears the caption");
    assert!(app.world().resource::<LessonPlayer>().player.finished());
}

#[test]
fn a_lesson_pause_stops_the_lesson_until_the_viewer_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(lesson_lab("energy_is_conserved.ron", dir.path()));
    run_until(&mut app, 14.0);
    app.update();
    assert!(app.world().resource::<SimControl>().paused);
    assert!(caption(&app).unwrap().starts_with("Paused"));
    let (t, clock) = (
        time(&app),
        app.world().resource::<LessonPlayer>().player.clock,
    );
    for _ in 0..120 {
        app.update();
    }
    assert_eq!(time(&app), t, "paused: the truth waits");
    assert_eq!(
        app.world().resource::<LessonPlayer>().player.clock,
        clock,
        "and the lesson"
    );
    let e0 = energy(&app);
    app.world_mut().write_message(LabAction::SetPaused(false));
    run_until(&mut app, 16.5);
    let de = energy(&app) - e0;
    assert!(
        (de - 0.15).abs() < 0.005 * (e0 + 0.15) + 1e-3,
        "kick added {de} J"
    );
    // Restart: clock, caption and truth back to the start.
    app.world_mut().write_message(LessonCommand::Restart);
    app.update();
    app.update();
    let lp = app.world().resource::<LessonPlayer>();
    assert!(
        lp.player.clock < 0.1 && lp.player.progress().0 <= 1,
        "{:?}",
        lp.player.progress()
    );
    assert!((app.world().resource::<Truth>().0.state()[0] - 0.45).abs() < 0.05);
}

#[test]
fn the_pumping_lesson_wins_a_round_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(lesson_lab("pumping_a_swing.ron", dir.path()));
    app.update();
    {
        let g = app.world().resource::<GameRound>();
        let r = g.round.as_ref().expect("the lesson starts a round");
        assert_eq!(r.kicks_left, 5, "the first kick came with the start");
    }
    let mut frames = 0;
    let result = loop {
        app.update();
        frames += 1;
        assert!(frames < 60 * 30, "the round never ended");
        if let Some(res) = app
            .world()
            .resource::<GameRound>()
            .round
            .as_ref()
            .and_then(|r| r.result.clone())
        {
            break res;
        }
    };
    assert_eq!(result.outcome, Outcome::Held, "{result:?}");
    assert_eq!(result.kicks_used, 3);
    // Three kicks in step with the swing and a 5 s hold: about 8.3 s, so 100 − 2·3.3.
    assert!((result.seconds - 8.3).abs() < 0.3, "{}", result.seconds);
    assert!(result.scores[0] >= 90, "{:?}", result.scores);
    // Both twins were scored on their tracking; the HNN tracks better than the baseline.
    let [h, b] = result.tracking.map(Option::unwrap);
    assert!(h < b, "HNN error {h}, baseline {b}");
    assert_eq!(app.world().resource::<GameRound>().rank, Some(0));
    // Saved (off the frame's thread) as a RON table that reads back.
    let path = dir.path().join("best_scores.ron");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !path.exists() {
        assert!(std::time::Instant::now() < deadline, "no table written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let (table, note, _) = hnn_lab::game::BestScores::load(&path);
    assert!(note.is_none());
    assert_eq!(table.entries.len(), 1);
    assert_eq!(table.entries[0].player, result.scores[0]);
    assert_eq!(table.entries[0].target, 27.0);
}

/// Runs until the current round has a result.
fn round_result(app: &mut App) -> hnn_lab::game::RoundResult {
    for _ in 0..60 * 30 {
        app.update();
        let g = app.world().resource::<GameRound>();
        if let Some(res) = g.round.as_ref().and_then(|r| r.result.clone()) {
            return res;
        }
    }
    panic!("the round never ended");
}

#[test]
fn restarting_the_pumping_lesson_plays_its_round_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(lesson_lab("pumping_a_swing.ron", dir.path()));
    let first = round_result(&mut app);
    assert_eq!(first.outcome, Outcome::Held);
    // Moon gravity in between: the restart must put the lesson's Earth back.
    let mut p = app.world().resource::<Truth>().0.physics().unwrap();
    p.gravity = 1.62;
    app.world_mut().write_message(GameAction::Dismiss);
    app.world_mut().write_message(LabAction::SetPhysics(
        hnn_lab::scene::SystemSpec::RapierPendulum(p),
    ));
    app.update();
    app.world_mut().write_message(LessonCommand::Restart);
    app.update();
    app.update();
    assert_eq!(
        app.world().resource::<Truth>().0.physics().unwrap().gravity,
        9.81
    );
    let again = round_result(&mut app);
    assert_eq!(
        (again.outcome, again.kicks_used),
        (Outcome::Held, 3),
        "{again:?}"
    );
    assert!(
        (again.seconds - first.seconds).abs() < 0.1,
        "{again:?} vs {first:?}"
    );
}

fn kicks_left(app: &App) -> u32 {
    app.world()
        .resource::<GameRound>()
        .round
        .as_ref()
        .unwrap()
        .kicks_left
}

#[test]
fn in_a_round_kicks_are_fixed_and_counted_and_drags_and_syncs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A corrupt table is set aside, never a crash.
    std::fs::write(dir.path().join("best_scores.ron"), "(entries: [oops").unwrap();
    let mut app = headless_app(plain_lab(dir.path()));
    app.update();
    let note = app
        .world()
        .resource::<BestScoreTable>()
        .note
        .clone()
        .unwrap();
    assert!(note.contains("set aside"), "{note}");
    assert!(!dir.path().join("best_scores.ron").exists());

    app.world_mut().write_message(GameAction::Start(Some(25.0)));
    app.update();
    assert_eq!(
        app.world().resource::<Truth>().0.state(),
        [0.0, 0.0],
        "from rest"
    );
    app.world_mut().write_message(LabAction::Kick(0, 1.0));
    app.update();
    // The round's 0.2 N·m·s, not the 1.0 asked for: E = J² / 2I with I = 1/3.
    let e = energy(&app);
    assert!((e - 0.04 / (2.0 / 3.0)).abs() < 2e-3, "{e}");
    assert_eq!(kicks_left(&app), 5);
    let before = app.world().resource::<Truth>().0.state();
    app.world_mut()
        .write_message(LabAction::SetTruth(vec![1.0, 0.0]));
    app.update();
    assert!(
        (app.world().resource::<Truth>().0.state()[0] - before[0]).abs() < 0.1,
        "drag refused"
    );
    // Paused, so nothing moves: a sync would make the HNN twin the encoding of the truth's
    // frames; it is refused (it would reset the twins' tracking), as are energy and physics
    // changes that would win the round without kicks.
    app.world_mut().write_message(LabAction::SetPaused(true));
    app.update();
    let twin = |app: &App| app.world().resource::<Twins>().0[HNN].clone().unwrap();
    let mut synced = twin(&app);
    synced.sync(&app.world().resource::<Truth>().0.observe());
    assert_ne!(
        twin(&app).state(),
        synced.state(),
        "the twin has moved on since the start"
    );
    let e_before = energy(&app);
    let mut jupiter = app.world().resource::<Truth>().0.physics().unwrap();
    jupiter.gravity = 24.79;
    for a in [
        LabAction::Sync,
        LabAction::AddTrueEnergy(0, 0.3),
        LabAction::SetPhysics(hnn_lab::scene::SystemSpec::RapierPendulum(jupiter)),
    ] {
        app.world_mut().write_message(a);
    }
    app.update();
    assert_ne!(twin(&app).state(), synced.state(), "sync refused");
    assert_eq!(
        energy(&app),
        e_before,
        "no energy or gravity change in a round"
    );
    app.world_mut().write_message(LabAction::SetPaused(false));
    for _ in 0..8 {
        app.world_mut().write_message(LabAction::Kick(0, -1.0));
        app.update();
    }
    assert_eq!(kicks_left(&app), 0, "six kicks, no more");
    // Out of kicks: the round ends (lost, or held if these random kicks happened to land).
    for _ in 0..60 * 10 {
        app.update();
    }
    let g = app.world().resource::<GameRound>();
    assert!(g.round.as_ref().unwrap().over());
    app.world_mut().write_message(GameAction::Dismiss);
    app.update();
    assert!(app.world().resource::<GameRound>().round.is_none());
}

#[test]
fn moon_gravity_moves_the_truth_at_once_and_marks_the_twins_outside_their_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(plain_lab(dir.path()));
    app.update();
    assert!(!app.world().resource::<Lab>().physics_changed());
    let mut p = app.world().resource::<Truth>().0.physics().unwrap();
    p.gravity = 1.62;
    app.world_mut().write_message(LabAction::SetPhysics(
        hnn_lab::scene::SystemSpec::RapierPendulum(p),
    ));
    app.update();
    let lab = app.world().resource::<Lab>();
    assert!(lab.physics_changed());
    assert_eq!(
        lab.pixels().unwrap().0.gravity,
        1.62,
        "a retrain would learn the Moon"
    );
    // The period is now 2π/√(3g/2l) ≈ 4.0 s: from rest at 0.4 rad, a quarter period (1 s)
    // later the truth is near the bottom, where on Earth it would have swung back out.
    app.world_mut()
        .write_message(LabAction::SetTruth(vec![0.4, 0.0]));
    app.update();
    let t0 = time(&app);
    while time(&app) < t0 + 1.0 {
        app.update();
    }
    let th = app.world().resource::<Truth>().0.state()[0];
    assert!(th.abs() < 0.08, "θ = {th} after a quarter Moon period");
}

/// The HNN twin's learned H over 60 s of twin steps of 12 physics steps (4 frames): the
/// largest change, and the change sampled every 10 s.
fn learned_h_drift(integrator: Integrator) -> (f64, Vec<f64>) {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(plain_lab(dir.path()));
    app.world_mut()
        .write_message(LabAction::SetIntegrator(integrator));
    app.world_mut().write_message(LabAction::SetTwinStep(12));
    app.update();
    let h0 = learned_h(&app);
    let (mut worst, mut samples) = (0.0f64, vec![]);
    for k in 1..=3600 {
        app.update();
        let d = learned_h(&app) - h0;
        worst = worst.max(d.abs());
        if k % 600 == 0 {
            samples.push(d);
        }
    }
    (worst, samples)
}

#[test]
fn the_integrator_toggle_and_step_reach_the_twins_and_show_in_the_energy() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(plain_lab(dir.path()));
    app.update();
    app.world_mut()
        .write_message(LabAction::SetIntegrator(Integrator::Leapfrog));
    app.world_mut().write_message(LabAction::SetTwinStep(6));
    app.update();
    assert_eq!(
        *app.world().resource::<TwinIntegration>(),
        TwinIntegration {
            integrator: Integrator::Leapfrog,
            every: 6,
            count: app.world().resource::<TwinIntegration>().count
        }
    );
    // The twin moves once every 6 physics steps.
    let z = |app: &App| match app.world().resource::<Twins>().0[HNN].as_ref().unwrap() {
        Twin::Pixel(t) => (t.z, t.integrator),
        _ => unreachable!(),
    };
    let mut changes = 0;
    let mut last = z(&app).0;
    for _ in 0..12 {
        app.update();
        let (now, i) = z(&app);
        assert_eq!(i, Integrator::Leapfrog);
        changes += (now != last) as u32;
        last = now;
    }
    assert_eq!(changes, 2, "12 physics steps, two twin steps");

    // Large steps: RK4 bleeds the learned energy step after step (its swing dies out over a
    // few minutes), leapfrog's error stays an order smaller (and, over 5 minutes, returns:
    // it oscillates).
    let (_, rk4) = learned_h_drift(Integrator::Rk4);
    let (lf_worst, lf) = learned_h_drift(Integrator::Leapfrog);
    eprintln!("learned H every 10 s, 4-frame steps: RK4 {rk4:.4?}; leapfrog {lf:.4?}");
    assert!(
        rk4.windows(2).all(|w| w[1] < w[0]),
        "RK4 drifts down: {rk4:?}"
    );
    let rk4_end = rk4.last().unwrap().abs();
    assert!(
        rk4_end > 3.0 * lf_worst,
        "RK4 drift {rk4_end} vs leapfrog's worst {lf_worst}"
    );
}

/// The damped pendulum: four columns (truth, D-HNN, HNN, baseline); over 20 s the truth's
/// thermal energy is what its energy lost (K + U + Q stays the start's), the D-HNN twin
/// loses energy with it while the HNN twin cannot, and each column's period timer reads the
/// damped pendulum's period (≈ 2π/√6 · (1 + amplitude correction)).
#[test]
fn the_damped_pendulum_shows_where_the_energy_goes() {
    use hnn_lab::app::instruments::Instruments;
    use hnn_lab::app::{Readouts, Thermal, BASELINE};
    use hnn_lab::nn::ModelKind;
    let lab = Lab::load(&root().join("scenes/damped_pendulum.ron"), None, "cpu").unwrap();
    assert_eq!(lab.columns(), 4);
    let mut app = headless_app(lab);
    app.update();
    let e0 = energy(&app);
    for _ in 0..1200 {
        app.update();
    }
    let th = app.world().resource::<Thermal>();
    assert!(th.shown);
    let lost = th.truth.lost();
    assert!(lost > 0.3 * e0, "lost {lost} of {e0}");
    assert!(
        (energy(&app) + lost - e0).abs() < 1e-6 * e0,
        "E + Q = {} vs E0 = {e0}",
        energy(&app) + lost
    );
    let d = th.twins[ModelKind::Dhnn].lost();
    let h = th.twins[HNN].lost();
    let b = th.twins[BASELINE].lost();
    assert!(
        d > 0.5 * lost && b > 0.5 * lost,
        "D-HNN {d}, baseline {b}, truth {lost}"
    );
    assert!(h.abs() < 0.1 * lost, "the HNN twin lost {h}");
    // Its own account: the D-HNN's learned H falls too.
    assert!(th.learned[ModelKind::Dhnn].lost() > 0.3 * lost);
    let r = app.world().resource::<Readouts>();
    assert_eq!(r.0.len(), 3);
    // Small-angle period 2π/√(2mk) = 2.565 s; at this amplitude longer (elliptic), and it
    // shortens as the swing dies down.
    let ins = app.world().resource::<Instruments>();
    let t = ins.timers[0].period().unwrap();
    assert!(t > 2.565 && t < 3.6, "truth's period {t}");
    // The recording holds the last minute: t, 2 + 1 numbers per column.
    assert_eq!(ins.recording.columns.len(), 1 + 4 * 3);
    assert!(ins.recording.len() > 1000);
}

/// The friction slider: tripling the truth's friction scales the D-HNN twin's dissipation by
/// three (its learned power ∇H·∇D triples), untrained; the other twins keep their weights; the panel
/// reports physics the twins did not learn. Back to the trained friction, back to ×1.
#[test]
fn a_new_friction_scales_the_dhnn_twins_dissipation() {
    use hnn_lab::nn::ModelKind;
    use hnn_lab::twin::Twin;
    let lab = Lab::load(&root().join("scenes/damped_pendulum.ron"), None, "cpu").unwrap();
    let mut app = headless_app(lab);
    app.update();
    let power = |app: &App| -> f64 {
        let Some(Twin::Field(t)) = &app.world().resource::<Twins>().0[ModelKind::Dhnn] else {
            panic!("a (q, p) D-HNN twin")
        };
        t.model.learned_power(&[1.0, 0.5]).unwrap()
    };
    // (Its learned split need not match the truth's point by point: only the scaling is
    // checked here; the table reports the learned power's error.)
    let p0 = power(&app);
    assert!(
        p0.abs() > 1e-3,
        "the trained D-HNN has a dissipative part: {p0}"
    );
    app.world_mut().write_message(LabAction::SetFriction(0.15));
    app.update();
    let p1 = power(&app);
    assert!((p1 - 3.0 * p0).abs() < 1e-9 * p0.abs(), "{p1} vs 3 × {p0}");
    let lab = app.world().resource::<Lab>();
    assert!(lab.physics_changed());
    assert!((lab.scene.friction.gamma - 0.15).abs() < 1e-12);
    assert!((app.world().resource::<Truth>().0.friction.gamma - 0.15).abs() < 1e-12);
    app.world_mut().write_message(LabAction::SetFriction(0.05));
    app.update();
    assert!((power(&app) - p0).abs() < 1e-12 * p0.abs());
    assert!(!app.world().resource::<Lab>().physics_changed());
}

/// The lesson "a friction it never saw" moves the truth's friction and back to none; the rod
/// of the pixel scene takes a friction as its joint's.
#[test]
fn the_friction_lesson_and_the_rods_joint_friction() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = headless_app(lesson_lab("a_friction_it_never_saw.ron", dir.path()));
    app.update();
    run_until(&mut app, 6.0);
    let f = app.world().resource::<Truth>().0.friction;
    assert!((f.gamma - 0.15).abs() < 1e-12, "{f:?}");
    run_until(&mut app, 21.0);
    assert!(app.world().resource::<Truth>().0.friction.is_none());
    // The rapier rod: its joint friction is part of its physics.
    let mut app = headless_app(plain_lab(dir.path()));
    app.update();
    app.world_mut().write_message(LabAction::SetFriction(0.2));
    app.update();
    let hnn_lab::scene::SystemSpec::RapierPendulum(r) = app.world().resource::<Lab>().scene.system
    else {
        panic!("the pixel scene's system")
    };
    assert_eq!(r.friction, 0.2);
    let e0 = energy(&app);
    for _ in 0..300 {
        app.update();
    }
    assert!(energy(&app) < 0.9 * e0, "{} vs {e0}", energy(&app));
}

/// The rapier double pendulum takes a friction as its joints' damping: the lab's physics
/// says so, and the rods lose energy (the lab's other scenes' friction is the scene's).
#[test]
fn the_rapier_double_pendulums_joints_take_a_friction() {
    let lab = Lab::load(
        &root().join("scenes/rapier_double_pendulum.ron"),
        None,
        "cpu",
    )
    .unwrap();
    let mut app = headless_app(lab);
    app.update();
    app.world_mut().write_message(LabAction::SetFriction(0.3));
    app.update();
    let hnn_lab::scene::SystemSpec::RapierDoublePendulum(r) =
        app.world().resource::<Lab>().scene.system
    else {
        panic!("the rapier double pendulum")
    };
    assert_eq!(r.friction, 0.3);
    assert!(app.world().resource::<Lab>().physics_changed());
    let e0 = energy(&app);
    for _ in 0..300 {
        app.update();
    }
    assert!(energy(&app) < 0.95 * e0, "{} vs {e0}", energy(&app));
}

/// The damped pixel pendulum: four columns (truth, D-HNN, HNN, baseline), the truth's
/// thermal energy grows as its joint friction takes energy, and the D-HNN twin's learned H
/// falls while the HNN's stays (its latent field cannot lose energy).
#[test]
fn the_damped_pixel_pendulum_has_three_twins_and_only_the_dhnn_slows() {
    use hnn_lab::app::{Thermal, HNN};
    use hnn_lab::nn::ModelKind;
    let lab = Lab::load(
        &root().join("scenes/damped_pixel_pendulum.ron"),
        None,
        "cpu",
    )
    .unwrap();
    assert_eq!(lab.columns(), 4);
    let mut app = headless_app(lab);
    app.update();
    let e0 = energy(&app);
    for _ in 0..600 {
        app.update();
    }
    let th = app.world().resource::<Thermal>();
    let lost = th.truth.lost();
    assert!(lost > 0.3 * e0, "the truth lost {lost} of {e0}");
    let d = th.learned[ModelKind::Dhnn].lost();
    let h = th.learned[HNN].lost();
    assert!(d > 0.0, "the D-HNN's learned H fell: {d}");
    assert!(
        h.abs() < 0.2 * d,
        "the HNN's learned H kept: {h} vs the D-HNN's {d}"
    );
}
