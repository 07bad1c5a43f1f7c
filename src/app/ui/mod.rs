//! The egui layer: a right panel (simulation controls, training), a bottom panel (energy and
//! phase-space overlays), column labels over the pendulums; the Bevy camera draws into what
//! is left, so nothing overlaps whatever the window size.

mod controls;
pub use controls::ControlSettings;
mod game;
mod help;
pub use help::HelpOpen;
mod lesson;
mod physics;
pub use physics::GRAVITY_PRESETS;
mod plots;
mod training;
#[cfg(target_arch = "wasm32")]
pub use training::SaveButtonAt;

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, Viewport};
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::PrimaryWindow;
use bevy_egui::{
    egui, EguiContexts, EguiGlobalSettings, EguiPrimaryContextPass, PrimaryEguiContext,
};

use super::view::{bar_x, column_color, column_x, twin_name, WorldCamera, BAR_BASE_Y, PIVOT_Y};
use crate::scene::SystemSpec;

pub(super) fn plugin(app: &mut App) {
    let view = app.world().resource::<super::Lab>().view();
    app.insert_resource(controls::ControlSettings {
        kick: view.kick,
        add_energy: view.add_energy,
    })
    .init_resource::<HelpOpen>()
    .init_resource::<plots::PhaseChoice>()
    .init_resource::<training::SaveButtonAt>()
    .add_systems(Startup, egui_camera)
    .add_systems(EguiPrimaryContextPass, layout);
}

/// egui gets its own camera over the whole window, drawn after the world camera, so the
/// world camera's viewport can shrink to the area the panels leave.
fn egui_camera(mut commands: Commands, mut settings: ResMut<EguiGlobalSettings>) {
    settings.auto_create_primary_context = false;
    commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// A foldable panel section: open at first if `default_open`, held open while `force`.
fn section(
    ui: &mut egui::Ui,
    title: &str,
    default_open: bool,
    force: bool,
    body: impl FnOnce(&mut egui::Ui),
) {
    ui.separator();
    egui::CollapsingHeader::new(egui::RichText::new(title).heading())
        .id_salt(title)
        .default_open(default_open)
        .open(force.then_some(true))
        .show(ui, body);
}

/// Bevy colour to egui colour.
pub fn c32(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgba_unmultiplied(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
        (s.alpha * 255.0) as u8,
    )
}

#[allow(clippy::too_many_arguments)]
fn layout(
    mut contexts: EguiContexts,
    mut camera: Single<(&mut Camera, &GlobalTransform), With<WorldCamera>>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut controls: controls::ControlsParams,
    mut training: training::TrainingParams,
    mut plots: plots::PlotParams,
    physics: physics::PhysicsParams,
    mut lesson: lesson::LessonParams,
    mut game: game::GameParams,
    mut help: ResMut<HelpOpen>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let right = egui::Panel::right("side")
        .resizable(true)
        .default_size(330.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .button(egui::RichText::new(" ? ").strong())
                        .on_hover_text("Help and keys (F1)")
                        .clicked()
                    {
                        help.0 = !help.0;
                    }
                    ui.label(egui::RichText::new("help · keys").small().weak());
                });
                controls::show(ui, &mut controls);
                // The teaching sections fold away; each opens itself while it matters (a
                // lesson playing, a round on, physics the twins did not learn).
                let playing = lesson.player.lesson.is_some();
                section(ui, "Lessons", playing, playing, |ui| {
                    lesson::show(ui, &mut lesson)
                });
                let round = game.game.round.is_some();
                section(ui, "Energy challenge", false, round, |ui| {
                    game::show(ui, &mut game)
                });
                let mut out = physics::Senders {
                    actions: &mut controls.actions,
                    train: &mut training.actions,
                };
                let system = physics.truth.0.system().clone();
                let adjustable = physics.truth.0.interactive()
                    && !matches!(
                        system,
                        SystemSpec::Spring { .. } | SystemSpec::Pendulum { .. }
                    );
                let changed = physics.lab.physics_changed();
                if adjustable {
                    section(ui, "Physics", false, changed, |ui| {
                        physics::physics(ui, &physics, &system, &mut out)
                    });
                }
                let interactive = physics.truth.0.interactive();
                if physics::has_friction(&physics.lab, &system, interactive) {
                    // Open from the start where friction is the point of the scene.
                    let damped = !physics.lab.shipped_on.total_friction().is_none();
                    let thermal = &mut controls.thermal;
                    section(ui, "Friction", damped, changed && !adjustable, |ui| {
                        physics::friction(ui, &physics, thermal, &mut out);
                        if !adjustable {
                            physics::retrain_notice(ui, &physics, &mut out);
                        }
                    });
                }

                section(ui, "Twins' integrator", false, false, |ui| {
                    physics::integration(ui, &physics, &mut out)
                });
                section(ui, "Instruments", false, false, |ui| {
                    controls::instruments(ui, &mut controls)
                });
                section(ui, "Training", true, false, |ui| {
                    training::show(ui, &mut training)
                });
            });
        })
        .response
        .rect
        .width();
    // Bounded by the window's height: the plots fill what the panel has, so an unbounded
    // panel would grow over the pendulums after a resize.
    let max_h = (window.height() * 0.42).max(160.0);
    let bottom = egui::Panel::bottom("overlays")
        .resizable(true)
        .default_size(260.0f32.min(max_h))
        .min_size(200.0f32.min(max_h))
        .max_size(max_h)
        .show(&mut root, |ui| plots::show(ui, &mut plots))
        .response
        .rect
        .height();

    // The camera draws into the rest.
    let scale = window.scale_factor();
    let (w, h) = (window.physical_width(), window.physical_height());
    let right_px = ((right * scale) as u32).min(w.saturating_sub(1));
    let bottom_px = ((bottom * scale) as u32).min(h.saturating_sub(1));
    let size = UVec2::new(w - right_px, h - bottom_px).max(UVec2::ONE);
    let (cam, cam_tf) = &mut *camera;
    cam.viewport = Some(Viewport {
        physical_position: UVec2::ZERO,
        physical_size: size,
        ..default()
    });

    // Column titles above the pivots; under each twin's, its divergence clock. Overlaid,
    // the three titles stand together over the one picture.
    let kinds = controls.lab.kinds().to_vec();
    let columns = controls.lab.columns();
    let names: Vec<&str> = std::iter::once(controls.lab.truth_name())
        .chain(kinds.iter().map(|k| twin_name(*k)))
        .collect();
    let overlaid = *controls.layout == super::view::Layout::Overlaid;
    let now = controls.truth.0.time;
    for c in 0..columns {
        let world = if overlaid {
            Vec3::new(-330.0, PIVOT_Y + 36.0 - 26.0 * c as f32, 0.0)
        } else {
            Vec3::new(column_x(c, columns), PIVOT_Y + 36.0, 0.0)
        };
        if let Ok(p) = cam.world_to_viewport(cam_tf, world) {
            let clock = (c > 0).then(|| controls::clock_text(&controls, kinds[c - 1], now));
            egui::Area::new(egui::Id::new(("column", c)))
                .fixed_pos(egui::pos2(p.x - 70.0, p.y))
                .interactable(false)
                .show(&ctx, |ui| {
                    ui.label(
                        egui::RichText::new(names[c])
                            .size(17.0)
                            .strong()
                            .color(c32(column_color(&kinds, c))),
                    );
                    if let Some((text, left)) = clock.filter(|(t, _)| !t.is_empty()) {
                        let color = if left {
                            egui::Color32::from_rgb(255, 130, 110)
                        } else {
                            egui::Color32::from_rgb(140, 220, 140)
                        };
                        ui.add(
                            egui::Label::new(egui::RichText::new(text).size(14.0).color(color))
                                .extend(),
                        );
                    }
                });
        }
    }
    // A twin without weights says so where it would be drawn.
    for (i, kind) in kinds.iter().enumerate() {
        if controls.readouts.0[*kind].is_some() {
            continue;
        }
        let world = Vec3::new(column_x(i + 1, columns) - 60.0, PIVOT_Y - 150.0, 0.0);
        if let Ok(p) = cam.world_to_viewport(cam_tf, world) {
            egui::Area::new(egui::Id::new(("no model", i)))
                .fixed_pos(egui::pos2(p.x, p.y))
                .interactable(false)
                .show(&ctx, |ui| {
                    ui.label(
                        egui::RichText::new("no model loaded:\ntrain one in the panel (right)")
                            .color(c32(column_color(&kinds, i + 1))),
                    );
                });
        }
    }
    // Energy bar captions under the bars (see `view`), with the thermal bar's, and under
    // each column what its timers and ledgers read.
    let thermal = controls.thermal.shown;
    for c in 0..columns {
        let x = column_x(c, columns);
        // One letter centred under each bar, so that they stay under their bars at any zoom
        // (a fourth column zooms the world out; the text keeps its size).
        let letters = if thermal { 4 } else { 3 };
        for (part, letter) in ["K", "U", "E", "Q"].into_iter().enumerate().take(letters) {
            let world = Vec3::new(x + bar_x(part), BAR_BASE_Y - 4.0, 0.0);
            if let Ok(p) = cam.world_to_viewport(cam_tf, world) {
                egui::Area::new(egui::Id::new(("bars", c, part)))
                    .fixed_pos(egui::pos2(p.x, p.y))
                    .pivot(egui::Align2::CENTER_TOP)
                    .interactable(false)
                    .show(&ctx, |ui| {
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(letter).small().monospace().weak(),
                            )
                            .extend(),
                        );
                    });
            }
        }
        let lines = controls::column_readings(&controls, c);
        if lines.is_empty() {
            continue;
        }
        // Below the bars' captions, from the column's centre.
        let world = Vec3::new(x - 20.0, BAR_BASE_Y - 22.0, 0.0);
        if let Ok(p) = cam.world_to_viewport(cam_tf, world) {
            egui::Area::new(egui::Id::new(("readings", c)))
                .fixed_pos(egui::pos2(p.x, p.y))
                .interactable(false)
                .show(&ctx, |ui| {
                    for l in lines {
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(l)
                                    .small()
                                    .color(c32(column_color(&kinds, c))),
                            )
                            .extend(),
                        );
                    }
                });
        }
    }
    controls::status_overlay(&ctx, &controls, size.as_vec2() / scale);
    controls::trainer_alerts(&ctx, &controls);
    let view = egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(size.x as f32 / scale, size.y as f32 / scale),
    );
    lesson::caption(&ctx, &lesson, view);
    game::end_of_round(&ctx, &mut game);
    help::show(&ctx, &mut help);
    Ok(())
}
