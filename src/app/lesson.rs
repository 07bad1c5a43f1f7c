//! Lessons on screen: plays the lab's timeline on simulated time (a pause stops the lesson
//! too), turning each due cue into the same messages the controls send, and keeps the caption
//! to show. Lessons for the open scene can be picked, restarted and stopped from the panel.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{GameAction, LabAction, LessonCommand, TrainAction};
use super::sim::Truth;
use super::spine::Frame;
use crate::lesson::{Lesson, LessonAction, Player};
use crate::scene::SystemSpec;
use crate::twin::Integrator;

/// The lesson being played and what it shows.
#[derive(Resource, Default)]
pub struct LessonPlayer {
    pub lesson: Option<Lesson>,
    pub player: Player,
    pub caption: Option<String>,
    /// Why the last lesson asked for could not be opened.
    pub error: Option<String>,
    last_time: f64,
    /// The lesson's own settings, which a restart puts back: the rapier pendulum's physics
    /// (a lesson may change gravity) and the time rate.
    physics: Option<SystemSpec>,
    /// The scene's friction strength, which a restart puts back (a lesson may move it).
    friction: Option<f64>,
    rate: f64,
    /// Set when a (re)start was just asked for: the cues wait one frame, until the reset
    /// it sends has been applied (else a round started at t = 0 would be abandoned by it).
    hold: bool,
}

/// Lessons in the scene's `lessons/` folder that play on this scene: (title, file).
#[derive(Resource, Default)]
pub struct LessonMenu(pub Vec<(String, PathBuf)>);

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    let player = LessonPlayer {
        player: Player::new(
            lab.lesson
                .as_ref()
                .map(|l| l.cues.clone())
                .unwrap_or_default(),
        ),
        lesson: lab.lesson.clone(),
        physics: physics_of(&lab.scene),
        friction: friction_of(&lab.scene),
        rate: lab.scene.view.time_rate,
        ..default()
    };
    app.insert_resource(player)
        .insert_resource(LessonMenu(lessons_for(&lab.scene.source)))
        .add_systems(
            PreUpdate,
            (lesson_commands, play).chain().in_set(Frame::Script),
        );
}

/// The lesson files next to a scene (`<scene folder>/lessons/*.ron`) that name that scene.
fn lessons_for(scene: &Path) -> Vec<(String, PathBuf)> {
    let Some(dir) = scene.parent().map(|d| d.join("lessons")) else {
        return vec![];
    };
    let same = crate::textfile::same_file;
    let mut out: Vec<(String, PathBuf)> = crate::textfile::list_dir(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .filter_map(|p| {
            let (title, s) = Lesson::peek(&p)?;
            same(&s, scene).then_some((title, p))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The physics a lesson restart puts back: the scene's own, where they can change (not for
/// a recording).
fn physics_of(scene: &crate::scene::Scene) -> Option<SystemSpec> {
    let fixed = matches!(scene.data, crate::scene::DataSpec::Recorded(_))
        || matches!(
            scene.system,
            SystemSpec::Spring { .. } | SystemSpec::Pendulum { .. }
        );
    (!fixed).then(|| scene.system.clone())
}

/// The friction strength a lesson restart puts back: the scene's own, for a simulated system
/// that has one to change.
fn friction_of(scene: &crate::scene::Scene) -> Option<f64> {
    let simulated = !matches!(scene.data, crate::scene::DataSpec::Recorded(_));
    let damped_kind = matches!(
        scene.system,
        SystemSpec::Spring { .. }
            | SystemSpec::Pendulum { .. }
            | SystemSpec::DoublePendulum { .. }
            | SystemSpec::RapierPendulum(_)
    );
    (simulated && damped_kind).then(|| scene.total_friction().strength())
}

/// Puts everything a lesson may have changed back to the lesson's start, and holds the
/// cues until that has been applied.
fn begin(lp: &mut LessonPlayer, actions: &mut MessageWriter<LabAction>) {
    lp.player.restart();
    lp.caption = None;
    lp.error = None;
    lp.hold = true;
    actions.write(LabAction::Reset);
    if let Some(p) = &lp.physics {
        actions.write(LabAction::SetPhysics(p.clone()));
    }
    if let Some(f) = lp.friction {
        actions.write(LabAction::SetFriction(f));
    }
    actions.write(LabAction::SetRate(lp.rate));
    actions.write(LabAction::SetIntegrator(Integrator::Rk4));
    actions.write(LabAction::SetTwinStep(1));
    actions.write(LabAction::SetPaused(false));
}

fn lesson_commands(
    mut commands: MessageReader<LessonCommand>,
    mut lp: ResMut<LessonPlayer>,
    mut lab: ResMut<Lab>,
    mut actions: MessageWriter<LabAction>,
) {
    for c in commands.read() {
        match c {
            LessonCommand::Open(path) => match Lesson::load(path) {
                Ok((lesson, scene)) if scene.name == lab.scene.name => {
                    // The lesson's start state (not part of the scene's identity).
                    lp.physics = physics_of(&scene);
                    lp.friction = friction_of(&scene);
                    lp.rate = scene.view.time_rate;
                    lab.scene.view = scene.view;
                    lp.player = Player::new(lesson.cues.clone());
                    lp.lesson = Some(lesson);
                    begin(&mut lp, &mut actions);
                }
                Ok((_, scene)) => {
                    lp.error = Some(format!(
                        "{} plays on the scene `{}`: open it with --lesson",
                        path.display(),
                        scene.name
                    ))
                }
                Err(e) => lp.error = Some(format!("{e:#}")),
            },
            LessonCommand::Restart if lp.lesson.is_some() => begin(&mut lp, &mut actions),
            LessonCommand::Restart => {}
            LessonCommand::Stop => {
                lp.lesson = None;
                lp.player = Player::default();
                lp.caption = None;
            }
        }
    }
}

fn play(
    mut lp: ResMut<LessonPlayer>,
    truth: Res<Truth>,
    mut actions: MessageWriter<LabAction>,
    mut train: MessageWriter<TrainAction>,
    mut game: MessageWriter<GameAction>,
) {
    let now = truth.0.time;
    // A reset runs the truth's clock back: the lesson's clock only ever moves forwards.
    let dt = (now - lp.last_time).max(0.0);
    lp.last_time = now;
    if lp.lesson.is_none() {
        return;
    }
    if lp.hold {
        lp.hold = false;
        return;
    }
    let mut physics = truth.0.physics();
    for a in lp.player.advance(dt) {
        let act = match a {
            LessonAction::Caption(text) => {
                lp.caption = (!text.is_empty()).then_some(text);
                continue;
            }
            LessonAction::Kick(j) => LabAction::Kick(0, j),
            LessonAction::KickBody(body, j) => LabAction::Kick(body.saturating_sub(1), j),
            LessonAction::AddTrueEnergy(e) => LabAction::AddTrueEnergy(0, e),
            LessonAction::AddEnergy(h) => LabAction::AddEnergy(h),
            LessonAction::SetState(a, b) => LabAction::SetTruth(vec![a, b]),
            LessonAction::SetStateOf(x) => LabAction::SetTruth(x),
            LessonAction::Sync => LabAction::Sync,
            LessonAction::Reset => LabAction::Reset,
            LessonAction::Pause => LabAction::SetPaused(true),
            LessonAction::Play => LabAction::SetPaused(false),
            LessonAction::SetRate(r) => LabAction::SetRate(r),
            LessonAction::SetIntegrator(i) => LabAction::SetIntegrator(i),
            LessonAction::SetFriction(f) => LabAction::SetFriction(f),
            LessonAction::SetTwinStep(n) => LabAction::SetTwinStep(n),
            LessonAction::SetGravity(g) if physics.is_none() => {
                match truth.0.system().with_gravity(g) {
                    Some(s) => LabAction::SetPhysics(s),
                    None => continue, // no gravity setting here; the panel says so
                }
            }
            LessonAction::SetGravity(_) | LessonAction::SetLength(_) | LessonAction::SetMass(_) => {
                let Some(p) = physics.as_mut() else {
                    continue; // only the rapier pendulum has them; the panel says so
                };
                match a {
                    LessonAction::SetGravity(g) => p.gravity = g,
                    LessonAction::SetLength(l) => p.length = l,
                    LessonAction::SetMass(m) => p.mass = m,
                    _ => unreachable!(),
                }
                LabAction::SetPhysics(SystemSpec::RapierPendulum(*p))
            }
            LessonAction::StartTraining => {
                train.write(TrainAction::Start);
                continue;
            }
            LessonAction::StopTraining => {
                train.write(TrainAction::Pause);
                continue;
            }
            LessonAction::SetLearningRate(lr) => {
                train.write(TrainAction::SetLearningRate(lr));
                continue;
            }
            LessonAction::StartGame(t) => {
                game.write(GameAction::Start(Some(t)));
                continue;
            }
        };
        actions.write(act);
    }
}
