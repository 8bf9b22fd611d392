//! A lesson's Markdown, as `ZCLAB_LESSONS_DIR` lets anyone supply it: the
//! input is the lesson file of both languages in a one-lesson course, loaded
//! and checked the way `zclab lesson` and `lesson --check` do.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use zclab::error::Localized;
use zclab::lesson::{self, Source};

const MANIFEST: &str = r#"format_version = 1

[[lesson]]
id = "fuzz"
number = 1
title_en = "Fuzz"
title_zh = "模糊测试"
sample = "samples/kafka-segment-16KiB.log"
"#;

struct OneLesson<'a>(&'a str);

impl Source for OneLesson<'_> {
    fn read(&self, rel: &str) -> Result<String, Localized> {
        match rel {
            "course.toml" => Ok(MANIFEST.to_string()),
            "en/01-fuzz.md" | "zh/01-fuzz.md" => Ok(self.0.to_string()),
            _ => Err(Localized::foreign("no such file")),
        }
    }
    fn list(&self) -> Vec<String> {
        vec!["en/01-fuzz.md".to_string(), "zh/01-fuzz.md".to_string()]
    }
    fn display(&self, rel: &str) -> String {
        format!("fuzz/{rel}")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The real command-line parser validates run lines, as in zclab.
    let validate = |args: &[String]| -> Result<(), Localized> {
        let argv = std::iter::once("zclab".to_string()).chain(args.iter().cloned());
        zclab::cli::Cli::try_parse_from(argv)
            .map(|_| ())
            .map_err(|e| Localized::foreign(e.to_string()))
    };
    if let Err(diags) = lesson::load(&OneLesson(text), &validate) {
        let _ = diags.render(zclab::lang::Lang::Zh);
    }
});
