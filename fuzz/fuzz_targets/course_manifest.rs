//! The course manifest (`course.toml`), loaded as `zclab lesson` does; every
//! lesson file it names exists with a minimal valid body, so the manifest's
//! own checks and the file matching are what get exercised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zclab::error::Localized;
use zclab::lesson::{self, Source};

const BODY: &str = "# A lesson\n\nSome text.\n\n```run\ncompare --method sendfile --runs 1\n```\n";

struct Manifest<'a>(&'a str);

impl Source for Manifest<'_> {
    fn read(&self, rel: &str) -> Result<String, Localized> {
        if rel == "course.toml" {
            Ok(self.0.to_string())
        } else if rel.ends_with(".md") {
            Ok(BODY.to_string())
        } else {
            Err(Localized::foreign("no such file"))
        }
    }
    fn list(&self) -> Vec<String> {
        vec!["en/01-stray.md".to_string()]
    }
    fn display(&self, rel: &str) -> String {
        format!("fuzz/{rel}")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ok = |_: &[String]| -> Result<(), Localized> { Ok(()) };
    if let Err(diags) = lesson::load(&Manifest(text), &ok) {
        let _ = diags.render(zclab::lang::Lang::Zh);
    }
});
