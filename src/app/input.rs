//! Keyboard and mouse: shortcuts for every control, and dragging the truth's bob (either bob of
//! a double pendulum). Input only sends `LabAction`s; it is ignored while egui has the pointer
//! or the keyboard.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use super::capture::TakeScreenshot;
use super::game::GameRound;
use super::messages::GameAction;
use super::messages::LessonCommand;
use super::twins::TWIN_STEPS;
use super::ui::{ControlSettings, HelpOpen, GRAVITY_PRESETS};
use super::view::{body_points, origin, spring_mass, Layout, Stage, WorldCamera, SPRING_PX};
use super::{Lab, LabAction, SimControl, Truth, RATES};
use super::{TrainAction, Training, TwinIntegration};
use crate::twin::Integrator;

/// An ongoing drag of the truth's bob: the last angle and when, for the release velocity.
#[derive(Resource, Default)]
struct Drag(Option<(f64, f64, f64)>);

/// An ongoing drag of one bob of a chain with n > 1: which, and the angles it has set.
#[derive(Resource, Default)]
struct ChainDrag(Option<(usize, Vec<f64>)>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Drag>()
        .init_resource::<ChainDrag>()
        .add_systems(Update, (keys, teaching_keys, drag_bob, drag_chain));
}

/// The teaching layer's keys: help, game, lesson, integrator, physics, training.
#[allow(clippy::too_many_arguments)]
fn teaching_keys(
    kb: Res<ButtonInput<KeyCode>>,
    egui: Res<EguiWantsInput>,
    mut help: ResMut<HelpOpen>,
    game: Res<GameRound>,
    integration: Res<TwinIntegration>,
    truth: Res<Truth>,
    training: Res<Training>,
    mut msgs: (
        MessageWriter<LabAction>,
        MessageWriter<GameAction>,
        MessageWriter<LessonCommand>,
        MessageWriter<TrainAction>,
    ),
) {
    if egui.wants_any_keyboard_input() {
        return;
    }
    let shift = kb.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let (actions, games, lessons, train) = &mut msgs;
    for k in kb.get_just_pressed() {
        match k {
            KeyCode::F1 => help.0 = !help.0,
            KeyCode::Slash if shift => help.0 = !help.0,
            KeyCode::Escape if help.0 => help.0 = false,
            KeyCode::Escape => {
                games.write(GameAction::Dismiss);
            }
            KeyCode::F2 => {
                games.write(if game.active().is_some() {
                    GameAction::Abandon
                } else {
                    GameAction::Start(None)
                });
            }
            KeyCode::F3 => {
                lessons.write(LessonCommand::Restart);
            }
            KeyCode::KeyI => {
                actions.write(LabAction::SetIntegrator(match integration.integrator {
                    Integrator::Rk4 => Integrator::Leapfrog,
                    Integrator::Leapfrog => Integrator::Rk4,
                }));
            }
            KeyCode::BracketLeft | KeyCode::BracketRight => {
                let i = TWIN_STEPS
                    .iter()
                    .position(|&n| n >= integration.every)
                    .unwrap_or(TWIN_STEPS.len() - 1);
                let j = if *k == KeyCode::BracketRight {
                    (i + 1).min(TWIN_STEPS.len() - 1)
                } else {
                    i.saturating_sub(1)
                };
                actions.write(LabAction::SetTwinStep(TWIN_STEPS[j]));
            }
            KeyCode::KeyG if truth.0.physics().is_none() => {
                let Some(g) = truth.0.system().gravity() else {
                    continue;
                };
                let now = GRAVITY_PRESETS
                    .iter()
                    .position(|(_, p)| (g - p).abs() < 1e-9);
                let next = now.map_or(0, |i| (i + 1) % GRAVITY_PRESETS.len());
                if let Some(s) = truth.0.system().with_gravity(GRAVITY_PRESETS[next].1) {
                    actions.write(LabAction::SetPhysics(s));
                }
            }
            KeyCode::KeyG | KeyCode::KeyL | KeyCode::KeyM => {
                let Some(mut p) = truth.0.physics() else {
                    continue;
                };
                match k {
                    KeyCode::KeyG => {
                        let now = GRAVITY_PRESETS
                            .iter()
                            .position(|(_, g)| (g - p.gravity).abs() < 1e-9);
                        let next = now.map_or(0, |i| (i + 1) % GRAVITY_PRESETS.len());
                        p.gravity = GRAVITY_PRESETS[next].1;
                    }
                    KeyCode::KeyL => {
                        p.length = (p.length + if shift { -0.1 } else { 0.1 }).clamp(0.5, 2.0)
                    }
                    _ => p.mass = (p.mass + if shift { -0.2 } else { 0.2 }).clamp(0.2, 5.0),
                }
                actions.write(LabAction::SetPhysics(
                    crate::scene::SystemSpec::RapierPendulum(p),
                ));
            }
            KeyCode::KeyT if shift => {
                train.write(TrainAction::Retrain {
                    from_scratch: false,
                });
            }
            KeyCode::KeyT => {
                train.write(if training.any_running() {
                    TrainAction::Pause
                } else {
                    TrainAction::Start
                });
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn keys(
    kb: Res<ButtonInput<KeyCode>>,
    egui: Res<EguiWantsInput>,
    settings: Res<ControlSettings>,
    truth: Res<Truth>,
    mut layout: ResMut<Layout>,
    mut actions: MessageWriter<LabAction>,
    mut shots: MessageWriter<TakeScreenshot>,
) {
    if egui.wants_any_keyboard_input() {
        return;
    }
    let kick = settings.kick;
    // The arrows kick the first body; with Shift the second, with Ctrl the third.
    let body = if kb.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]) {
        2
    } else if kb.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]) {
        1
    } else {
        0
    };
    let body = body.min(truth.0.bodies().saturating_sub(1));
    for k in kb.get_just_pressed() {
        let a = match k {
            KeyCode::ArrowLeft => LabAction::Kick(body, -kick),
            KeyCode::ArrowRight => LabAction::Kick(body, kick),
            KeyCode::KeyO if truth.0.state().len() > 2 => {
                *layout = match *layout {
                    Layout::SideBySide => Layout::Overlaid,
                    Layout::Overlaid => Layout::SideBySide,
                };
                continue;
            }
            KeyCode::Space => LabAction::TogglePause,
            KeyCode::KeyN => LabAction::StepFrame,
            KeyCode::KeyR => LabAction::Reset,
            KeyCode::KeyS => LabAction::Sync,
            KeyCode::KeyE => LabAction::AddEnergy(settings.add_energy),
            KeyCode::Digit1 => LabAction::SetRate(RATES[0]),
            KeyCode::Digit2 => LabAction::SetRate(RATES[1]),
            KeyCode::Digit3 => LabAction::SetRate(RATES[2]),
            KeyCode::Digit4 => LabAction::SetRate(RATES[3]),
            KeyCode::F12 | KeyCode::KeyP => {
                shots.write(TakeScreenshot(None));
                continue;
            }
            _ => continue,
        };
        actions.write(a);
    }
}

/// Press on (or near) the truth's bob, move, release: the truth follows the mouse, then the
/// twins re-sync from the truth's latest two frames.
#[allow(clippy::too_many_arguments)]
fn drag_bob(
    mouse: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<WorldCamera>>,
    egui: Res<EguiWantsInput>,
    truth: Res<Truth>,
    lab: Res<Lab>,
    stage: Res<Stage>,
    ctl: Res<SimControl>,
    time: Res<Time<Real>>,
    mut drag: ResMut<Drag>,
    mut actions: MessageWriter<LabAction>,
) {
    let (cam, tf) = *camera;
    let cursor = window
        .cursor_position()
        .and_then(|p| cam.viewport_to_world_2d(tf, p).ok());
    let now = time.elapsed_secs_f64();
    if lab.scene.system.dof() > 1 {
        return; // `drag_chain`
    }
    let rod = lab.draws_rod();
    let q = truth.0.state()[0];
    // The truth's coordinate under the cursor, continuous with `near` (across the top).
    let under = |c: Vec2, near: f64| {
        let d = c - origin(0, Layout::SideBySide, &stage);
        if rod {
            let raw = d.x.atan2(-d.y) as f64;
            near + crate::data::render::wrap_diff(near, raw)
        } else {
            (d.x / SPRING_PX) as f64
        }
    };
    if mouse.just_pressed(MouseButton::Left)
        && !egui.wants_any_pointer_input()
        && truth.0.interactive()
    {
        if let Some(c) = cursor {
            let grab = if rod {
                origin(0, Layout::SideBySide, &stage) + body_points(&lab, &stage, &[q])[0]
            } else {
                spring_mass(0, q, &stage)
            };
            if c.distance(grab) < 30.0 {
                // Start from where the cursor is, at rest: no velocity from the grab offset.
                drag.0 = Some((under(c, q), now, 0.0));
                return;
            }
        }
    }
    let Some((last, at, omega)) = drag.0 else {
        return;
    };
    if mouse.pressed(MouseButton::Left) {
        if let Some(c) = cursor {
            let theta = under(c, last);
            let dt = now - at;
            if dt < 1e-3 {
                return;
            }
            // Smoothed so a jerky mouse does not fling the pendulum; real seconds become
            // simulated ones at the current time rate.
            let w = 0.6 * omega + 0.4 * (theta - last) / dt / ctl.rate.max(1e-3);
            drag.0 = Some((theta, now, w));
            actions.write(LabAction::SetTruth(vec![
                theta,
                lab.scene.system.momentum_for(w).unwrap_or(w),
            ]));
        }
    } else {
        drag.0 = None;
        let w = omega.clamp(-15.0, 15.0);
        actions.write(LabAction::SetTruth(vec![
            last,
            lab.scene.system.momentum_for(w).unwrap_or(w),
        ]));
        actions.write(LabAction::Sync);
    }
}

/// Press on (or near) either bob of a double pendulum, move, release: that bob's rod swings
/// about the joint above it to follow the mouse, the system held at rest; on release it is
/// let go from rest and the twins re-sync.
#[allow(clippy::too_many_arguments)]
fn drag_chain(
    mouse: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<WorldCamera>>,
    egui: Res<EguiWantsInput>,
    truth: Res<Truth>,
    lab: Res<Lab>,
    stage: Res<Stage>,
    layout: Res<Layout>,
    mut drag: ResMut<ChainDrag>,
    mut actions: MessageWriter<LabAction>,
) {
    let system = &lab.scene.system;
    if !(system.is_chain() && system.dof() > 1) {
        return;
    }
    let (cam, tf) = *camera;
    let cursor = window
        .cursor_position()
        .and_then(|p| cam.viewport_to_world_2d(tf, p).ok());
    let o = origin(0, *layout, &stage);
    let n = system.dof();
    let at_rest = |q: &[f64]| {
        let mut x = q.to_vec();
        x.resize(2 * n, 0.0);
        x
    };
    if mouse.just_pressed(MouseButton::Left)
        && !egui.wants_any_pointer_input()
        && truth.0.interactive()
    {
        if let Some(c) = cursor {
            let x = truth.0.state();
            let bobs = body_points(&lab, &stage, &x[..n]);
            let near = bobs
                .iter()
                .enumerate()
                .map(|(i, b)| (i, (o + *b).distance(c)))
                .filter(|(_, d)| *d < 30.0)
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((body, _)) = near {
                drag.0 = Some((body, x[..n].to_vec()));
                return;
            }
        }
    }
    let Some((body, q)) = drag.0.clone() else {
        return;
    };
    if mouse.pressed(MouseButton::Left) {
        if let Some(c) = cursor {
            let local = (c - o) / stage.px;
            if let Some(next) = system.chain_angles_to(&q, body, [local.x as f64, local.y as f64]) {
                actions.write(LabAction::SetTruth(at_rest(&next)));
                drag.0 = Some((body, next));
            }
        }
    } else {
        drag.0 = None;
        actions.write(LabAction::SetTruth(at_rest(&q)));
        actions.write(LabAction::Sync);
    }
}
