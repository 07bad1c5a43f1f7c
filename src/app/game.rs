//! The energy-target game: a round starts with the truth at rest and the twins synced; the
//! player's kicks (fixed size, limited) must bring the truth's energy into the target band
//! and hold it there; the twins take the same kicks and are scored on tracking. The rules
//! and scores are the core's (`crate::game`); this plugin feeds them each frame and keeps
//! the best-score table.

use std::path::PathBuf;

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{Allowed, GameAction, LabAction, LastAction, TruthMoved, TwinsSynced};
use super::sim::{SimControl, Truth};
use super::spine::{Frame, PostStep};
use super::twins::{Readouts, Twins};
use crate::data::render::wrap_diff;
use crate::game::{BestScores, Challenge, Round, ScoreEntry};

/// The round being played (or just finished, until dismissed).
#[derive(Resource, Default)]
pub struct GameRound {
    pub round: Option<Round>,
    /// The target as the player reads it (degrees for a pendulum, q for a spring).
    pub target: f64,
    /// Which of the scene's targets comes next.
    next: usize,
    /// The truth's clock at the last tick (the round runs on simulated time).
    last_time: f64,
    /// Rank of the finished round in the scene's table (0 = best), if kept.
    pub rank: Option<usize>,
}

impl GameRound {
    /// The round, while it is being played.
    pub fn active_mut(&mut self) -> Option<&mut Round> {
        self.round.as_mut().filter(|r| !r.over())
    }
    pub fn active(&self) -> Option<&Round> {
        self.round.as_ref().filter(|r| !r.over())
    }
}

/// The best-score table and where it lives.
#[derive(Resource)]
pub struct BestScoreTable {
    pub table: BestScores,
    pub path: PathBuf,
    /// What happened to a file that could not be read, or a failed save.
    pub note: Option<String>,
    /// False when an unreadable file could not be set aside: it is left alone.
    pub writable: bool,
    /// Saves made so far (each on its own thread; only a newer one may overwrite).
    generation: u64,
}

/// The generation last written, per file: saves run on their own threads, and an older table
/// finishing late must not overwrite a newer one.
static LAST_SAVED: std::sync::Mutex<Vec<(PathBuf, u64)>> = std::sync::Mutex::new(Vec::new());

pub(super) fn plugin(app: &mut App) {
    let path = app.world().resource::<Lab>().scores_file.clone();
    let (table, note, writable) = BestScores::load(&path);
    app.init_resource::<GameRound>()
        .insert_resource(BestScoreTable {
            table,
            path,
            note,
            writable,
            generation: 0,
        })
        .add_systems(
            PreUpdate,
            (apply_game_actions, rules).chain().in_set(Frame::Rules),
        )
        .add_systems(PostUpdate, tick.in_set(PostStep::Show));
}

/// The game's rules over every action asked for: in a round, a kick is the round's fixed size
/// and counts, anything else that would help (energy, physics, a sync, a drag) is refused,
/// and a reset abandons the round. Outside a round every action passes.
fn rules(
    mut asked: MessageReader<LabAction>,
    mut allowed: MessageWriter<Allowed>,
    mut game: ResMut<GameRound>,
    mut last: ResMut<LastAction>,
) {
    for a in asked.read() {
        let Some(r) = game.active_mut() else {
            allowed.write(Allowed(a.clone()));
            continue;
        };
        match a {
            LabAction::Kick(body, j) => {
                if r.take_kick() {
                    allowed.write(Allowed(LabAction::Kick(*body, r.rules.kick.copysign(*j))));
                } else {
                    last.0 = "no kicks left in this round".into();
                }
            }
            LabAction::AddTrueEnergy(..)
            | LabAction::AddEnergy(_)
            | LabAction::SetPhysics(_)
            | LabAction::SetFriction(_) => {
                last.0 = "not during a round: kicks only".into();
            }
            LabAction::Sync => {
                last.0 = "no syncing during a round: the twins track on their own".into();
            }
            LabAction::SetTruth(_) => {
                last.0 = "no dragging during a round: kicks only".into();
            }
            LabAction::Reset => {
                r.finish(crate::game::Outcome::Abandoned);
                allowed.write(Allowed(LabAction::Reset));
            }
            other => {
                allowed.write(Allowed(other.clone()));
            }
        }
    }
}

/// Whether the scene's q is an angle (targets in degrees).
fn in_degrees(lab: &Lab) -> bool {
    lab.draws_rod()
}

#[allow(clippy::too_many_arguments)]
fn apply_game_actions(
    mut actions: MessageReader<GameAction>,
    lab: Res<Lab>,
    mut game: ResMut<GameRound>,
    mut truth: ResMut<Truth>,
    mut twins: ResMut<Twins>,
    mut ctl: ResMut<SimControl>,
    mut last: ResMut<LastAction>,
    mut synced: (MessageWriter<TwinsSynced>, MessageWriter<TruthMoved>),
    mut integration: ResMut<super::twins::TwinIntegration>,
) {
    for a in actions.read() {
        match a {
            GameAction::Start(target) => {
                let Some(spec) = lab.game_spec() else {
                    last.0 = "a recording cannot be kicked: no game here".into();
                    continue;
                };
                let shown = target.unwrap_or_else(|| {
                    let t = spec.targets[game.next % spec.targets.len()];
                    game.next += 1;
                    t
                });
                let to_q = |v: f64| if in_degrees(&lab) { v.to_radians() } else { v };
                let mut rules = Challenge::new(to_q(shown), to_q(spec.band), spec.kick);
                rules.kicks = spec.kicks;
                rules.hold = spec.hold;
                // From rest at the bottom, twins synced: everyone starts level.
                let n = truth.0.state().len() / 2;
                truth.0.set_state(&vec![0.0; 2 * n]);
                let obs = truth.0.observe();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&obs);
                }
                integration.count = 0;
                synced.0.write(TwinsSynced(None));
                synced.1.write(TruthMoved);
                let t = &truth.0;
                // The energy of a swing of amplitude a: at rest with every rod at angle a.
                let round = Round::new(rules, |a| {
                    let mut x = vec![a; n];
                    x.resize(2 * n, 0.0);
                    let (k, u) = t.parts(&x);
                    k + u
                });
                game.round = Some(round);
                game.target = shown;
                game.last_time = truth.0.time;
                game.rank = None;
                ctl.paused = false;
                ctl.pending_steps = 0;
                last.0 = format!("round started: swing to {}", target_text(&lab, shown));
            }
            GameAction::Abandon => {
                if let Some(r) = game.active_mut() {
                    r.finish(crate::game::Outcome::Abandoned);
                }
            }
            GameAction::Dismiss => {
                if game.round.as_ref().is_some_and(|r| r.over()) {
                    game.round = None;
                }
            }
        }
    }
}

/// "25°" or "q = 0.70".
pub fn target_text(lab: &Lab, v: f64) -> String {
    if in_degrees(lab) {
        format!("{v:.0}°")
    } else {
        format!("q = {v:.2}")
    }
}

/// Feeds the round the truth's energy and the twins' angle errors of this frame; records a
/// finished round in the best-score table (saved off the frame's thread).
fn tick(
    mut game: ResMut<GameRound>,
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    lab: Res<Lab>,
    mut best: ResMut<BestScoreTable>,
) {
    let now = truth.0.time;
    let dt = now - game.last_time;
    game.last_time = now;
    let q = truth.0.state()[0];
    let rod = in_degrees(&lab);
    // The game is the HNN against the baseline (a D-HNN twin, where there is one, watches).
    let errors = [super::per_model::HNN, super::per_model::BASELINE].map(|k| {
        readouts.0.get(k).and_then(|r| {
            r.as_ref().map(|r| {
                r.q_now
                    .as_ref()
                    .map(|tq| if rod { wrap_diff(q, tq[0]) } else { tq[0] - q })
            })
        })
    });
    let energy = truth.0.energy();
    let target = game.target;
    let Some(round) = game.active_mut() else {
        return;
    };
    let Some(result) = round.tick(dt, energy, errors).cloned() else {
        return;
    };
    let when = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    game.rank = best
        .table
        .record(ScoreEntry::new(&lab.scene.name, target, &result, when));
    if !best.writable {
        return;
    }
    best.generation += 1;
    let (table, path, generation) = (best.table.clone(), best.path.clone(), best.generation);
    super::background(move || {
        let mut saved = LAST_SAVED.lock().unwrap_or_else(|e| e.into_inner());
        let i = match saved.iter().position(|(p, _)| *p == path) {
            Some(i) => i,
            None => {
                saved.push((path.clone(), 0));
                saved.len() - 1
            }
        };
        if generation <= saved[i].1 {
            return;
        }
        match table.save(&path) {
            Ok(()) => saved[i].1 = generation,
            Err(e) => eprintln!("best scores not saved: {e:#}"),
        }
    });
}
