//! The three systems side by side, same size and scale: Truth, HNN twin, Baseline twin.
//! Each column shows a rod (the truth's state; a twin's angle read off its decoded frame, with
//! the truth as a faint ghost) or, for the spring, a mass on a spring; in pixel scenes the
//! 28x28 frame (observed for the truth, decoded for the twins) upscaled; and a PhET-style
//! energy bar (kinetic, potential, total).

use bevy::asset::RenderAssetUsages;
use bevy::camera::ScalingMode;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::sprite::Anchor;

use super::lab::Lab;
use super::sim::Truth;
use super::twins::{Observed, Readouts};
use crate::truth::Observation;

/// Column centres (world units are logical pixels at the reference zoom).
pub const COLUMNS: [f32; 3] = [-330.0, 0.0, 330.0];
/// Where the pivots hang from, and the drawn rod length.
pub const PIVOT_Y: f32 = 150.0;
pub const ROD_PX: f32 = 140.0;
const FRAME_PX: f32 = 140.0;
const FRAME_Y: f32 = -95.0;
/// Energy bars: offset of the first bar from the column centre, and their base line.
pub const BAR_X: f32 = 105.0;
pub const BAR_BASE_Y: f32 = FRAME_Y - 70.0;
const BAR_H: f32 = 140.0;
const BAR_W: f32 = 12.0;

pub const TRUTH_COLOR: Color = Color::srgb(0.92, 0.92, 0.88);
pub const HNN_COLOR: Color = Color::srgb(0.35, 0.65, 1.0);
pub const BASELINE_COLOR: Color = Color::srgb(1.0, 0.5, 0.3);
pub const COLORS: [Color; 3] = [TRUTH_COLOR, HNN_COLOR, BASELINE_COLOR];
/// Titles of the twin columns (the truth's depends on the scene: `Lab::truth_name`).
pub const TWIN_NAMES: [&str; 2] = ["HNN twin", "Baseline twin"];
/// Pixels per unit of a spring's displacement q.
pub const SPRING_PX: f32 = 110.0;
const KINETIC: Color = Color::srgb(0.3, 0.75, 0.4);
const POTENTIAL: Color = Color::srgb(0.35, 0.55, 0.95);
const TOTAL: Color = Color::srgb(0.95, 0.75, 0.25);

/// The camera that draws the pendulums (egui has its own, over the whole window).
#[derive(Component)]
pub struct WorldCamera;

/// The upscaled frame of each column.
#[derive(Resource)]
pub struct FrameImages(pub [Handle<Image>; 3]);

/// One energy bar segment: column, which part (0 kinetic, 1 potential, 2 total).
#[derive(Component)]
struct Bar(usize, usize);

/// The energy that fills a bar (J): starts from the scene, follows the truth's energy up
/// (kicks) and back down (resets), so one wild reading cannot shrink the bars for good.
#[derive(Resource)]
struct BarScale(f64, f64);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, setup)
        // After the twins are read this frame, so truth and twins are drawn at the same time.
        .add_systems(
            PostUpdate,
            (draw_rods, draw_target, update_frames, update_bars)
                .in_set(super::spine::PostStep::Show),
        );
}

fn setup(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    lab: Res<Lab>,
    truth: Res<Truth>,
) {
    commands.spawn((
        Camera2d,
        WorldCamera,
        Projection::Orthographic(OrthographicProjection {
            scaling_mode: ScalingMode::AutoMin {
                min_width: 1000.0,
                min_height: 480.0,
            },
            ..OrthographicProjection::default_2d()
        }),
        Transform::from_xyz(0.0, 60.0, 0.0),
    ));
    let n = lab.pixels().map_or(1, |(_, d)| d.render.size as u32);
    let handles = [0, 1, 2].map(|_| {
        let mut img = Image::new_fill(
            Extent3d {
                width: n,
                height: n,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            &[0, 0, 0, 255],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
        );
        img.sampler = ImageSampler::nearest();
        images.add(img)
    });
    for (c, h) in handles.iter().enumerate() {
        let x = COLUMNS[c];
        if lab.pixels().is_some() {
            commands.spawn((
                Sprite {
                    image: h.clone(),
                    custom_size: Some(Vec2::splat(FRAME_PX)),
                    ..default()
                },
                Transform::from_xyz(x, FRAME_Y, 0.0),
            ));
        }
        for part in 0..3 {
            let color = [KINETIC, POTENTIAL, TOTAL][part];
            commands.spawn((
                Sprite::from_color(color, Vec2::new(BAR_W, 1.0)),
                Anchor::BOTTOM_CENTER,
                Transform::from_xyz(x + BAR_X + part as f32 * (BAR_W + 4.0), BAR_BASE_Y, 0.0),
                Bar(c, part),
            ));
        }
    }
    commands.insert_resource(FrameImages(handles));
    // Full bars at half again the largest energy in the training data (pixel scenes) or the
    // start's; they grow beyond.
    let full = match lab.pixels() {
        Some((physics, data)) => physics.energy(data.theta_max, data.omega_max),
        None => truth.0.energy(),
    };
    // (current scale, its floor)
    commands.insert_resource(BarScale(1.5 * full.max(1e-6), 1.5 * full.max(1e-6)));
}

/// The tip of a rod at angle θ (from hanging, counter-clockwise) in column `c`.
pub fn rod_tip(c: usize, theta: f64) -> Vec2 {
    let pivot = Vec2::new(COLUMNS[c], PIVOT_Y);
    pivot + ROD_PX * Vec2::new(theta.sin() as f32, -theta.cos() as f32)
}

fn draw_rod(g: &mut Gizmos, c: usize, theta: f64, color: Color, width: f32) {
    let pivot = Vec2::new(COLUMNS[c], PIVOT_Y);
    let tip = rod_tip(c, theta);
    // A rod of some thickness: parallel lines.
    let n = (tip - pivot).normalize_or_zero().perp();
    for k in -2..=2 {
        let o = n * (k as f32) * width / 4.0;
        g.line_2d(pivot + o, tip + o, color);
    }
    g.circle_2d(tip, 9.0, color);
    g.circle_2d(pivot, 4.0, Color::srgb(0.6, 0.6, 0.6));
}

/// Where a spring's mass sits in column `c` for displacement q.
pub fn spring_mass(c: usize, q: f64) -> Vec2 {
    Vec2::new(COLUMNS[c] + SPRING_PX * q as f32, PIVOT_Y - 60.0)
}

fn draw_spring(g: &mut Gizmos, c: usize, q: f64, color: Color) {
    let wall = Vec2::new(COLUMNS[c] - 150.0, PIVOT_Y - 60.0);
    let mass = spring_mass(c, q);
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

fn draw_rods(mut g: Gizmos, truth: Res<Truth>, readouts: Res<Readouts>, lab: Res<Lab>) {
    let q = truth.0.state()[0];
    let draw = |g: &mut Gizmos, c: usize, q: f64, color: Color| {
        if lab.draws_rod() {
            draw_rod(g, c, q, color, 6.0);
        } else {
            draw_spring(g, c, q, color);
        }
    };
    draw(&mut g, 0, q, TRUTH_COLOR);
    for (i, r) in readouts.0.iter().enumerate() {
        let c = i + 1;
        // The truth as a faint ghost, to compare at a glance.
        draw(&mut g, c, q, TRUTH_COLOR.with_alpha(0.18));
        match r.as_ref().and_then(|r| r.q_now) {
            Some(t) => draw(&mut g, c, t, COLORS[c]),
            None => {
                g.circle_2d(
                    Vec2::new(COLUMNS[c], PIVOT_Y),
                    20.0,
                    COLORS[c].with_alpha(0.4),
                );
            }
        }
    }
}

/// The game's target band: arcs at the target amplitude on both sides of each pendulum (the
/// rod's tip must reach them), or marks at ±q for the spring.
fn draw_target(mut g: Gizmos, game: Res<super::game::GameRound>, lab: Res<Lab>) {
    let Some(r) = game.round.as_ref() else {
        return;
    };
    let (a, b) = (r.rules.target - r.rules.band, r.rules.target + r.rules.band);
    let gold = Color::srgb(0.95, 0.8, 0.2);
    for (c, &x) in COLUMNS.iter().enumerate() {
        let color = if c == 0 { gold } else { gold.with_alpha(0.3) };
        for side in [-1.0, 1.0] {
            if lab.draws_rod() {
                let pivot = Vec2::new(x, PIVOT_Y);
                for radius in [ROD_PX + 14.0, ROD_PX + 20.0] {
                    let arc = (0..=12).map(|k| {
                        let t = side * (a + (b - a) * k as f64 / 12.0);
                        pivot + radius * Vec2::new(t.sin() as f32, -t.cos() as f32)
                    });
                    g.linestrip_2d(arc, color);
                }
            } else {
                for q in [a, b] {
                    let x = spring_mass(c, side * q);
                    g.line_2d(x + Vec2::new(0.0, 24.0), x + Vec2::new(0.0, 36.0), color);
                }
            }
        }
    }
}

/// Writes a grayscale frame into an RGBA image, tinted with the column's colour.
fn paint(img: &mut Image, frame: &[f32], tint: Color) {
    let t = tint.to_srgba();
    let data = img.data.get_or_insert_with(Vec::new);
    data.resize(frame.len() * 4, 255);
    for (px, &v) in data.chunks_exact_mut(4).zip(frame) {
        let v = v.clamp(0.0, 1.0);
        px[0] = (255.0 * v * t.red) as u8;
        px[1] = (255.0 * v * t.green) as u8;
        px[2] = (255.0 * v * t.blue) as u8;
        px[3] = 255;
    }
}

fn update_frames(
    observed: Res<Observed>,
    readouts: Res<Readouts>,
    frames: Res<FrameImages>,
    mut images: ResMut<Assets<Image>>,
) {
    let Observation::Pair(pair) = &observed.0 else {
        return;
    };
    let p = pair.len() / 2;
    if let Some(mut img) = images.get_mut(&frames.0[0]) {
        paint(&mut img, &pair[p..], TRUTH_COLOR);
    }
    for (i, r) in readouts.0.iter().enumerate() {
        if let (Some(r), Some(mut img)) = (r, images.get_mut(&frames.0[i + 1])) {
            paint(&mut img, &r.pair[p..], COLORS[i + 1]);
        }
    }
}

fn update_bars(
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    mut scale: ResMut<BarScale>,
    mut bars: Query<(&Bar, &mut Transform, &mut Visibility)>,
) {
    let mut parts: [Option<[f64; 3]>; 3] = [None; 3];
    let (k, u) = truth.0.parts(&truth.0.state());
    parts[0] = Some([k, u, k + u]);
    for (i, r) in readouts.0.iter().enumerate() {
        parts[i + 1] = r.as_ref().map(|r| [r.parts.0, r.parts.1, r.energy]);
    }
    // Sized by the truth alone: a twin far off (e.g. untrained, reading noise as a huge
    // velocity) shows a full bar instead of shrinking everyone else's.
    let want = (1.5 * (k + u)).max(scale.1);
    if want > scale.0 || want < 0.5 * scale.0 {
        scale.0 = want;
    }
    for (bar, mut tf, mut vis) in &mut bars {
        match parts[bar.0] {
            Some(p) => {
                *vis = Visibility::Inherited;
                tf.scale.y = (BAR_H as f64 * (p[bar.1] / scale.0).clamp(0.0, 1.0)).max(0.5) as f32;
            }
            None => *vis = Visibility::Hidden,
        }
    }
}
