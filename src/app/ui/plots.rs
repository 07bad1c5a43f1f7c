//! The overlays: energy over time (truth and both twins in joules, read the same way), the
//! HNN's learned H in its latent units, the true phase plane with energy contours, and each
//! twin's latent plane with its learned H contours (HNN) or vector field (baseline), with trails.

use crate::app::KINDS;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Arrows, Legend, Line, Plot, PlotPoints, Points};

use super::c32;
use crate::app::overlay::{Portrait, Portraits, Series};
use crate::app::view::COLORS;

#[derive(SystemParam)]
pub struct PlotParams<'w> {
    pub series: Res<'w, Series>,
    pub portraits: Res<'w, Portraits>,
    pub lab: Res<'w, crate::app::Lab>,
    pub game: Res<'w, crate::app::game::GameRound>,
}

pub fn show(ui: &mut egui::Ui, p: &PlotParams) {
    // Less than the panel offers (titles, spacing): content that fills it exactly makes a
    // resizable panel creep taller frame by frame.
    let h = (ui.available_height() - 40.0).max(80.0);
    let w = ((ui.available_width() - 5.0 * ui.spacing().item_spacing.x - 24.0) / 5.0).max(60.0);
    let s = &p.series.samples;
    let pixels = p.lab.pixels().is_some();
    let (energy_title, learned_title, truth_title, twin_titles) = if pixels {
        (
            "Energy (J); twins read off their frames",
            "HNN's learned H (latent units)",
            "Truth: (θ, ω) and H contours",
            ["HNN latent: learned H", "Baseline latent: field"],
        )
    } else {
        (
            "True energy H of each state",
            "HNN's learned H",
            "Truth: (q, p) and H contours",
            ["HNN: learned H in (q, p)", "Baseline: field in (q, p)"],
        )
    };
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.label(energy_title);
            Plot::new("energy")
                .width(w * 1.2)
                .height(h)
                .legend(Legend::default().position(egui_plot::Corner::LeftBottom))
                .include_y(0.0)
                .x_axis_label("t (s)")
                .show(ui, |plot| {
                    let read = pts(s.iter().filter_map(|x| x.truth_read.map(|e| [x.t, e])));
                    plot.line(
                        Line::new("Truth read off its frames", read)
                            .color(c32(COLORS[0]).gamma_multiply(0.35)),
                    );
                    plot.line(
                        Line::new("Truth", pts(s.iter().map(|x| [x.t, x.truth_energy])))
                            .color(c32(COLORS[0]))
                            .width(2.0),
                    );
                    for (i, name) in ["HNN", "Baseline"].into_iter().enumerate() {
                        let v = pts(s.iter().filter_map(|x| x.energy[i].map(|e| [x.t, e])));
                        plot.line(Line::new(name, v).color(c32(COLORS[i + 1])));
                    }
                    if let Some(r) = &p.game.round {
                        let gold = egui::Color32::from_rgb(240, 200, 50);
                        for e in [r.energy_band.0, r.energy_band.1] {
                            plot.hline(egui_plot::HLine::new("target band", e).color(gold));
                        }
                    }
                });
        });
        ui.vertical(|ui| {
            ui.label(learned_title);
            Plot::new("learned")
                .width(w * 0.8)
                .height(h)
                .x_axis_label("t (s)")
                // RK4 keeps H to ~1e-7: without a floor on the range, that noise fills the plot.
                .include_y(s.back().and_then(|x| x.learned[0]).unwrap_or(0.0) - 0.05)
                .include_y(s.back().and_then(|x| x.learned[0]).unwrap_or(0.0) + 0.05)
                .show(ui, |plot| {
                    let v = pts(s.iter().filter_map(|x| x.learned[0].map(|e| [x.t, e])));
                    plot.line(Line::new("learned H", v).color(c32(COLORS[1])));
                });
        });
        ui.vertical(|ui| {
            ui.label(truth_title);
            let trail = pts(s.iter().map(|x| [x.truth[0], x.truth[1]]));
            let now = s.back().map(|x| x.truth);
            phase(ui, "phase_truth", &p.portraits.truth, trail, now, 0, w, h);
        });
        for (i, (kind, name)) in KINDS.into_iter().zip(twin_titles).enumerate() {
            ui.vertical(|ui| {
                ui.label(name);
                match &p.portraits.twins[kind] {
                    Some(Portrait {
                        failed: Some(why), ..
                    }) => {
                        ui.label(
                            egui::RichText::new(why)
                                .small()
                                .color(egui::Color32::from_rgb(255, 120, 100)),
                        );
                    }
                    Some(portrait) => {
                        let trail = pts(s.iter().filter_map(|x| x.z[i]));
                        let now = s.back().and_then(|x| x.z[i]);
                        phase(ui, name, portrait, trail, now, i + 1, w, h);
                    }
                    None => {
                        ui.label("no model yet");
                    }
                }
            });
        }
    });
}

fn pts(it: impl Iterator<Item = [f64; 2]>) -> PlotPoints<'static> {
    PlotPoints::from(it.collect::<Vec<_>>())
}

#[allow(clippy::too_many_arguments)]
fn phase(
    ui: &mut egui::Ui,
    id: &str,
    portrait: &Portrait,
    trail: PlotPoints<'static>,
    now: Option<[f64; 2]>,
    column: usize,
    w: f32,
    h: f32,
) {
    let [[x0, x1], [y0, y1]] = portrait.bounds;
    let color = c32(COLORS[column]);
    Plot::new(id)
        .width(w)
        .height(h)
        .include_x(x0)
        .include_x(x1)
        .include_y(y0)
        .include_y(y1)
        .show_axes(true)
        .allow_scroll(false)
        .show(ui, |plot| {
            let grey = egui::Color32::from_gray(110);
            let segs = if portrait.contours.is_empty() {
                &portrait.arrows
            } else {
                &portrait.contours
            };
            let origins: Vec<[f64; 2]> = segs.iter().map(|s| [s[0].0, s[0].1]).collect();
            let tips: Vec<[f64; 2]> = segs.iter().map(|s| [s[1].0, s[1].1]).collect();
            let tip = if portrait.contours.is_empty() {
                4.0
            } else {
                0.0
            };
            plot.arrows(
                Arrows::new("", origins, tips)
                    .tip_length(tip)
                    .color(grey)
                    .allow_hover(false),
            );
            plot.line(Line::new("trail", trail).color(color).allow_hover(false));
            if let Some(n) = now {
                plot.points(Points::new("now", n).radius(4.0).color(color));
            }
        });
}
