//! `lessons/course.toml`: the versioned list of lessons, in order.

use serde::Deserialize;
use toml::Spanned;

use super::diag::Diagnostic;
use crate::error::Localized;
use crate::text::lesson_check as t;

/// The only manifest format this build understands. Bump it when a change
/// would make an older zclab misread the course.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    format_version: Spanned<u32>,
    #[serde(rename = "lesson", default)]
    lessons: Vec<RawLesson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: Spanned<String>,
    number: Spanned<u32>,
    title_en: String,
    title_zh: String,
    sample: Spanned<String>,
}

/// One `[[lesson]]` entry of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonMeta {
    pub id: String,
    pub number: u32,
    pub title_en: String,
    pub title_zh: String,
    /// Path under the repository's `samples/` directory.
    pub sample: String,
    /// Line of the entry in course.toml, for errors about this lesson.
    pub line: usize,
}

impl LessonMeta {
    /// `en/01-traditional-path.md`: the file name follows from number and id,
    /// so the manifest never has to repeat it and cannot disagree with it.
    pub fn file(&self, lang: super::Lang) -> String {
        format!(
            "{}/{:02}-{}.md",
            super::lang_dir(lang),
            self.number,
            self.id
        )
    }
}

pub(crate) fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

pub fn parse(file: &str, text: &str) -> Result<Vec<LessonMeta>, Vec<Diagnostic>> {
    let raw: RawManifest = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        // The parser's own words, inside a catalogue line.
        let reason = Localized::foreign(e.message().trim());
        vec![Diagnostic::of(
            file,
            line,
            Localized::around(t::TOML, "reason", &reason, &[]),
        )]
    })?;
    let mut errs = Vec::new();
    if *raw.format_version.get_ref() != FORMAT_VERSION {
        errs.push(Diagnostic::new(
            file,
            line_of(text, raw.format_version.span().start),
            t::FORMAT_VERSION,
            &[
                ("found", raw.format_version.get_ref()),
                ("want", &FORMAT_VERSION),
            ],
        ));
    }
    if raw.lessons.is_empty() {
        errs.push(Diagnostic::new(file, 1, t::NO_LESSONS, &[]));
    }
    let mut out: Vec<LessonMeta> = Vec::new();
    for (i, l) in raw.lessons.into_iter().enumerate() {
        let line = line_of(text, l.id.span().start);
        let id = l.id.into_inner();
        let expected = i as u32 + 1;
        if *l.number.get_ref() != expected {
            errs.push(Diagnostic::new(
                file,
                line_of(text, l.number.span().start),
                t::BAD_NUMBER,
                &[
                    ("id", &id),
                    ("number", l.number.get_ref()),
                    ("expected", &expected),
                ],
            ));
        }
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            errs.push(Diagnostic::new(file, line, t::BAD_ID, &[("id", &id)]));
        }
        if out.iter().any(|o| o.id == id) {
            errs.push(Diagnostic::new(file, line, t::DUPLICATE_ID, &[("id", &id)]));
        }
        if l.title_en.trim().is_empty() || l.title_zh.trim().is_empty() {
            errs.push(Diagnostic::new(file, line, t::NEEDS_TITLES, &[("id", &id)]));
        }
        let sample = l.sample.get_ref().clone();
        let sample_ok = sample.starts_with("samples/")
            && sample.len() > "samples/".len()
            && !sample.split('/').any(|c| c == ".." || c.is_empty());
        if !sample_ok {
            errs.push(Diagnostic::new(
                file,
                line_of(text, l.sample.span().start),
                t::BAD_SAMPLE,
                &[("sample", &sample)],
            ));
        }
        out.push(LessonMeta {
            id,
            number: l.number.into_inner(),
            title_en: l.title_en,
            title_zh: l.title_zh,
            sample,
            line,
        });
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_manifest_parses() {
        let t = "format_version = 1\n\n[[lesson]]\nid = \"a-b\"\nnumber = 1\ntitle_en = \"A\"\ntitle_zh = \"甲\"\nsample = \"samples/x.log\"\n";
        let m = parse("course.toml", t).expect("valid");
        assert_eq!(m[0].file(super::super::Lang::Zh), "zh/01-a-b.md");
        assert_eq!(m[0].line, 4);
    }

    #[test]
    fn toml_syntax_error_names_the_line() {
        let t = "format_version = 1\n[[lesson]]\nid = \"a\nnumber = 1\n";
        let e = parse("course.toml", t).expect_err("invalid");
        assert_eq!(e[0].line, 3, "{:?}", e);
    }

    #[test]
    fn wrong_version_and_number_are_reported() {
        let t = "format_version = 2\n[[lesson]]\nid = \"a\"\nnumber = 3\ntitle_en = \"A\"\ntitle_zh = \"甲\"\nsample = \"x.log\"\n";
        let e = parse("course.toml", t).expect_err("invalid");
        let lines: Vec<usize> = e.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 4, 7], "{:?}", e);
    }

    #[test]
    fn unknown_key_is_an_error() {
        let t = "format_version = 1\n[[lesson]]\nid = \"a\"\nnumber = 1\ntitle_en = \"A\"\ntitle_zh = \"甲\"\nsample = \"samples/x\"\ntitle_fr = \"x\"\n";
        let e = parse("course.toml", t).expect_err("invalid");
        assert!(e[0].message.en.contains("title_fr"), "{:?}", e);
    }
}
