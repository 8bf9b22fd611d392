//! Styling is decided once, here: colour on standard output, progress bars
//! on standard error. Nothing else in zclab looks at terminals or at
//! `NO_COLOR`.

use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether results on stdout get colour: `--color always|never` wins;
/// `auto` means stdout is a terminal, `TERM` is not `dumb` and `NO_COLOR`
/// is unset or empty (https://no-color.org).
pub fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|v| v == "dumb");
            std::io::stdout().is_terminal() && !no_color && !dumb
        }
    }
}

/// Applies the colour decision to the `colored` crate for the whole process.
pub fn apply(color: bool) {
    colored::control::set_override(color);
}

/// Progress bars only when a person is watching standard error.
pub fn progress_enabled() -> bool {
    std::io::stderr().is_terminal()
}

/// The width tables are laid out for: the terminal's, else a width that
/// fits a projector and a handout.
pub fn table_width() -> u16 {
    if std::io::stdout().is_terminal()
        && let Ok(ws) = terminal_size()
    {
        return ws.max(60);
    }
    110
}

fn terminal_size() -> Result<u16, ()> {
    // SAFETY: TIOCGWINSZ fills a plain `winsize` struct that we own; the fd
    // is stdout, which is open for the life of the process.
    let mut ws: nix::libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { nix::libc::ioctl(1, nix::libc::TIOCGWINSZ, &mut ws) };
    if rc == 0 && ws.ws_col > 0 {
        Ok(ws.ws_col)
    } else {
        Err(())
    }
}
