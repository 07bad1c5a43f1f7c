//! The training panel: status per model, live loss curves, start / pause / reset from
//! scratch / load shipped / save, learning rate and batch size; model problems on screen.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot};

use super::c32;
use crate::app::view::kind_color;
use crate::app::{Lab, ModelStatus, TrainAction, Training};

#[derive(SystemParam)]
pub struct TrainingParams<'w> {
    pub training: Res<'w, Training>,
    pub lab: Res<'w, Lab>,
    pub actions: MessageWriter<'w, TrainAction>,
    pub save_at: ResMut<'w, SaveButtonAt>,
}

/// Where the Save button was last drawn (centre, logical pixels), for scripts that press it
/// in a browser (`window.hnnLab.ui.save`): the panel's layout moves with its sections.
#[derive(Resource, Default, Debug)]
pub struct SaveButtonAt(pub Option<[f32; 2]>);

pub fn show(ui: &mut egui::Ui, p: &mut TrainingParams) {
    let t = &p.training;
    ui.horizontal(|ui| {
        if t.any_running() {
            if ui.button("⏸ Pause").clicked() {
                p.actions.write(TrainAction::Pause);
            }
        } else if ui
            .button("▶ Start")
            .on_hover_text(if p.lab.pixels().is_some() {
                "Train both models live, from the loaded weights"
            } else {
                "Train both models live from scratch (a few seconds)"
            })
            .clicked()
        {
            p.actions.write(TrainAction::Start);
        }
        if ui
            .button("Reset")
            .on_hover_text("Both models back to random weights: training from scratch")
            .clicked()
        {
            p.actions.write(TrainAction::ResetFromScratch);
        }
        if ui
            .button("Load shipped")
            .on_hover_text(p.lab.models_dir.display().to_string())
            .clicked()
        {
            p.actions.write(TrainAction::LoadShipped);
        }
        let save = ui
            .button("Save")
            .on_hover_text(p.lab.save_dir.display().to_string());
        let c = save.rect.center();
        p.save_at.0 = Some([c.x, c.y]);
        if save.clicked() {
            p.actions.write(TrainAction::Save);
        }
    });
    let mut lr = t.learning_rate;
    if ui
        .add(
            // Up to the scenes' limit: a rate pushed far up shows what divergence looks like.
            egui::Slider::new(&mut lr, 1e-5..=10.0)
                .logarithmic(true)
                .text("learning rate"),
        )
        .changed()
    {
        p.actions.write(TrainAction::SetLearningRate(lr));
    }
    let mut batch = t.batch_size;
    if ui
        .add(
            egui::Slider::new(&mut batch, 8..=1000)
                .logarithmic(true)
                .text("batch"),
        )
        .changed()
    {
        p.actions.write(TrainAction::SetBatchSize(batch));
    }
    for (kind, m) in t.models.each() {
        let name = kind.label();
        let color = c32(kind_color(kind));
        let status = if m.handle.is_none() {
            "idle".to_string()
        } else if !m.ready {
            "preparing…".to_string()
        } else {
            format!(
                "{} · {} · step {} · {:.0} steps/s · {:.0} s",
                if m.running { "training" } else { "paused" },
                m.device,
                m.step,
                m.steps_per_sec,
                m.elapsed.as_secs_f64()
            )
        };
        ui.label(egui::RichText::new(format!("{name}: {status}")).color(color));
        match &p.lab.shipped[kind] {
            ModelStatus::Unavailable(why) if m.step == 0 => {
                ui.label(
                    egui::RichText::new(format!("no shipped model: {why}"))
                        .small()
                        .color(egui::Color32::from_rgb(255, 120, 100)),
                );
            }
            ModelStatus::Loading { loaded, total } => {
                ui.label(
                    egui::RichText::new(format!(
                        "loading the shipped model: {:.1} of {:.1} MB",
                        *loaded as f64 / 1e6,
                        *total as f64 / 1e6
                    ))
                    .small()
                    .color(egui::Color32::from_rgb(230, 200, 120)),
                );
            }
            _ => {}
        }
        if let Some(e) = &m.error {
            ui.label(
                egui::RichText::new(e)
                    .small()
                    .color(egui::Color32::from_rgb(255, 120, 100)),
            );
        }
        if let Some(n) = &m.note {
            ui.label(egui::RichText::new(n).small().weak());
        }
    }
    if p.lab
        .shipped
        .iter()
        .any(|s| matches!(s, ModelStatus::Unavailable(_)))
        && !t.any_running()
        && ui.button("Train from scratch").clicked()
    {
        p.actions.write(TrainAction::ResetFromScratch);
        p.actions.write(TrainAction::Start);
    }
    loss_plot(ui, t);
}

fn loss_plot(ui: &mut egui::Ui, t: &Training) {
    Plot::new("losses")
        .height(170.0)
        .legend(Legend::default())
        .x_axis_label("step")
        .y_axis_label("log10 loss")
        .allow_scroll(false)
        .show(ui, |plot| {
            for (kind, m) in t.models.each() {
                let name = kind.label();
                let color = c32(kind_color(kind));
                let term = |f: fn(&crate::train::LossValues) -> f64| -> Vec<[f64; 2]> {
                    m.losses
                        .iter()
                        .filter(|(_, l)| f(l) > 0.0)
                        .map(|(s, l)| [*s as f64, f(l).log10()])
                        .collect()
                };
                // The pixel models report their three terms; the low-dimensional ones only
                // the total (the derivative MSE), which is drawn instead.
                if m.losses.iter().all(|(_, l)| l.ae == 0.0) {
                    plot.line(Line::new(format!("{name} loss"), term(|l| l.total)).color(color));
                    continue;
                }
                plot.line(Line::new(format!("{name} ae"), term(|l| l.ae)).color(color));
                plot.line(
                    Line::new(format!("{name} cc"), term(|l| l.cc))
                        .color(color.gamma_multiply(0.6))
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
                plot.line(
                    Line::new(format!("{name} hnn"), term(|l| l.hnn))
                        .color(color.gamma_multiply(0.8))
                        .style(egui_plot::LineStyle::dotted_dense()),
                );
            }
        });
}
