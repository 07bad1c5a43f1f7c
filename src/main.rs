//! `hnn-lab`: the headless CLI (train, eval, table, figures, bench); in a browser (the web
//! build), the app alone.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

/// In a browser there is no command line: the page's script asks what the scene needs
/// (`needs`), fetches it and starts the app on its canvas (`start`); see `app::web_start`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(all(target_arch = "wasm32", feature = "gui"))]
pub use hnn_lab::app::web_start::{file_arrived, file_failed, file_progress, needs, start};

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    // Subnormal floats cost ~100× a normal one and carry nothing for training or inference:
    // flush them on this thread and on rayon's (late in training, Adam's second moments
    // reach them; see `flush_denormals`).
    hnn_lab::device::flush_denormals();
    let _ = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| hnn_lab::device::flush_denormals())
        .build_global();
    // A bad flag is exit code 1 like every other bad input (clap's own is 2); --help and
    // --version still exit 0.
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                std::process::ExitCode::FAILURE
            } else {
                std::process::ExitCode::SUCCESS
            };
        }
    };
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
