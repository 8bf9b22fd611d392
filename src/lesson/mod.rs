//! Lessons as data: the course lives in `lessons/` (a versioned manifest and
//! one Markdown file per lesson per language; format in `lessons/FORMAT.md`)
//! and is compiled into the binary. This module loads and checks it the way
//! rustlings' `dev check` checks its `info.toml` (the content is tested like
//! code), keeps the student's progress (`state`), and walks a lesson step by
//! step (`runner`).
//!
//! It never sees clap and never measures by itself: the command layer hands
//! in a validator for run lines and an [`runner::Executor`] that runs zclab's
//! own subcommands in-process.

mod check;
mod diag;
pub mod embedded;
mod lint;
mod manifest;
mod md_table;
mod parse;
mod render;
pub mod runner;
mod schema;
mod source;
pub mod state;

pub use check::{RunValidator, load};
pub use diag::{Diagnostic, Diagnostics};
pub use manifest::LessonMeta;
pub use parse::{Choice, Predict, Quiz, Run, Step, Text, Tolerance};
pub use schema::{RunKind, RunShape};
pub use source::{DirSource, EmbeddedSource, Source};

use crate::lang::Lang;

// The `Lang` matches below choose data (a folder, a lesson's steps and
// title in that language), not words: the lessons' prose is in `lessons/`,
// the runner's words in `text::lesson`.

/// Both languages, in the order lesson files are checked.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// The directory under `lessons/` that holds a language's files.
pub fn lang_dir(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// A whole course, validated.
#[derive(Debug, Clone)]
pub struct Course {
    pub format_version: u32,
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// Lesson by its 1-based number.
    pub fn lesson(&self, number: u32) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.meta.number == number)
    }

    /// Total steps over all lessons (the same in both languages).
    pub fn total_steps(&self) -> usize {
        self.lessons.iter().map(|l| l.en.len()).sum()
    }
}

/// One lesson: its manifest entry and its steps in both languages. The two
/// step lists have the same kinds in the same order (checked at load time),
/// so a saved step index means the same place in either language.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub meta: LessonMeta,
    pub en: Vec<Step>,
    pub zh: Vec<Step>,
}

impl Lesson {
    pub fn steps(&self, lang: Lang) -> &[Step] {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.meta.title_en,
            Lang::Zh => &self.meta.title_zh,
        }
    }
}
