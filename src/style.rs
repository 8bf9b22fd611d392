//! Styling is decided once, here: colour on standard output, progress bars
//! on standard error. Nothing else in zclab looks at terminals or at
//! `NO_COLOR`.

use std::io::IsTerminal;

use crate::ctx::Ctx;
use crate::lang::Lang;

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

/// The width output is laid out for: the terminal's when stdout is one,
/// else `COLUMNS` when it holds a number, else [`Ctx::DEFAULT_WIDTH`]
/// (never below [`Ctx::MIN_WIDTH`]). Called once, by `commands/`; renderers
/// get the answer in their [`Ctx`].
pub fn output_width() -> usize {
    let width = if std::io::stdout().is_terminal()
        && let Ok(ws) = terminal_size()
    {
        ws as usize
    } else {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&w| w > 0)
            .unwrap_or(Ctx::DEFAULT_WIDTH)
    };
    width.max(Ctx::MIN_WIDTH)
}

/// The render context for this process: decided once from the flags and
/// the terminal.
pub fn ctx(lang: Lang, color: bool) -> Ctx {
    Ctx {
        lang,
        color,
        width: output_width(),
    }
}

/// Old name of [`output_width`], for code not yet handed a [`Ctx`].
pub fn table_width() -> u16 {
    output_width().min(u16::MAX as usize) as u16
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
