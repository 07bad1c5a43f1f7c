//! The systems side by side (or overlaid in one place), same size and scale: Truth, then
//! each twin the scene names (HNN and Baseline; on damped scenes the D-HNN first). Each column shows a pendulum's rod(s) (a twin's angle read off its
//! decoded frame in pixel scenes), a mass on a spring, or orbiting bodies, with the truth as a
//! faint ghost behind each twin (trails: `trails`; the frame and energy bar under each
//! column: `frames_and_bars`).

use bevy::camera::ScalingMode;
use bevy::prelude::*;

use super::lab::Lab;
use super::sim::Truth;
use super::twins::Readouts;
use crate::nn::ModelKind;

/// Distance between column centres (world units are logical pixels at the reference zoom).
pub const COLUMN_GAP: f32 = 330.0;

/// The centre of column `c` of `n` (the truth's is 0, then one per twin), symmetric about 0.
pub fn column_x(c: usize, n: usize) -> f32 {
    (c as f32 - (n as f32 - 1.0) / 2.0) * COLUMN_GAP
}
/// Where the pivots hang from, and the drawn rod length.
pub const PIVOT_Y: f32 = 150.0;
pub const ROD_PX: f32 = 140.0;
pub const FRAME_PX: f32 = 140.0;
pub const FRAME_Y: f32 = -95.0;
/// Energy bars: offset of the first bar from the column centre, and their base line.
pub const BAR_X: f32 = 105.0;
pub const BAR_BASE_Y: f32 = FRAME_Y - 70.0;
pub const BAR_H: f32 = 140.0;
pub const BAR_W: f32 = 12.0;

/// Where bar `part` (0 kinetic, 1 potential, 2 total, 3 thermal) stands from its column's
/// centre: its sprite and its caption letter both use this.
pub fn bar_x(part: usize) -> f32 {
    BAR_X + part as f32 * (BAR_W + 4.0)
}

pub const TRUTH_COLOR: Color = Color::srgb(0.92, 0.92, 0.88);
pub const HNN_COLOR: Color = Color::srgb(0.35, 0.65, 1.0);
pub const BASELINE_COLOR: Color = Color::srgb(1.0, 0.5, 0.3);
pub const DHNN_COLOR: Color = Color::srgb(0.45, 0.85, 0.45);

/// Each model's colour, wherever it is drawn or plotted.
pub fn kind_color(kind: ModelKind) -> Color {
    match kind {
        ModelKind::Hnn => HNN_COLOR,
        ModelKind::Baseline => BASELINE_COLOR,
        ModelKind::Dhnn => DHNN_COLOR,
    }
}

/// Column `c`'s colour: the truth's (c = 0), then the twins' in `kinds` order.
pub fn column_color(kinds: &[ModelKind], c: usize) -> Color {
    match c {
        0 => TRUTH_COLOR,
        c => kinds.get(c - 1).map_or(TRUTH_COLOR, |k| kind_color(*k)),
    }
}

/// Title of a twin's column (the truth's depends on the scene: `Lab::truth_name`).
pub fn twin_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Hnn => "HNN twin",
        ModelKind::Baseline => "Baseline twin",
        ModelKind::Dhnn => "D-HNN twin",
    }
}
/// Pixels per unit of a spring's displacement q.
pub const SPRING_PX: f32 = 110.0;

/// The camera that draws the pendulums (egui has its own, over the whole window).
#[derive(Component)]
pub struct WorldCamera;

/// Each system in its own column, or all three in the middle one (where small differences
/// between orbits show best).
#[derive(Resource, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    #[default]
    SideBySide,
    Overlaid,
}

/// Where the bodies are drawn: the pivot's or the centre of mass's height, and pixels per
/// unit of length (a chain's full reach, or the start's widest orbit, fills the column).
#[derive(Resource, Clone, Copy, Debug)]
pub struct Stage {
    pub origin_y: f32,
    pub px: f32,
    /// How many columns (the truth and one per twin).
    pub columns: usize,
}

impl Stage {
    fn for_lab(lab: &Lab, truth: &crate::truth::TruthSystem) -> Self {
        let system = &lab.scene.system;
        let columns = lab.columns();
        if lab.draws_orbits() {
            let x = truth.state();
            let widest = system
                .body_positions(&x[..x.len() / 2])
                .iter()
                .map(|b| b[0].hypot(b[1]))
                .fold(1e-3, f64::max);
            Self {
                origin_y: 45.0,
                px: (95.0 / (1.4 * widest)) as f32,
                columns,
            }
        } else if system.dof() > 1 {
            Self {
                origin_y: 75.0,
                px: 150.0 / system.reach() as f32,
                columns,
            }
        } else {
            Self {
                origin_y: PIVOT_Y,
                px: ROD_PX / system.reach() as f32,
                columns,
            }
        }
    }
}

/// New physics (a rod's length): the drawing's scale follows, so a one-rod pendulum keeps its
/// size on screen and a double pendulum keeps its reach in the column.
pub(super) fn restage(lab: Res<Lab>, truth: Res<Truth>, mut stage: ResMut<Stage>) {
    if lab.is_changed() && !lab.draws_orbits() {
        *stage = Stage::for_lab(&lab, &truth.0);
    }
}

/// Column `c`'s origin (pivot, or centre of mass) under `layout`.
pub fn origin(c: usize, layout: Layout, stage: &Stage) -> Vec2 {
    let x = match layout {
        Layout::SideBySide => column_x(c, stage.columns),
        Layout::Overlaid => 0.0,
    };
    Vec2::new(x, stage.origin_y)
}

/// Where the bodies of a state with coordinates `q` are drawn, relative to the origin.
pub fn body_points(lab: &Lab, stage: &Stage, q: &[f64]) -> Vec<Vec2> {
    lab.scene
        .system
        .body_positions(q)
        .into_iter()
        .map(|[x, y]| stage.px * Vec2::new(x as f32, y as f32))
        .collect()
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Layout>()
        .add_systems(Startup, setup)
        // After the twins are read this frame, so truth and twins are drawn at the same time.
        .add_systems(
            PostUpdate,
            ((restage, draw_systems).chain(), draw_target).in_set(super::spine::PostStep::Show),
        );
}

fn setup(mut commands: Commands, lab: Res<Lab>, truth: Res<Truth>) {
    commands.spawn((
        Camera2d,
        WorldCamera,
        Projection::Orthographic(OrthographicProjection {
            // Every column in view: three at the reference zoom, a fourth zooms out.
            scaling_mode: ScalingMode::AutoMin {
                min_width: view_width(lab.columns()),
                min_height: 480.0,
            },
            ..OrthographicProjection::default_2d()
        }),
        Transform::from_xyz(0.0, 60.0, 0.0),
    ));
    commands.insert_resource(Stage::for_lab(&lab, &truth.0));
}

/// The world width the camera keeps in view: every column, and the last column's thermal bar
/// (the rightmost thing drawn) with a margin, mirrored on the left to stay centred.
fn view_width(columns: usize) -> f32 {
    let last_bar = column_x(columns - 1, columns) + bar_x(3) + BAR_W / 2.0;
    (COLUMN_GAP * columns as f32 + 10.0).max(2.0 * (last_bar + 20.0))
}

/// A rod of some thickness (parallel lines) from `a` to `b`, with a bob at `b`.
fn draw_link(g: &mut Gizmos, a: Vec2, b: Vec2, color: Color, width: f32, bob: f32) {
    let n = (b - a).normalize_or_zero().perp();
    for k in -2..=2 {
        let o = n * (k as f32) * width / 4.0;
        g.line_2d(a + o, b + o, color);
    }
    g.circle_2d(b, bob, color);
}

/// A chain of rods from the pivot at `origin` through `bobs`.
fn draw_chain(g: &mut Gizmos, origin: Vec2, bobs: &[Vec2], color: Color) {
    let mut from = origin;
    let bob = if bobs.len() > 1 { 8.0 } else { 9.0 };
    for b in bobs {
        draw_link(g, from, origin + *b, color, 6.0, bob);
        from = origin + *b;
    }
    g.circle_2d(origin, 4.0, Color::srgb(0.6, 0.6, 0.6));
}

/// Bodies in the plane: discs (rings of circles), the first larger, about their centre of
/// mass (a small cross).
fn draw_bodies(g: &mut Gizmos, origin: Vec2, bodies: &[Vec2], color: Color) {
    for (i, b) in bodies.iter().enumerate() {
        let r = if i == 0 { 9.0 } else { 7.0 };
        for k in 0..4 {
            g.circle_2d(origin + *b, r - 2.0 * k as f32, color);
        }
    }
    let grey = Color::srgb(0.45, 0.45, 0.45);
    g.line_2d(origin - Vec2::X * 4.0, origin + Vec2::X * 4.0, grey);
    g.line_2d(origin - Vec2::Y * 4.0, origin + Vec2::Y * 4.0, grey);
}

/// Where a spring's mass sits in column `c` for displacement q.
pub fn spring_mass(c: usize, q: f64, stage: &Stage) -> Vec2 {
    Vec2::new(
        column_x(c, stage.columns) + SPRING_PX * q as f32,
        PIVOT_Y - 60.0,
    )
}

fn draw_spring(g: &mut Gizmos, c: usize, q: f64, color: Color, stage: &Stage) {
    let wall = Vec2::new(column_x(c, stage.columns) - 150.0, PIVOT_Y - 60.0);
    let mass = spring_mass(c, q, stage);
    g.line_2d(
        wall + Vec2::new(0.0, -30.0),
        wall + Vec2::new(0.0, 30.0),
        Color::srgb(0.6, 0.6, 0.6),
    );
    let end = mass - Vec2::new(16.0, 0.0);
    let coils = 12;
    let mut prev = wall;
    for k in 1..=coils {
        let f = k as f32 / coils as f32;
        let y = if k == coils {
            0.0
        } else if k % 2 == 0 {
            10.0
        } else {
            -10.0
        };
        let p = wall.lerp(end, f) + Vec2::new(0.0, y);
        g.line_2d(prev, p, color);
        prev = p;
    }
    g.rect_2d(mass, Vec2::splat(32.0), color);
}

/// The truth's and each twin's coordinates to draw now, by column (None: a twin without
/// weights or whose frame showed nothing readable).
pub(super) fn coordinates(truth: &Truth, readouts: &Readouts) -> Vec<Option<Vec<f64>>> {
    let x = truth.0.state();
    std::iter::once(Some(x[..x.len() / 2].to_vec()))
        .chain(
            readouts
                .0
                .iter()
                .map(|r| r.as_ref().and_then(|r| r.q_now.clone())),
        )
        .collect()
}

pub(super) fn draw_systems(
    mut g: Gizmos,
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    lab: Res<Lab>,
    stage: Res<Stage>,
    layout: Res<Layout>,
) {
    let layout = *layout;
    let coords = coordinates(&truth, &readouts);
    let draw = |g: &mut Gizmos, c: usize, q: &[f64], color: Color| {
        if lab.draws_rod() {
            draw_chain(
                g,
                origin(c, layout, &stage),
                &body_points(&lab, &stage, q),
                color,
            );
        } else if lab.draws_orbits() {
            draw_bodies(
                g,
                origin(c, layout, &stage),
                &body_points(&lab, &stage, q),
                color,
            );
        } else {
            draw_spring(g, c, q[0], color, &stage);
        }
    };
    let kinds = lab.kinds();
    let Some(q) = coords[0].clone() else {
        return;
    };
    for (c, coord) in coords.iter().enumerate().skip(1) {
        if layout == Layout::SideBySide {
            // The truth as a faint ghost, to compare at a glance.
            draw(&mut g, c, &q, TRUTH_COLOR.with_alpha(0.18));
        }
        let color = column_color(kinds, c);
        match coord {
            Some(z) => draw(&mut g, c, z, color),
            None => {
                g.circle_2d(origin(c, layout, &stage), 20.0, color.with_alpha(0.4));
            }
        }
    }
    draw(&mut g, 0, &q, TRUTH_COLOR);
}

/// The game's target band: arcs at the target amplitude on both sides of each pendulum (the
/// rod's tip must reach them), or marks at ±q for the spring.
fn draw_target(
    mut g: Gizmos,
    game: Res<super::game::GameRound>,
    lab: Res<Lab>,
    stage: Res<Stage>,
    layout: Res<Layout>,
) {
    let Some(r) = game.round.as_ref() else {
        return;
    };
    let (a, b) = (r.rules.target - r.rules.band, r.rules.target + r.rules.band);
    let gold = Color::srgb(0.95, 0.8, 0.2);
    // Where the last bob of a chain hanging straight at the target angle would be.
    let reach = stage.px * lab.scene.system.reach() as f32;
    for c in 0..stage.columns {
        let color = if c == 0 { gold } else { gold.with_alpha(0.3) };
        for side in [-1.0, 1.0] {
            if lab.draws_rod() {
                let pivot = origin(c, *layout, &stage);
                for radius in [reach + 14.0, reach + 20.0] {
                    let arc = (0..=12).map(|k| {
                        let t = side * (a + (b - a) * k as f64 / 12.0);
                        pivot + radius * Vec2::new(t.sin() as f32, -t.cos() as f32)
                    });
                    g.linestrip_2d(arc, color);
                }
            } else {
                for q in [a, b] {
                    let x = spring_mass(c, side * q, &stage);
                    g.line_2d(x + Vec2::new(0.0, 24.0), x + Vec2::new(0.0, 36.0), color);
                }
            }
        }
    }
}
