//! Under each column: the 28x28 frame in pixel scenes (observed for the truth, decoded for
//! the twins), upscaled and tinted with the column's colour, and a PhET-style energy bar
//! (kinetic, potential, total; below a middle line when negative, as an orbit's potential and
//! total energy are). The stage above them is `view`'s.

use bevy::asset::RenderAssetUsages;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::sprite::Anchor;

use super::lab::Lab;
use super::sim::Truth;
use super::thermal::Thermal;
use super::twins::{Observed, Readouts};
use super::view::{
    bar_x, column_color, column_x, BAR_BASE_Y, BAR_H, BAR_W, FRAME_PX, FRAME_Y, TRUTH_COLOR,
};
use crate::truth::Observation;

const KINETIC: Color = Color::srgb(0.3, 0.75, 0.4);
const POTENTIAL: Color = Color::srgb(0.35, 0.55, 0.95);
const TOTAL: Color = Color::srgb(0.95, 0.75, 0.25);
/// What friction took (PhET's thermal energy).
pub const THERMAL: Color = Color::srgb(0.9, 0.35, 0.3);

/// The upscaled frame of each column.
#[derive(Resource)]
pub struct FrameImages(pub Vec<Handle<Image>>);

/// One energy bar segment: column, which part (0 kinetic, 1 potential, 2 total, 3 thermal:
/// the energy lost to friction since the last reset or clear).
#[derive(Component)]
struct Bar(usize, usize);

/// The energy that fills a bar (J): starts from the scene, follows the truth's energy up
/// (kicks) and back down (resets), so one wild reading cannot shrink the bars for good.
#[derive(Resource)]
struct BarScale(f64, f64);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, setup).add_systems(
        PostUpdate,
        (update_frames, update_bars).in_set(super::spine::PostStep::Show),
    );
}

fn setup(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    lab: Res<Lab>,
    truth: Res<Truth>,
) {
    let n = lab.pixels().map_or(1, |(_, d)| d.render.size as u32);
    let columns = lab.columns();
    let handles: Vec<Handle<Image>> = (0..columns)
        .map(|_| {
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
        })
        .collect();
    for (c, h) in handles.iter().enumerate() {
        let x = column_x(c, columns);
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
        for part in 0..4 {
            let color = [KINETIC, POTENTIAL, TOTAL, THERMAL][part];
            commands.spawn((
                Sprite::from_color(color, Vec2::new(BAR_W, 1.0)),
                Anchor::BOTTOM_CENTER,
                Transform::from_xyz(x + bar_x(part), BAR_BASE_Y, 0.0),
                Bar(c, part),
            ));
        }
    }
    commands.insert_resource(FrameImages(handles));
    // Full bars at half again the largest energy in the training data (pixel scenes) or the
    // start's; they grow beyond.
    let full = match lab.pixels() {
        Some((physics, data)) => physics.energy(data.theta_max, data.omega_max),
        None => {
            let (k, u) = truth.0.parts(&truth.0.state());
            largest_part(k, u)
        }
    };
    // (current scale, its floor)
    commands.insert_resource(BarScale(1.5 * full.max(1e-6), 1.5 * full.max(1e-6)));
}

/// The largest of |kinetic|, |potential| and |total|: what a full bar shows.
fn largest_part(k: f64, u: f64) -> f64 {
    k.abs().max(u.abs()).max((k + u).abs())
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
    lab: Res<Lab>,
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
            paint(&mut img, &r.pair[p..], column_color(lab.kinds(), i + 1));
        }
    }
}

fn update_bars(
    truth: Res<Truth>,
    readouts: Res<Readouts>,
    lab: Res<Lab>,
    thermal: Res<Thermal>,
    mut scale: ResMut<BarScale>,
    mut bars: Query<(&Bar, &mut Transform, &mut Visibility)>,
) {
    let (k, u) = truth.0.parts(&truth.0.state());
    let mut parts: Vec<Option<[f64; 4]>> = vec![Some([k, u, k + u, thermal.truth.lost()])];
    for ((_, r), lost) in readouts.0.each().zip(thermal.twins.iter()) {
        parts.push(
            r.as_ref()
                .map(|r| [r.parts.0, r.parts.1, r.energy, lost.lost()]),
        );
    }
    // Sized by the truth alone: a twin far off (e.g. untrained, reading noise as a huge
    // velocity) shows a full bar instead of shrinking everyone else's.
    // With friction, what the truth has plus what it lost (its energy at the last reset):
    // the bars then share one scale as the energy moves from motion to heat.
    let held = largest_part(k, u).max(k + u + thermal.truth.lost());
    let want = (1.5 * held).max(scale.1);
    if want > scale.0 || want < 0.5 * scale.0 {
        scale.0 = want;
    }
    // Orbits' potential and total energy are negative: their bars hang from a middle line.
    let (base, room, lo) = if lab.draws_orbits() {
        (BAR_BASE_Y + BAR_H / 2.0, BAR_H as f64 / 2.0, -1.0)
    } else {
        (BAR_BASE_Y, BAR_H as f64, 0.0)
    };
    for (bar, mut tf, mut vis) in &mut bars {
        if bar.1 == 3 && !thermal.shown {
            *vis = Visibility::Hidden;
            continue;
        }
        match parts.get(bar.0).copied().flatten() {
            Some(p) => {
                *vis = Visibility::Inherited;
                let h = room * (p[bar.1] / scale.0).clamp(lo, 1.0);
                tf.scale.y = (if h < 0.0 { h.min(-0.5) } else { h.max(0.5) }) as f32;
                tf.translation.y = base;
            }
            None => *vis = Visibility::Hidden,
        }
    }
}
