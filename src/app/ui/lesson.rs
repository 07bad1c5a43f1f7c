//! The lesson panel (pick, restart, stop, progress) and the caption over the pendulums.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::lesson::{LessonMenu, LessonPlayer};
use crate::app::LessonCommand;

#[derive(SystemParam)]
pub struct LessonParams<'w> {
    pub player: Res<'w, LessonPlayer>,
    pub menu: Res<'w, LessonMenu>,
    pub commands: MessageWriter<'w, LessonCommand>,
}

pub fn show(ui: &mut egui::Ui, p: &mut LessonParams) {
    match &p.player.lesson {
        Some(l) => {
            let (done, all) = p.player.player.progress();
            ui.label(egui::RichText::new(&l.title).strong());
            let next = match p.player.player.next_at() {
                Some(t) => format!("next cue at {t:.1} s"),
                None => "finished".into(),
            };
            ui.label(
                egui::RichText::new(format!(
                    "t = {:.1} s · cue {done}/{all} · {next}",
                    p.player.player.clock
                ))
                .small(),
            );
            ui.horizontal(|ui| {
                if ui.button("Restart").on_hover_text("F3").clicked() {
                    p.commands.write(LessonCommand::Restart);
                }
                if ui.button("Stop").clicked() {
                    p.commands.write(LessonCommand::Stop);
                }
            });
        }
        None if p.menu.0.is_empty() => {
            ui.label(
                egui::RichText::new("No lesson for this scene.")
                    .small()
                    .weak(),
            );
        }
        None => {}
    }
    if !p.menu.0.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for (title, path) in &p.menu.0 {
                let playing = p.player.lesson.as_ref().is_some_and(|l| &l.source == path);
                if ui
                    .selectable_label(playing, title)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    p.commands.write(LessonCommand::Open(path.clone()));
                }
            }
        });
    }
    if let Some(e) = &p.player.error {
        ui.colored_label(egui::Color32::from_rgb(255, 120, 100), e);
    }
}

/// The lesson's caption, centred over the pendulums near the top of the view.
pub fn caption(ctx: &egui::Context, p: &LessonParams, view: egui::Rect) {
    let Some(text) = &p.player.caption else {
        return;
    };
    egui::Area::new(egui::Id::new("caption"))
        .pivot(egui::Align2::CENTER_TOP)
        .fixed_pos(egui::pos2(view.center().x, view.top() + 34.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgba_unmultiplied(10, 12, 16, 225))
                .stroke(egui::Stroke::new(
                    1.0,
                    egui::Color32::from_rgb(240, 200, 80),
                ))
                .inner_margin(10.0)
                .corner_radius(6.0)
                .show(ui, |ui| {
                    ui.set_max_width((view.width() - 80.0).clamp(200.0, 760.0));
                    ui.label(
                        egui::RichText::new(text)
                            .size(17.0)
                            .color(egui::Color32::from_rgb(250, 240, 215)),
                    );
                });
        });
}
