//! A progress bar on the terminal (indicatif) for the long commands.

use super::fail;
use catalyse_core::CoreError;

/// A progress bar on the terminal (stderr) for long work; nothing when stderr is not a
/// terminal (a script, a pipe, a log file).
pub(super) fn terminal_progress() -> (
    catalyse_core::shared::progress::Progress,
    Option<indicatif::ProgressBar>,
) {
    use catalyse_core::shared::progress::{Phase, Progress};
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return (Progress::none(), None);
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(8),
    );
    let counted =
        indicatif::ProgressStyle::with_template("{msg:<28} [{bar:30}] {percent:>3} % ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> ");
    let spinner = indicatif::ProgressStyle::with_template("{msg:<28} {spinner} ({elapsed})")
        .expect("a valid template");
    let b = bar.clone();
    let progress = Progress::new(Default::default(), move |e| {
        let label = match e.phase {
            Phase::Reading => "Lecture du fichier",
            Phase::Checking => "Vérification des lignes",
            Phase::Writing => "Écriture",
            Phase::Indexing => "Index et enregistrement",
            Phase::Analysing => "Analyse du réseau",
            Phase::Layout => "Placement des acteurs",
            Phase::Copying => "Copie",
            Phase::Exporting => "Export",
        };
        if b.message() != label {
            b.set_message(label);
        }
        match e.total {
            Some(total) => {
                b.set_style(counted.clone());
                b.set_length(total.max(1));
                b.set_position(e.done.min(total));
            }
            None => {
                b.set_style(spinner.clone());
                b.tick();
            }
        }
    });
    (progress, Some(bar))
}

/// [`fail`], once the progress bar is gone.
pub(super) fn fail_after(bar: Option<indicatif::ProgressBar>, e: &CoreError) -> i32 {
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    fail(e)
}
