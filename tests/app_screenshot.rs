//! The real app, rendered: `hnn-lab --screenshot PATH --frames N` under an X display (Xvfb
//! with Mesa's lavapipe in CI) must write a PNG that shows the three pendulums, each in its
//! colour in its third of the pendulum view.
#![cfg(feature = "gui")]

use std::path::Path;
use std::process::Command;

/// Column colours of `app::view` (sRGB bytes): truth, HNN, baseline.
const COLORS: [[u8; 3]; 3] = [[235, 235, 224], [89, 166, 255], [255, 128, 77]];

fn run_app(out: &Path, extra: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_hnn-lab");
    let args = [
        "--scene".to_string(),
        root.join("scenes/pixel_pendulum.ron").display().to_string(),
        "--screenshot".into(),
        out.display().to_string(),
        "--frames".into(),
        "40".into(),
    ];
    let has_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty());
    let xvfb = Command::new("xvfb-run").arg("--help").output().is_ok();
    let mut cmd = if has_display {
        Command::new(bin)
    } else if xvfb {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1280x800x24", bin]);
        c
    } else {
        panic!(
            "this test renders the app: it needs an X display or xvfb-run \
             (Debian: apt-get install xvfb mesa-vulkan-drivers)"
        );
    };
    let res = cmd
        .args(&args)
        .args(extra)
        .env("HOME", out.parent().unwrap())
        .output()
        .expect("run hnn-lab");
    assert!(
        res.status.success() && out.is_file(),
        "app failed ({}):\n{}",
        res.status,
        String::from_utf8_lossy(&res.stderr)
    );
}

/// Pixels near each column colour in each third of the pendulum view (the top-left area:
/// the panels take the right and the bottom), and the screenshot's grey-level spread.
fn colour_counts(path: &Path) -> ([[usize; 3]; 3], f64) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0u8; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let ch = info.color_type.samples();
    assert!(w >= 800 && h >= 500, "{w}x{h}");
    let px = |x: usize, y: usize| -> [u8; 3] {
        let i = (y * w + x) * ch;
        [buf[i], buf[i + 1], buf[i + 2]]
    };
    let lum: Vec<f64> = (0..h)
        .step_by(4)
        .flat_map(|y| (0..w).step_by(4).map(move |x| (x, y)))
        .map(|(x, y)| px(x, y).iter().map(|&v| v as f64).sum::<f64>() / 3.0)
        .collect();
    let mean = lum.iter().sum::<f64>() / lum.len() as f64;
    let sd = (lum.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / lum.len() as f64).sqrt();
    let (view_w, view_h) = (w * 70 / 100, h * 60 / 100);
    let near = |p: [u8; 3], c: [u8; 3]| (0..3).all(|k| (p[k] as i32 - c[k] as i32).abs() < 40);
    let mut counts = [[0usize; 3]; 3];
    for (third, row) in counts.iter_mut().enumerate() {
        for x in third * view_w / 3..(third + 1) * view_w / 3 {
            for y in 0..view_h {
                for (c, n) in row.iter_mut().enumerate() {
                    *n += usize::from(near(px(x, y), COLORS[c]));
                }
            }
        }
    }
    (counts, sd)
}

#[test]
fn the_screenshot_shows_the_three_pendulums() {
    let dir = tempfile::tempdir().unwrap();
    let (with, without) = (dir.path().join("shot.png"), dir.path().join("none.png"));
    run_app(&with, &[]);
    // The same app without models: the twins' columns must lose their pendulums.
    run_app(
        &without,
        &[
            "--models",
            &dir.path().join("no-models").display().to_string(),
        ],
    );
    let (c, sd) = colour_counts(&with);
    let (c0, _) = colour_counts(&without);
    assert!(sd > 10.0, "blank screenshot (grey-level sd {sd:.1})");
    for (third, row) in c.iter().enumerate() {
        let own = row[third];
        assert!(own > 300, "third {third}: only {own} pixels of its colour");
        if third > 0 {
            let other = row[3 - third];
            assert!(
                own > 3 * other,
                "third {third}: {own} own vs {other} of the other twin"
            );
            // Without a model only its title, a ring and a "no model" line keep the colour.
            let bare = c0[third][third];
            assert!(
                own > 2 * bare && own > bare + 400,
                "third {third}: {own} with its model, {bare} without ({c:?} vs {c0:?})"
            );
        }
    }
}
