//! Load and validate the whole course in one pass. Everything here is
//! static: nothing is run. The checks are the ones `zclab lesson --check`
//! promises (issue 5 item 4):
//! - the manifest and the files agree (each lesson has both language files,
//!   no stray files);
//! - both languages have the same steps: same kinds in the same order, same
//!   run commands, same predict figures, same quiz shape and right answer;
//! - every run is a command zclab accepts (the caller's validator, i.e. the
//!   real CLI parser) and one a lesson may run;
//! - every predict is followed by a run (only text and other predicts may sit
//!   between) and names a number that run's JSON contains;
//! - every quiz has exactly one right answer and feedback for each choice
//!   (enforced by the parser).

use super::diag::{Diagnostic, Diagnostics};
use super::parse::Step;
use super::schema::RunShape;
use super::source::Source;
use super::{Course, LANGS, Lesson, manifest};
use crate::error::Localized;
use crate::lang::Lang;
use crate::text::lesson_check as t;

/// Validates a run's arguments (without the sample path) the way the real
/// command line would; returns the parser's message on error.
pub type RunValidator<'a> = &'a dyn Fn(&[String]) -> Result<(), Localized>;

pub fn load(src: &dyn Source, validate_run: RunValidator) -> Result<Course, Diagnostics> {
    let manifest_file = src.display("course.toml");
    let text = src.read("course.toml").map_err(|e| {
        Diagnostics(vec![Diagnostic::of(
            &manifest_file,
            1,
            Localized::around(t::CANNOT_READ, "reason", &e, &[]),
        )])
    })?;
    let metas = manifest::parse(&manifest_file, &text).map_err(Diagnostics)?;
    let mut errs = Vec::new();

    let expected: Vec<String> = metas
        .iter()
        .flat_map(|m| LANGS.map(|l| m.file(l)))
        .collect();
    for present in src.list() {
        if !expected.contains(&present) {
            errs.push(Diagnostic::new(
                &src.display(&present),
                1,
                t::NOT_LISTED,
                &[],
            ));
        }
    }

    let mut lessons = Vec::new();
    for meta in metas {
        let mut per_lang: Vec<Option<Vec<Step>>> = Vec::new();
        for lang in LANGS {
            let rel = meta.file(lang);
            let shown = src.display(&rel);
            match src.read(&rel) {
                Err(e) => {
                    errs.push(Diagnostic::of(
                        &manifest_file,
                        meta.line,
                        Localized::around(
                            t::NO_LANG_FILE,
                            "reason",
                            &e,
                            &[
                                ("id", &meta.id),
                                ("lang", &super::lang_dir(lang)),
                                ("path", &shown),
                            ],
                        ),
                    ));
                    per_lang.push(None);
                }
                Ok(body) => match super::parse::parse(&shown, &body) {
                    Ok(steps) => {
                        check_steps(&shown, &steps, validate_run, &mut errs);
                        super::lint::check(&shown, lang, &steps, &mut errs);
                        per_lang.push(Some(steps));
                    }
                    Err(mut e) => {
                        errs.append(&mut e);
                        per_lang.push(None);
                    }
                },
            }
        }
        let zh = per_lang.pop().flatten();
        let en = per_lang.pop().flatten();
        if let (Some(en), Some(zh)) = (en, zh) {
            compare_languages(
                &src.display(&meta.file(Lang::En)),
                &en,
                &src.display(&meta.file(Lang::Zh)),
                &zh,
                &mut errs,
            );
            lessons.push(Lesson { meta, en, zh });
        }
    }
    if errs.is_empty() {
        Ok(Course {
            format_version: manifest::FORMAT_VERSION,
            lessons,
        })
    } else {
        Err(Diagnostics(errs))
    }
}

fn check_steps(file: &str, steps: &[Step], validate_run: RunValidator, errs: &mut Vec<Diagnostic>) {
    if !steps.iter().any(|s| matches!(s, Step::Run(_))) {
        errs.push(Diagnostic::new(file, 1, t::NO_RUN, &[]));
    }
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Run(r) => {
                if let Err(e) = RunShape::from_args(&r.args) {
                    errs.push(Diagnostic::of(file, r.line, e));
                } else if let Err(e) = validate_run(&r.args) {
                    errs.push(Diagnostic::of(
                        file,
                        r.line,
                        Localized::around(
                            t::NOT_VALID_COMMAND,
                            "reason",
                            &e,
                            &[("args", &r.args.join(" "))],
                        ),
                    ));
                }
            }
            Step::Predict(p) => {
                let next = steps[i + 1..]
                    .iter()
                    .find(|s| !matches!(s, Step::Text(_) | Step::Predict(_)));
                match next {
                    Some(Step::Run(r)) => {
                        // A bad run command is reported at the run itself.
                        if let Ok(shape) = RunShape::from_args(&r.args)
                            && let Err(e) = shape.check_pointer(&p.figure)
                        {
                            errs.push(Diagnostic::of(
                                file,
                                p.figure_line,
                                Localized::around(
                                    t::FOR_THE_RUN,
                                    "reason",
                                    &e,
                                    &[("line", &r.line)],
                                ),
                            ));
                        }
                    }
                    _ => errs.push(Diagnostic::new(file, p.line, t::PREDICT_WITHOUT_RUN, &[])),
                }
            }
            Step::Text(_) | Step::Quiz(_) => {}
        }
    }
}

/// The two languages must be the same lesson: a student may switch language
/// mid-lesson and the saved step index must mean the same thing.
fn compare_languages(
    en_file: &str,
    en: &[Step],
    zh_file: &str,
    zh: &[Step],
    errs: &mut Vec<Diagnostic>,
) {
    for (a, b) in en.iter().zip(zh) {
        let why = match (a, b) {
            _ if a.kind() != b.kind() => Some(Localized::new(t::IS_KIND, &[("kind", &b.kind())])),
            (Step::Run(x), Step::Run(y)) if x.args != y.args => {
                Some(Localized::new(t::RUNS, &[("args", &y.args.join(" "))]))
            }
            (Step::Predict(x), Step::Predict(y))
                if x.figure != y.figure || x.tolerance != y.tolerance =>
            {
                Some(Localized::new(t::PREDICTS, &[("figure", &y.figure)]))
            }
            (Step::Quiz(x), Step::Quiz(y))
                if x.choices.len() != y.choices.len() || x.right() != y.right() =>
            {
                Some(Localized::new(
                    t::HAS_CHOICES,
                    &[("choices", &y.choices.len()), ("right", &(y.right() + 1))],
                ))
            }
            _ => None,
        };
        if let Some(why) = why {
            errs.push(Diagnostic::of(
                zh_file,
                b.line(),
                Localized::compose(
                    t::DIFFERS,
                    &[("why", &why), ("what", &describe(a))],
                    &[("en_file", &en_file), ("en_line", &a.line())],
                ),
            ));
            // After the first divergence everything else would be noise.
            return;
        }
    }
    if en.len() != zh.len() {
        let (file, longer, at) = if en.len() > zh.len() {
            (en_file, en, zh.len())
        } else {
            (zh_file, zh, en.len())
        };
        errs.push(Diagnostic::new(
            file,
            longer[at].line(),
            t::STEP_COUNTS,
            &[("en", &en.len()), ("zh", &zh.len())],
        ));
    }
}

fn describe(s: &Step) -> Localized {
    match s {
        Step::Text(_) => Localized::new(t::A_TEXT, &[]),
        Step::Run(r) => Localized::new(t::A_RUN, &[("args", &r.args.join(" "))]),
        Step::Predict(p) => Localized::new(t::A_PREDICT, &[("figure", &p.figure)]),
        Step::Quiz(q) => Localized::new(
            t::A_QUIZ,
            &[("choices", &q.choices.len()), ("right", &(q.right() + 1))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::source::EmbeddedSource;
    use super::*;

    const MANIFEST: &str = "format_version = 1\n[[lesson]]\nid = \"one\"\nnumber = 1\ntitle_en = \"One\"\ntitle_zh = \"一\"\nsample = \"samples/s.log\"\n";
    const EN: &str = "# One\n\nText.\n\n```predict\nquestion: How many reads?\nfigure: /totals/syscalls/read\nhint: EOF\nexplain: 5\n```\n\n```run\ntrace --method read-write --buf 4096\n```\n";
    const ZH: &str = "# 一\n\n文字。\n\n```predict\nquestion: 几次 read()？\nfigure: /totals/syscalls/read\nhint: EOF\nexplain: 5\n```\n\n```run\ntrace --method read-write --buf 4096\n```\n";

    fn ok(_: &[String]) -> Result<(), Localized> {
        Ok(())
    }

    fn load_files(files: &'static [(&'static str, &'static str)]) -> Result<Course, Diagnostics> {
        load(&EmbeddedSource { files }, &ok)
    }

    #[test]
    fn a_consistent_course_loads() {
        let c = load_files(&[
            ("course.toml", MANIFEST),
            ("en/01-one.md", EN),
            ("zh/01-one.md", ZH),
        ])
        .expect("valid");
        assert_eq!(c.lessons[0].steps(Lang::Zh).len(), 3);
    }

    #[test]
    fn missing_and_stray_files() {
        let e = load_files(&[
            ("course.toml", MANIFEST),
            ("en/01-one.md", EN),
            ("zh/02-two.md", ZH),
        ])
        .expect_err("invalid");
        let s = e.to_string();
        assert!(s.contains("lessons/zh/02-two.md:1: not listed"), "{s}");
        assert!(
            s.contains("lessons/course.toml:3: lesson 'one' has no zh file"),
            "{s}"
        );
    }

    #[test]
    fn languages_must_match() {
        const ZH2: &str = "# 一\n\n```predict\nquestion: 几次？\nfigure: /totals/syscalls/write\nhint: h\nexplain: e\n```\n\n```run\ntrace --method read-write --buf 4096\n```\n";
        let e = load_files(&[
            ("course.toml", MANIFEST),
            ("en/01-one.md", EN),
            ("zh/01-one.md", ZH2),
        ])
        .expect_err("invalid");
        assert!(
            e.to_string()
                .contains("lessons/zh/01-one.md:3: differs from lessons/en/01-one.md:5"),
            "{e}"
        );
    }

    #[test]
    fn predict_pointer_and_order_are_checked() {
        const BAD: &str = "Text\n\n```predict\nquestion: q\nfigure: /totals/syscalls/sendfile\nhint: h\nexplain: e\n```\n\n```run\ntrace --method read-write\n```\n\n```predict\nquestion: q\nfigure: /totals/mode_switches\nhint: h\nexplain: e\n```\n";
        let e = load_files(&[
            ("course.toml", MANIFEST),
            ("en/01-one.md", BAD),
            ("zh/01-one.md", BAD),
        ])
        .expect_err("invalid");
        let s = e.to_string();
        assert!(
            s.contains("lessons/en/01-one.md:5: '/totals/syscalls/sendfile' is not a number"),
            "{s}"
        );
        assert!(
            s.contains("lessons/en/01-one.md:14: a predict must be followed"),
            "{s}"
        );
    }

    #[test]
    fn run_validator_errors_name_the_line() {
        let e = load(
            &EmbeddedSource {
                files: &[
                    ("course.toml", MANIFEST),
                    ("en/01-one.md", EN),
                    ("zh/01-one.md", ZH),
                ],
            },
            &|_: &[String]| Err(Localized::foreign("unexpected argument '--bogus'")),
        )
        .expect_err("invalid");
        assert!(
            e.to_string()
                .contains("lessons/en/01-one.md:13: `zclab trace"),
            "{e}"
        );
    }
}
