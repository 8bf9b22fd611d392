//! The render context: the language, whether to colour, and the width to
//! lay out for. Decided once, in `commands/`, from the flags and the
//! terminal ([`crate::style`]), then passed down to every renderer, which
//! never asks the terminal or the environment itself.

use std::fmt::Display;

use crate::lang::Lang;
use crate::text::Text;

/// How to render: everything a renderer may depend on besides its view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ctx {
    pub lang: Lang,
    /// ANSI colour and bold on (only when stdout is a terminal, or
    /// `--color always`).
    pub color: bool,
    /// Display columns: tables and wrapped prose never exceed it.
    pub width: usize,
}

impl Ctx {
    /// The narrowest layout zclab supports; a smaller terminal gets this.
    pub const MIN_WIDTH: usize = 40;
    /// The width when stdout is not a terminal and `COLUMNS` is unset: a
    /// projector at a readable font size, and a handout.
    pub const DEFAULT_WIDTH: usize = 100;

    /// A plain context (no colour) for tests and files.
    pub fn plain(lang: Lang, width: usize) -> Ctx {
        Ctx {
            lang,
            color: false,
            width: width.max(Self::MIN_WIDTH),
        }
    }

    /// A catalogue text in this context's language.
    pub fn t(&self, text: Text) -> &'static str {
        text.get(self.lang)
    }

    /// A catalogue text with its `{placeholders}` filled.
    pub fn f(&self, text: Text, args: &[(&str, &dyn Display)]) -> String {
        text.fill(self.lang, args)
    }

    /// `text` wrapped to the width, the first line after `first`, the
    /// rest indented by `indent` columns.
    pub fn wrap(&self, text: &str, first: &str, indent: usize) -> String {
        crate::report::wrap(text, self.width, first, indent)
    }
}
