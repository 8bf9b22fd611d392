//! Errors that point at a place in the course: `file:line: message`, the
//! shape compilers use, so editors and CI logs make them clickable. The
//! message comes from the catalogue (`text::lesson_check`) in both
//! languages; `zclab lesson --check` prints it in the user's.

use std::fmt;

use crate::error::Localized;
use crate::lang::Lang;
use crate::text::{Text, lesson_check as t};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as the author sees it, e.g. `lessons/en/01-traditional-path.md`.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    pub message: Localized,
}

impl Diagnostic {
    /// A diagnostic worded in the catalogue.
    pub fn new(file: &str, line: usize, text: Text, args: &[(&str, &dyn fmt::Display)]) -> Self {
        Diagnostic::of(file, line, Localized::new(text, args))
    }

    /// A diagnostic whose message is already in both languages.
    pub fn of(file: &str, line: usize, message: Localized) -> Self {
        Diagnostic {
            file: file.to_string(),
            line,
            message,
        }
    }

    /// `file:line: message` in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        format!("{}:{}: {}", self.file, self.line, self.message.get(lang))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Every problem found in one pass, so an author fixes them all at once
/// instead of one per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The heading and one indented line per problem, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let n = self.0.len();
        let mut out = if n == 1 {
            t::PROBLEM.get(lang).to_string()
        } else {
            t::PROBLEMS.fill(lang, &[("n", &n)])
        };
        out.push('\n');
        for d in &self.0 {
            out.push_str("  ");
            out.push_str(&d.render(lang));
            out.push('\n');
        }
        out
    }

    /// The whole report in both languages, as an error `main` prints in
    /// the user's.
    pub fn localized(&self) -> Localized {
        Localized {
            en: self.render(Lang::En),
            zh: self.render(Lang::Zh),
            usage: false,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_speak_both_languages_in_the_same_shape() {
        let d = Diagnostics(vec![
            Diagnostic::new("f.md", 3, t::GIVEN_TWICE, &[("key", &"hint")]),
            Diagnostic::new("f.md", 9, t::QUIZ_ONE_RIGHT, &[("found", &2)]),
        ]);
        assert_eq!(
            d.render(Lang::En),
            "the course has 2 problems:\n  f.md:3: 'hint' given twice\n  f.md:9: a quiz needs exactly one right choice marked [x], found 2\n"
        );
        assert_eq!(
            d.render(Lang::Zh),
            "课程有 2 处问题：\n  f.md:3: 键“hint”写了两次\n  f.md:9: 测验必须有且只有一个用 [x] 标出的正确选项，这里有 2 个\n"
        );
        assert_eq!(d.to_string(), d.localized().en);
        assert_eq!(
            Diagnostics(vec![Diagnostic::new("c.toml", 1, t::NO_LESSONS, &[])]).render(Lang::Zh),
            "课程有 1 处问题：\n  c.toml:1: 没有任何 [[lesson]] 条目\n"
        );
    }
}
