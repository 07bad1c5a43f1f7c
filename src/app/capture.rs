//! Screenshots: a key or button saves the window to PNG; `--screenshot PATH --frames N`
//! renders N frames, saves, and exits once the file is written (CI and the README use it).

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{save_to_disk, Screenshot, ScreenshotCaptured};

use super::lab::user_data_dir;

/// Save the window now (to this path, or a timestamped file in the user's data folder).
#[derive(Message, Clone, Debug)]
pub struct TakeScreenshot(pub Option<PathBuf>);

/// Set by `--screenshot`: after `frames` frames, save to `path` and exit.
#[derive(Resource, Clone, Debug)]
pub struct ScreenshotAndExit {
    pub path: PathBuf,
    pub frames: u32,
}

/// Frames rendered so far, and whether the requested capture has been written.
#[derive(Resource, Default)]
struct CaptureState {
    frames: u32,
    requested: bool,
    written: bool,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<TakeScreenshot>()
        .init_resource::<CaptureState>()
        .add_systems(Update, (take_screenshots, screenshot_and_exit));
}

fn take_screenshots(mut commands: Commands, mut shots: MessageReader<TakeScreenshot>) {
    for s in shots.read() {
        let path = s.0.clone().unwrap_or_else(|| {
            let secs = web_time::SystemTime::now()
                .duration_since(web_time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            user_data_dir()
                .join("screenshots")
                .join(format!("hnn-lab-{secs}.png"))
        });
        // (In a browser Bevy offers the PNG as a download named after the file.)
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                error!("cannot create {}: {e}", dir.display());
                continue;
            }
        }
        info!("screenshot: {}", path.display());
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path));
    }
}

fn screenshot_and_exit(
    mut commands: Commands,
    want: Option<Res<ScreenshotAndExit>>,
    mut state: ResMut<CaptureState>,
    mut shots: MessageWriter<TakeScreenshot>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(want) = want else { return };
    state.frames += 1;
    if state.written {
        exit.write(AppExit::Success);
    } else if state.requested && state.frames > want.frames + 600 {
        error!("no screenshot came back within 600 frames");
        exit.write(AppExit::error());
    } else if !state.requested && state.frames >= want.frames {
        state.requested = true;
        shots.write(TakeScreenshot(Some(want.path.clone())));
        commands.add_observer(|_: On<ScreenshotCaptured>, mut s: ResMut<CaptureState>| {
            s.written = true
        });
    }
}
