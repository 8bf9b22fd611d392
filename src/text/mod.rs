//! The text catalogue: every user-facing label, note and message of zclab,
//! in English and Chinese, one keyed entry each.
//!
//! A translator reviews the Chinese here without reading layout code, and
//! the tests below check that every entry has both languages, the same
//! `{placeholders}` in both, and Chinese that follows `ZH-STYLE.md`'s
//! typography (no ASCII quotes, no space next to full-width punctuation).
//!
//! An entry is a [`Text`] constant declared with [`texts!`]:
//!
//! ```text
//! texts! {
//!     /// Shown under the table when a run was cut short.
//!     STOPPED_EARLY {
//!         en: "{method}: stopped early as asked, {sent} of {total} bytes sent",
//!         zh: "{method}：按要求提前停止，已发送 {sent} / {total} 字节",
//!     }
//! }
//! ```
//!
//! and shown through the render context: `ctx.t(text::compare::TITLE)` for
//! a fixed text, `ctx.f(text::compare::STOPPED_EARLY, &[("method", &name),
//! …])` for one with placeholders. Values are formatted by the renderer
//! (digits grouped, bytes in KiB/MiB) before they are filled in; the
//! catalogue holds words only.

use std::fmt::Display;

use crate::lang::Lang;

pub mod attach;
pub mod cli;
pub mod common;
pub mod compare;
pub mod count;
pub mod demo;
pub mod errors;
pub mod help;
pub mod kafka;
pub mod lesson;
pub mod lesson_check;
pub mod protocol;
pub mod roads;
pub mod run;
pub mod sample;
pub mod sweep;
pub mod verify;
pub mod walk;

/// One catalogue entry: the same text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    /// The entry's name, for tests and translators.
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }

    /// The text in `lang` with every `{name}` replaced by its value. A
    /// placeholder without a value stays as it is (the tests make sure
    /// none is left out).
    pub fn fill(self, lang: Lang, args: &[(&str, &dyn Display)]) -> String {
        fill(self.get(lang), args)
    }
}

/// Replaces `{name}` in `template` by the matching value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares catalogue entries as `pub const NAME: Text` and collects them
/// in `ALL` (for the tests).
#[macro_export]
macro_rules! texts {
    ($( $(#[$meta:meta])* $name:ident { en: $en:expr, zh: $zh:expr $(,)? } )*) => {
        $(
            $(#[$meta])*
            pub const $name: $crate::text::Text =
                $crate::text::Text { key: stringify!($name), en: $en, zh: $zh };
        )*
        /// Every entry of this part of the catalogue.
        pub const ALL: &[$crate::text::Text] = &[$($name),*];
    };
}

/// Every entry of the catalogue, part by part.
pub fn all() -> Vec<(&'static str, Text)> {
    let parts: [(&str, &[Text]); 18] = [
        ("attach", attach::ALL),
        ("cli", cli::ALL),
        ("common", common::ALL),
        ("compare", compare::ALL),
        ("count", count::ALL),
        ("demo", demo::ALL),
        ("errors", errors::ALL),
        ("help", help::ALL),
        ("kafka", kafka::ALL),
        ("lesson", lesson::ALL),
        ("lesson_check", lesson_check::ALL),
        ("protocol", protocol::ALL),
        ("roads", roads::ALL),
        ("run", run::ALL),
        ("sample", sample::ALL),
        ("sweep", sweep::ALL),
        ("verify", verify::ALL),
        ("walk", walk::ALL),
    ];
    parts
        .iter()
        .flat_map(|(part, texts)| texts.iter().map(move |t| (*part, *t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            out.insert(&after[..close]);
            rest = &after[close + 1..];
        }
        out
    }

    const FULL_WIDTH: &str = "，。：；！？（）“”、";

    #[test]
    fn every_entry_has_both_languages_with_the_same_placeholders() {
        let mut keys = BTreeSet::new();
        for (part, t) in all() {
            assert!(keys.insert((part, t.key)), "{part}::{} twice", t.key);
            assert!(!t.en.trim().is_empty(), "{part}::{} has no English", t.key);
            assert!(!t.zh.trim().is_empty(), "{part}::{} has no Chinese", t.key);
            assert_eq!(
                placeholders(t.en),
                placeholders(t.zh),
                "{part}::{}: English and Chinese fill different values",
                t.key
            );
        }
    }

    #[test]
    fn chinese_follows_the_typography_rules() {
        for (part, t) in all() {
            let zh = t.zh;
            assert!(
                !zh.contains('"'),
                "{part}::{}: use “” in Chinese: {zh}",
                t.key
            );
            for p in FULL_WIDTH.chars() {
                for bad in [format!(" {p}"), format!("{p} ")] {
                    assert!(
                        !zh.contains(&bad),
                        "{part}::{}: space next to {p}: {zh}",
                        t.key
                    );
                }
            }
            for banned in [
                "模式切换",
                "状态切换",
                "冷启动",
                "证人",
                "穿越",
                "socket 缓冲区",
            ] {
                assert!(
                    !zh.contains(banned),
                    "{part}::{}: ZH-STYLE avoids {banned}: {zh}",
                    t.key
                );
            }
        }
    }

    /// A Chinese text that is an English sentence left untranslated: four
    /// English words in a row, outside `code` and `{placeholders}`.
    #[test]
    fn chinese_is_not_english_left_untranslated() {
        fn strip(s: &str, open: char, close: char) -> String {
            let mut out = String::new();
            let mut inside = false;
            for c in s.chars() {
                if !inside && c == open {
                    inside = true;
                } else if inside && c == close {
                    inside = false;
                    out.push(' ');
                } else if !inside {
                    out.push(c);
                }
            }
            out
        }
        for (part, t) in all() {
            let plain = strip(&strip(t.zh, '{', '}'), '`', '`');
            // Words in a row: letters separated by single spaces only.
            let prose = |c: char| c.is_ascii_alphabetic() || c == ' ' || c == '\'';
            for run in plain.split(|c: char| !prose(c)) {
                let words = run.split(' ').filter(|w| w.len() >= 2).count();
                assert!(
                    words < 4,
                    "{part}::{}: English left in Chinese: {}",
                    t.key,
                    t.zh
                );
            }
        }
    }

    #[test]
    fn fill_replaces_named_values() {
        let n = 3;
        assert_eq!(
            fill("{a} + {b} = {a}{c}", &[("a", &n), ("b", &"x")]),
            "3 + x = 3{c}"
        );
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("open { only", &[]), "open { only");
    }
}
