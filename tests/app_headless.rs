//! The app's systems without a window (`MinimalPlugins`, 1/60 s of virtual time per update):
//! the truth, the twins, user actions and the training bridge, on the shipped pixel models.
#![cfg(feature = "gui")]

use std::path::Path;
use std::sync::Arc;

use bevy::prelude::*;
use hnn_lab::app::{
    headless_app, Lab, LabAction, ModelStatus, Readouts, SimControl, TrainAction, Training, Truth,
    Twins, BASELINE, HNN,
};
use hnn_lab::twin::TwinWeights;

fn lab() -> Lab {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = Lab::load(&root.join("scenes/pixel_pendulum.ron"), None, "cpu").unwrap();
    for s in &lab.shipped {
        assert!(matches!(s, ModelStatus::Loaded { .. }), "{s:?}");
    }
    lab
}

fn act(app: &mut App, a: LabAction) {
    app.world_mut().write_message(a);
}

fn truth(app: &App) -> (f64, f64, f64, f64) {
    let t = &app.world().resource::<Truth>().0;
    let [th, om] = t.state()[..] else {
        panic!("a one-degree-of-freedom state")
    };
    (th, om, t.energy(), t.time)
}

fn learned_h(app: &App) -> f64 {
    app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .learned_energy()
        .unwrap()
}

#[test]
fn the_truth_keeps_its_energy_over_ten_seconds_of_fixed_steps() {
    let mut app = headless_app(lab());
    app.update();
    let (_, _, e0, t0) = truth(&app);
    let mut worst: f64 = 0.0;
    for _ in 0..600 {
        app.update();
        worst = worst.max((truth(&app).2 - e0).abs() / e0);
    }
    let (_, _, _, t1) = truth(&app);
    assert!((t1 - t0 - 10.0).abs() < 0.05, "simulated {} s", t1 - t0);
    // The bound `hnn-lab drift` reports for the default settings (0.6%), with a margin.
    assert!(worst < 0.01, "energy error {worst}");
}

#[test]
fn a_kick_raises_the_truths_energy_by_the_impulse_and_the_hnns_h_by_a_matched_amount() {
    let mut app = headless_app(lab());
    // How the HNN's learned H scales with the true energy: two synced states at rest.
    let mut calib = vec![];
    for theta in [0.15, 0.45] {
        act(&mut app, LabAction::SetPaused(true));
        act(&mut app, LabAction::SetTruth(vec![theta, 0.0]));
        act(&mut app, LabAction::Sync);
        app.update();
        calib.push((truth(&app).2, learned_h(&app)));
    }
    let slope = (calib[1].1 - calib[0].1) / (calib[1].0 - calib[0].0);
    eprintln!("learned H per joule: {slope:.3} (calibration {calib:?})");
    assert!(
        slope.abs() > 1e-3,
        "learned H does not grow with energy: {calib:?}"
    );

    act(&mut app, LabAction::SetTruth(vec![0.3, 0.0]));
    act(&mut app, LabAction::Sync);
    app.update();
    let (_, om, e0, _) = truth(&app);
    let h0 = learned_h(&app);
    let j = 0.25;
    act(&mut app, LabAction::Kick(0, j));
    app.update();
    let (_, _, e1, _) = truth(&app);
    let i = app.world().resource::<Lab>().pixels().unwrap().0.inertia();
    let expected = 0.5 * i * ((om + j / i).powi(2) - om * om);
    assert!(
        (e1 - e0 - expected).abs() < 1e-3 * expected.max(1.0),
        "{e0} -> {e1}, expected +{expected}"
    );
    let dh = learned_h(&app) - h0;
    let want = slope * (e1 - e0);
    assert!(
        (dh - want).abs() < 0.3 * want.abs(),
        "HNN twin's H rose by {dh}, the truth's energy change maps to {want}"
    );
}

#[test]
fn pause_stops_truth_and_twins_and_step_advances_one_frame() {
    let mut app = headless_app(lab());
    for _ in 0..10 {
        app.update();
    }
    act(&mut app, LabAction::SetPaused(true));
    app.update();
    let before = (
        truth(&app),
        app.world().resource::<Twins>().0[BASELINE]
            .as_ref()
            .unwrap()
            .state(),
    );
    for _ in 0..30 {
        app.update();
    }
    let after = (
        truth(&app),
        app.world().resource::<Twins>().0[BASELINE]
            .as_ref()
            .unwrap()
            .state(),
    );
    assert_eq!(before, after);
    assert!(app.world().resource::<SimControl>().paused);
    act(&mut app, LabAction::StepFrame);
    for _ in 0..10 {
        app.update();
    }
    let frame_dt = app.world().resource::<Lab>().pixels().unwrap().1.frame_dt;
    assert!((truth(&app).3 - before.0 .3 - frame_dt).abs() < 1e-9);
    let z = app.world().resource::<Twins>().0[BASELINE]
        .as_ref()
        .unwrap()
        .state();
    assert_ne!(z, before.1, "the twin stepped with the truth");
}

#[test]
fn after_a_drag_the_synced_twins_show_the_truths_angle() {
    let mut app = headless_app(lab());
    for theta in [0.35, -0.25, 0.1] {
        act(&mut app, LabAction::SetPaused(true));
        act(&mut app, LabAction::SetTruth(vec![theta, 0.0]));
        act(&mut app, LabAction::Sync);
        app.update();
        let r = app.world().resource::<Readouts>();
        for slot in [HNN, BASELINE] {
            let read = r.0[slot].as_ref().unwrap().q_now.clone().unwrap()[0];
            assert!(
                (read - theta).abs() < 0.08,
                "{slot:?}: θ {theta} read {read}"
            );
        }
    }
}

fn field_lab(scene: &str) -> Lab {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = Lab::load(&root.join(scene), None, "cpu").unwrap();
    assert!(lab.pixels().is_none());
    assert!(lab
        .shipped
        .iter()
        .all(|s| matches!(s, ModelStatus::Loaded { .. })));
    lab
}

/// Mean |E_twin − E_truth| of each twin over `n` frames.
fn energy_gaps(app: &mut App, n: usize) -> [f64; 2] {
    let mut gap = [0.0; 2];
    for _ in 0..n {
        app.update();
        let e = truth(app).2;
        let r = app.world().resource::<Readouts>();
        for (g, kind) in gap
            .iter_mut()
            .zip([hnn_lab::app::HNN, hnn_lab::app::BASELINE])
        {
            *g += (r.0[kind].as_ref().unwrap().energy - e).abs() / n as f64;
        }
    }
    gap
}

#[test]
fn the_spring_opens_with_twins_in_q_p_and_the_hnn_keeps_the_energy() {
    let mut app = headless_app(field_lab("scenes/spring.ron"));
    app.update();
    let (_, _, e0, _) = truth(&app);
    let [hnn, baseline] = energy_gaps(&mut app, 900);
    // The analytic truth (RK4 at 60 Hz) keeps H; the HNN twin stays near it, the baseline
    // drifts away over 15 s.
    assert!((truth(&app).2 - e0).abs() < 1e-6 * e0);
    assert!(
        hnn < 0.05 * e0 && baseline > 2.0 * hnn,
        "gaps: HNN {hnn}, baseline {baseline}"
    );
    // A kick is Δp, taken by the truth and both twins alike.
    act(&mut app, LabAction::SetPaused(true));
    app.update();
    let before: Vec<Vec<f64>> = app
        .world()
        .resource::<Twins>()
        .0
        .iter()
        .map(|t| t.as_ref().unwrap().state())
        .collect();
    let p0 = truth(&app).1;
    act(&mut app, LabAction::Kick(0, 0.25));
    app.update();
    assert!((truth(&app).1 - p0 - 0.25).abs() < 1e-12);
    for (t, b) in app.world().resource::<Twins>().0.iter().zip(&before) {
        assert!((t.as_ref().unwrap().state()[1] - b[1] - 0.25).abs() < 1e-12);
    }
}

#[test]
fn the_real_pendulum_replays_its_recording_and_refuses_kicks() {
    let mut app = headless_app(field_lab("scenes/real_pendulum.ron"));
    for _ in 0..60 {
        app.update();
    }
    let (q, p, _, t) = truth(&app);
    assert!((t - 1.0).abs() < 0.05, "a second of recording played: {t}");
    act(&mut app, LabAction::SetPaused(true));
    act(&mut app, LabAction::Kick(0, 0.5));
    app.update();
    let (q1, p1, _, _) = truth(&app);
    assert_eq!((q, p), (q1, p1));
    assert!(app
        .world()
        .resource::<hnn_lab::app::LastAction>()
        .0
        .contains("recording"));
    // The HNN twin can still be given learned energy.
    let h0 = learned_h(&app);
    act(&mut app, LabAction::AddEnergy(0.3));
    app.update();
    assert!((learned_h(&app) - h0 - 0.3).abs() < 1e-6);
}

#[test]
fn portraits_show_the_hnns_level_sets_and_bounded_baseline_arrows() {
    use hnn_lab::app::latent_portrait;
    use hnn_lab::nn::ModelKind;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = hnn_lab::scene::Scene::load(&root.join("scenes/spring.ron")).unwrap();
    let dir = root.join("models/spring");
    let (h, _) = hnn_lab::train::load_snapshot(&dir, ModelKind::Hnn, &scene).unwrap();
    let (b, _) = hnn_lab::train::load_snapshot(&dir, ModelKind::Baseline, &scene).unwrap();
    let ph = latent_portrait(&h, [0.6, 0.0]);
    assert!(ph.arrows.is_empty() && ph.contours.len() > 50);
    // The spring's learned H grows away from the origin like q² + p²: its level sets are
    // closed curves around it, so contour points lie on every side of the origin.
    let sides = ph.contours.iter().fold([false; 4], |mut s, c| {
        let (x, y) = c[0];
        s[usize::from(x > 0.0) + 2 * usize::from(y > 0.0)] = true;
        s
    });
    assert_eq!(sides, [true; 4]);
    let pb = latent_portrait(&b, [0.6, 0.0]);
    assert_eq!(pb.arrows.len(), 225);
    let step = (pb.bounds[0][1] - pb.bounds[0][0]) / 14.0;
    for a in &pb.arrows {
        let len = (a[1].0 - a[0].0).hypot(a[1].1 - a[0].1);
        assert!(
            len <= 1.2 * step + 1e-9,
            "arrow {len} longer than the grid allows"
        );
    }
}

#[test]
fn load_shipped_puts_the_shipped_weights_back_and_resyncs() {
    let mut app = headless_app(lab());
    act(&mut app, LabAction::SetPaused(true));
    app.update();
    let synced = app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .state();
    // Other weights in the twin (as training would put there), and a moved state.
    let shipped = match &app.world().resource::<Lab>().shipped[HNN] {
        ModelStatus::Loaded { weights, .. } => weights.clone(),
        other => panic!("{other:?}"),
    };
    let TwinWeights::Pixel(w) = &shipped else {
        panic!("pixel scene")
    };
    let mut other = (**w).clone();
    other.decoder.b[0][0] += 0.5;
    let obs = app.world().resource::<Truth>().0.observe();
    app.world_mut().resource_mut::<Twins>().0[HNN]
        .as_mut()
        .unwrap()
        .set_weights(TwinWeights::Pixel(Arc::new(other)), &obs);
    act(&mut app, LabAction::AddEnergy(0.3));
    app.update();
    let twin = app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .clone();
    assert!(!twin.weights().same(&shipped) && twin.state() != synced);
    app.world_mut().write_message(TrainAction::LoadShipped);
    app.update();
    let twin = app.world().resource::<Twins>().0[HNN]
        .as_ref()
        .unwrap()
        .clone();
    let reloaded = match &app.world().resource::<Lab>().shipped[HNN] {
        ModelStatus::Loaded { weights, .. } => weights.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        twin.weights().same(&reloaded),
        "the twin runs the freshly loaded weights"
    );
    let back = twin.state();
    assert!((back[0] - synced[0]).abs() < 1e-6 && (back[1] - synced[1]).abs() < 1e-6);
    let note = app.world().resource::<Training>().models[HNN]
        .note
        .clone()
        .unwrap();
    assert!(note.contains("loaded"), "{note}");
}

/// The frame's order is written once (`spine`): no two of the lab's systems touch the same
/// data in an order left to the scheduler, in any schedule (as avian checks its own).
#[test]
fn the_labs_systems_have_no_ambiguous_order() {
    let mut app = headless_app(lab());
    for _ in 0..3 {
        app.update();
    }
    let schedules = app.world().resource::<Schedules>();
    let mut found = Vec::new();
    let mut checked = 0;
    for (label, schedule) in schedules.iter() {
        let Ok(systems) = schedule.systems() else {
            continue;
        };
        let names: std::collections::HashMap<_, _> =
            systems.map(|(k, s)| (k, s.name().to_string())).collect();
        checked += names.values().filter(|n| n.starts_with("hnn_lab")).count();
        for (a, b, _) in &schedule.graph().conflicting_systems().0 {
            let (a, b) = (&names[a], &names[b]);
            if a.starts_with("hnn_lab") && b.starts_with("hnn_lab") {
                found.push(format!("{label:?}: {a} / {b}"));
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} of the lab's systems were found"
    );
    assert!(found.is_empty(), "ambiguous pairs: {found:#?}");
}
