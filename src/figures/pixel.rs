//! Task 5 figures: what the autoencoder's latents mean, the learned H in latent space with a
//! rollout and the same rollout given energy halfway, energy read off the decoded frames, and
//! strips of decoded frames beside the true ones.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::energy_panel;
use super::{phase_panel, register_fonts, PhaseLayers, BASELINE, HNN, TRUTH};
use crate::data::PixelDataset;
use crate::eval::pixel::{read_state, rollout};
use crate::nn::PixelSnapshot;
use crate::physics::RapierSpec;
use crate::twin::PixelTwin;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("{e}")
}

/// Scatter of a latent coordinate against a true one over the test samples.
fn scatter(
    area: &Area,
    title: &str,
    (xl, yl): (&str, &str),
    pts: &[(f64, f64)],
    colour: RGBColor,
) -> Result<()> {
    let (x0, x1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (px, py) = (0.05 * (x1 - x0).max(1e-9), 0.05 * (y1 - y0).max(1e-9));
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((x0 - px)..(x1 + px), (y0 - py)..(y1 + py))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(xl)
        .y_desc(yl)
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 14))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new(*p, 2, colour.mix(0.5).filled())),
        )
        .map_err(err)?;
    Ok(())
}

/// Pearson correlation, printed on the latent panels.
fn correlation(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for p in pts {
        sxy += (p.0 - mx) * (p.1 - my);
        sxx += (p.0 - mx).powi(2);
        syy += (p.1 - my).powi(2);
    }
    sxy / (sxx * syy).sqrt().max(1e-300)
}

/// A latent rollout of `n` frames from z0, adding `delta_h` of learned energy at frame
/// `kick_at` (the twin's exact step along ∇H).
pub fn latent_rollout(
    snap: &PixelSnapshot,
    z0: [f64; 2],
    n: usize,
    kick: Option<(usize, f64)>,
) -> Vec<[f64; 2]> {
    let mut twin = PixelTwin::at(std::sync::Arc::new(snap.clone()), z0);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        if let Some((at, dh)) = kick {
            if k == at {
                twin.add_energy(dh);
            }
        }
        if k > 0 {
            twin.advance(1.0);
        }
        out.push(twin.z);
    }
    out
}

/// `<out>/<scene>_latents.png` and `<out>/<scene>_frames.png`.
pub fn pixel_figures(
    name: &str,
    data: &PixelDataset,
    phys: &RapierSpec,
    baseline: &PixelSnapshot,
    hnn: &PixelSnapshot,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    register_fonts();
    std::fs::create_dir_all(out)?;
    let latents = out.join(format!("{name}_latents.png"));
    let frames = out.join(format!("{name}_frames.png"));
    let trial = data.test_trials().start;
    let n_long = 600;

    // Latents of test samples against the true state.
    let mut zq = Vec::new();
    let mut zp = Vec::new();
    for t in data.test_trials() {
        for i in (0..data.spec.steps - 1).step_by(3) {
            let z = hnn.encode(data.pair(t, i));
            let [th, om] = data.state(t, i);
            zq.push((th, z[0]));
            zp.push((om, z[1]));
        }
    }
    let z0 = hnn.encode(data.pair(trial, 0));
    let plain = latent_rollout(hnn, z0, n_long, None);
    let h0 = hnn.energy(z0).unwrap_or(0.0);
    // Raise the learned H by half the spread of H over the test encodings.
    let hs: Vec<f64> = data
        .test_trials()
        .map(|t| hnn.energy(hnn.encode(data.pair(t, 0))).unwrap_or(0.0))
        .collect();
    let spread =
        hs.iter().cloned().fold(f64::MIN, f64::max) - hs.iter().cloned().fold(f64::MAX, f64::min);
    let kicked = latent_rollout(
        hnn,
        z0,
        n_long,
        Some((n_long / 2, 0.5 * spread.max(1e-3 * h0.abs().max(1e-3)))),
    );
    let all: Vec<[f64; 2]> = zq
        .iter()
        .zip(&zp)
        .map(|(a, b)| [a.1, b.1])
        .chain(plain.iter().copied())
        .chain(kicked.iter().copied())
        .collect();
    let (x0, x1) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), z| (a.min(z[0]), b.max(z[0])));
    let (y0, y1) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), z| (a.min(z[1]), b.max(z[1])));
    let (mx, my) = (0.15 * (x1 - x0).max(1e-6), 0.15 * (y1 - y0).max(1e-6));
    let window = ((x0 - mx, x1 + mx), (y0 - my, y1 + my));

    // Energy read off decoded frames along each model's rollout of the first test trial.
    let n = data.spec.steps - 1;
    let dt = data.spec.frame_dt;
    let truth_e: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let [th, om] = read_state(data.pair(trial, k), data);
            (k as f64 * dt, phys.energy(th, om))
        })
        .collect();
    let model_e = |snap: &PixelSnapshot| -> Vec<(f64, f64)> {
        rollout(snap, data, trial, n)
            .1
            .iter()
            .enumerate()
            .map(|(k, fr)| {
                let [th, om] = read_state(fr, data);
                (k as f64 * dt, phys.energy(th, om))
            })
            .collect()
    };
    {
        let root = BitMapBackend::new(&latents, (1400, 1200)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (title, body) = root.split_vertically(50);
        title
            .draw_text(
                &format!("{name}: the HNN's latent space"),
                &("sans-serif", 28).into_font().color(&BLACK),
                (20, 12),
            )
            .map_err(err)?;
        let a = body.split_evenly((2, 2));
        scatter(
            &a[0],
            &format!("z_q vs true θ (r = {:.3})", correlation(&zq)),
            ("θ (rad)", "z_q"),
            &zq,
            HNN,
        )?;
        scatter(
            &a[1],
            &format!("z_p vs true ω (r = {:.3})", correlation(&zp)),
            ("ω (rad/s)", "z_p"),
            &zp,
            HNN,
        )?;
        phase_panel(
            &a[2],
            "Learned H contours; rollout (blue), energy added halfway (red)",
            window,
            PhaseLayers {
                field: &|z| hnn.field(z),
                energy: Some(&|z| hnn.energy(z).unwrap_or(0.0)),
                points: &[],
                trajectories: vec![(&kicked[..], BASELINE), (&plain[..], HNN)],
                colour: RGBColor(150, 150, 150),
                labels: ("z_q", "z_p"),
            },
        )?;
        energy_panel(
            &a[3],
            "Energy read off the frames (J), first test trial",
            &[("truth", TRUTH), ("baseline", BASELINE), ("HNN", HNN)],
            &[truth_e, model_e(baseline), model_e(hnn)],
        )?;
        root.present()
            .map_err(|e| anyhow!("cannot write {}: {e}", latents.display()))?;
    }
    let strip_rows = [
        ("truth", None),
        ("baseline", Some(baseline)),
        ("HNN", Some(hnn)),
    ];
    frame_strips(&frames, data, trial, 10, &strip_rows)?;
    // The same on a trial three times longer than the training trials.
    let long = crate::eval::pixel::long_trials(phys, &data.spec)?;
    let long_frames = out.join(format!("{name}_long_frames.png"));
    // The long trial that swings widest, so the phase is visible.
    let widest = (0..long.spec.trials)
        .max_by(|&a, &b| {
            let e = |t: usize| {
                let [th, om] = long.state(t, 0);
                phys.energy(th, om)
            };
            e(a).total_cmp(&e(b))
        })
        .unwrap_or(0);
    frame_strips(&long_frames, &long, widest, 25, &strip_rows)?;
    Ok(vec![latents, frames, long_frames])
}

/// Rows of frames at every `every`-th step: the true frames and each model's decoded rollout.
fn frame_strips(
    path: &Path,
    data: &PixelDataset,
    trial: usize,
    every: usize,
    rows: &[(&str, Option<&PixelSnapshot>)],
) -> Result<()> {
    let n = data.spec.steps - 1;
    let picks: Vec<usize> = (0..n).step_by(every).collect();
    let s = data.spec.render.size;
    let p = data.pixels();
    let cell = 4; // screen pixels per frame pixel
    let (left, top, gap) = (130, 50, 6);
    let w = left + picks.len() * (s * cell + gap);
    let h = top + rows.len() * (s * cell + gap) + 30;
    let root = BitMapBackend::new(path, (w as u32, h as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    root.draw_text(
        &format!(
            "{n}-frame trial: true frames and decoded rollouts from the first pair, every {every}th frame ({:.2} s apart)",
            every as f64 * data.spec.frame_dt
        ),
        &("sans-serif", 20).into_font().color(&BLACK),
        (10, 12),
    )
    .map_err(err)?;
    for (r, (label, snap)) in rows.iter().enumerate() {
        let y0 = top + r * (s * cell + gap);
        root.draw_text(
            label,
            &("sans-serif", 20).into_font().color(&BLACK),
            (10, (y0 + s * cell / 2) as i32),
        )
        .map_err(err)?;
        let decoded = snap.map(|m| rollout(m, data, trial, n).1);
        for (c, &k) in picks.iter().enumerate() {
            let frame: Vec<f32> = match &decoded {
                None => data.pair(trial, k)[..p].to_vec(),
                Some(d) => d[k][..p].to_vec(),
            };
            let x0 = left + c * (s * cell + gap);
            for (i, v) in frame.iter().enumerate() {
                let g = (255.0 * (1.0 - v.clamp(0.0, 1.0))) as u8;
                let (px, py) = ((x0 + (i % s) * cell) as i32, (y0 + (i / s) * cell) as i32);
                root.draw(&Rectangle::new(
                    [(px, py), (px + cell as i32, py + cell as i32)],
                    RGBColor(g, g, g).filled(),
                ))
                .map_err(err)?;
            }
        }
    }
    for (c, &k) in picks.iter().enumerate() {
        let x0 = left + c * (s * cell + gap);
        root.draw_text(
            &format!("{k}"),
            &("sans-serif", 16).into_font().color(&BLACK),
            (x0 as i32 + 40, (h - 25) as i32),
        )
        .map_err(err)?;
    }
    root.present()
        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}
