//! Fading trails of the lower bob of a chain (two rods and more) and of every orbiting body,
//! per column: recorded once per frame after the twins are read, drawn behind the systems.
//! A reset clears every trail, a sync the twins', a truth moved by hand the truth's, so no
//! trail joins a jump.

use std::collections::VecDeque;

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{TruthMoved, TwinsSynced};
use super::sim::Truth;
use super::twins::Readouts;
use super::view::{
    body_points, column_color, coordinates, draw_systems, origin, restage, Layout, Stage,
};

/// Recent positions of the lower bob (chains of two or more) or of every body (orbits), per
/// column, relative to the column's origin.
#[derive(Resource, Default)]
pub(super) struct Trails {
    columns: Vec<Vec<VecDeque<(f64, Vec2)>>>,
    last_t: f64,
}

/// Simulated seconds a trail reaches back: a few swings of a double pendulum, about one
/// orbit (long enough to see a baseline spiral out of it).
fn trail_seconds(orbits: bool) -> f64 {
    if orbits {
        12.0
    } else {
        2.0
    }
}

/// After the stage is laid out for this frame and before the bodies are drawn (the trails lie
/// under them).
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Trails>().add_systems(
        PostUpdate,
        (Trails::update, draw_trails)
            .chain()
            .after(restage)
            .before(draw_systems)
            .in_set(super::spine::PostStep::Show),
    );
}

fn draw_trails(
    mut g: Gizmos,
    trails: Res<Trails>,
    lab: Res<Lab>,
    stage: Res<Stage>,
    layout: Res<Layout>,
) {
    trails.draw(&mut g, &lab, &stage, *layout);
}

impl Trails {
    /// Adds this frame's positions to the trails (chains of two rods and more, orbits); a reset
    /// clears every trail, a sync the twins'.
    pub(super) fn update(
        truth: Res<Truth>,
        readouts: Res<Readouts>,
        lab: Res<Lab>,
        stage: Res<Stage>,
        mut synced: MessageReader<TwinsSynced>,
        mut moved: MessageReader<TruthMoved>,
        mut trails: ResMut<Trails>,
    ) {
        let orbits = lab.draws_orbits();
        if !(orbits || (lab.draws_rod() && lab.scene.system.dof() > 1)) {
            return;
        }
        let t = truth.0.time;
        trails.columns.resize_with(lab.columns(), Vec::new);
        if t < trails.last_t {
            trails.columns.iter_mut().for_each(Vec::clear);
        }
        for TwinsSynced(only) in synced.read() {
            for (c, &k) in lab.kinds().iter().enumerate() {
                if only.is_none_or(|o| o == k) {
                    trails.columns[c + 1].clear();
                }
            }
        }
        if moved.read().count() > 0 {
            trails.columns[0].clear();
        }
        if t == trails.last_t && !trails.columns[0].is_empty() {
            return;
        }
        trails.last_t = t;
        let keep = trail_seconds(orbits);
        for (c, q) in coordinates(&truth, &readouts).into_iter().enumerate() {
            let Some(q) = q else {
                trails.columns[c].clear();
                continue;
            };
            let points = body_points(&lab, &stage, &q);
            let followed: Vec<Vec2> = if orbits {
                points
            } else {
                points.last().copied().into_iter().collect()
            };
            let col = &mut trails.columns[c];
            col.resize_with(followed.len(), VecDeque::new);
            for (trail, p) in col.iter_mut().zip(followed) {
                while trail.front().is_some_and(|(at, _)| *at < t - keep) {
                    trail.pop_front();
                }
                trail.push_back((t, p));
            }
        }
    }

    /// Draws the trails, fading with age, under `layout` (before the systems themselves).
    pub(super) fn draw(&self, g: &mut Gizmos, lab: &Lab, stage: &Stage, layout: Layout) {
        let span = trail_seconds(lab.draws_orbits());
        for (c, trail) in self.columns.iter().enumerate() {
            let o = origin(c, layout, stage);
            for t in trail {
                let now = t.back().map_or(0.0, |(at, _)| *at);
                g.linestrip_gradient_2d(t.iter().map(|(at, p)| {
                    let fresh = (1.0 - (now - at) / span).clamp(0.0, 1.0) as f32;
                    let color = column_color(lab.kinds(), c);
                    (o + *p, color.with_alpha(0.05 + 0.6 * fresh))
                }));
            }
        }
    }
}
