//! Progress bars on standard error, only when a person is watching it. The
//! bar takes what the line leaves (`wide_bar`), so the whole bar stays on
//! one line at any terminal width.

use indicatif::{ProgressBar, ProgressStyle};

/// A byte-counting bar, or a hidden one when `visible` is false.
pub fn bytes_bar(visible: bool, total: u64, message: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    bar
}
