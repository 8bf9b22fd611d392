//! Where the course files come from: embedded in the binary (the default, so
//! `zclab lesson` works from any directory) or a directory on disk (authors
//! and tests, via `ZCLAB_LESSONS_DIR`).

use std::path::{Path, PathBuf};

use crate::error::Localized;

pub trait Source {
    /// Read a file by its path relative to the lessons directory
    /// (`course.toml`, `en/01-x.md`); the reason in both languages.
    fn read(&self, rel: &str) -> Result<String, Localized>;
    /// Every lesson file present under the language directories, relative
    /// paths with `/` separators; used to find stray files.
    fn list(&self) -> Vec<String>;
    /// How to name `rel` in an error message.
    fn display(&self, rel: &str) -> String;
}

/// Files compiled into the binary: `(relative path, contents)`.
pub struct EmbeddedSource {
    pub files: &'static [(&'static str, &'static str)],
}

impl Source for EmbeddedSource {
    fn read(&self, rel: &str) -> Result<String, Localized> {
        self.files
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, c)| (*c).to_string())
            .ok_or_else(|| Localized::new(crate::text::lesson_check::NOT_EMBEDDED, &[]))
    }

    fn list(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|(p, _)| (*p).to_string())
            .filter(|p| p.contains('/'))
            .collect()
    }

    fn display(&self, rel: &str) -> String {
        format!("lessons/{rel}")
    }
}

pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirSource { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for DirSource {
    fn read(&self, rel: &str) -> Result<String, Localized> {
        // The kernel's words (strerror), as every I/O error zclab shows.
        std::fs::read_to_string(self.root.join(rel)).map_err(|e| Localized::foreign(e.to_string()))
    }

    fn list(&self) -> Vec<String> {
        let mut out = Vec::new();
        for lang in super::LANGS {
            let Ok(rd) = std::fs::read_dir(self.root.join(super::lang_dir(lang))) else {
                continue;
            };
            for entry in rd.flatten() {
                out.push(format!(
                    "{}/{}",
                    super::lang_dir(lang),
                    entry.file_name().to_string_lossy()
                ));
            }
        }
        out.sort();
        out
    }

    fn display(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }
}
