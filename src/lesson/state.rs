//! The student's progress, in a small JSON file:
//! `$XDG_STATE_HOME/zclab/lessons.json`, else `~/.local/state/zclab/lessons.json`.
//!
//! ```json
//! {"format_version": 1, "current": {"lesson": "sendfile", "step": 3}, "done": ["traditional-path"],
//!  "places": {"sendfile": 3, "why-kafka": 5}, "lang": "zh"}
//! ```
//!
//! `current` is the lesson the student works in; `places` keeps the step
//! reached in every unfinished lesson, so going back to an earlier lesson
//! (`lesson prev`) and on again finds the place kept. `lang` is the language
//! the student last chose with `--lang`, so `zclab lesson next` keeps it.
//! The last two were added later and are optional (version 1 still).
//!
//! Lessons are named by id, not number, so reordering the course keeps what a
//! student has done. `step` is a 0-based index into the lesson's steps (the
//! same in both languages). A missing file means no progress; an unreadable or
//! corrupt one is reported and treated as no progress, never as a reason to
//! refuse the lesson.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::{ContextT, Localized};
use crate::text::lesson as t;

pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub format_version: u32,
    /// Where the student stopped, if anywhere.
    #[serde(default)]
    pub current: Option<Position>,
    /// Ids of finished lessons, in the order they were finished.
    #[serde(default)]
    pub done: Vec<String>,
    /// Lesson id → the 0-based step reached, for unfinished lessons.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub places: BTreeMap<String, usize>,
    /// "en" or "zh": the language last chosen with `--lang`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            format_version: STATE_VERSION,
            current: None,
            done: Vec::new(),
            places: BTreeMap::new(),
            lang: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub lesson: String,
    pub step: usize,
}

impl State {
    pub fn is_done(&self, id: &str) -> bool {
        self.done.iter().any(|d| d == id)
    }

    pub fn mark_done(&mut self, id: &str) {
        if !self.is_done(id) {
            self.done.push(id.to_string());
        }
        self.places.remove(id);
    }

    /// The student is at `step` of lesson `id`: its place is kept, and it
    /// becomes the current lesson unless it is a finished one being
    /// reviewed (`lesson prev`), which leaves the bookmark where it was.
    pub fn reached(&mut self, id: &str, step: usize) {
        self.places.insert(id.to_string(), step);
        if !self.is_done(id) {
            self.current = Some(Position {
                lesson: id.to_string(),
                step,
            });
        }
    }

    /// Where lesson `id` was left (0 when never opened or finished).
    pub fn place(&self, id: &str) -> usize {
        self.places.get(id).copied().unwrap_or(0)
    }

    /// Forgets lesson `id`: not done, no place kept.
    pub fn forget(&mut self, id: &str) {
        self.done.retain(|d| d != id);
        self.places.remove(id);
        if self.current.as_ref().is_some_and(|p| p.lesson == id) {
            self.current = None;
        }
    }
}

/// Where the state file lives, or `None` when neither `XDG_STATE_HOME` nor
/// `HOME` is set (progress is then not kept).
pub fn path() -> Option<PathBuf> {
    let dir = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(dir.join("zclab").join("lessons.json"))
}

/// Loads the state; the warning (if any) says why it was ignored.
pub fn load(path: &Path) -> (State, Option<Localized>) {
    let unreadable = |e: &dyn std::fmt::Display| {
        Some(Localized::new(
            t::STATE_UNREADABLE,
            &[("path", &path.display()), ("reason", &e)],
        ))
    };
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str::<State>(&text) {
            Ok(s) if s.format_version == STATE_VERSION => (s, None),
            Ok(s) => (
                State::default(),
                Some(Localized::new(
                    t::STATE_FORMAT,
                    &[
                        ("path", &path.display()),
                        ("found", &s.format_version),
                        ("want", &STATE_VERSION),
                    ],
                )),
            ),
            Err(e) => (State::default(), unreadable(&e)),
        },
        Err(e) if e.kind() == ErrorKind::NotFound => (State::default(), None),
        Err(e) => (State::default(), unreadable(&e)),
    }
}

/// Saves atomically (write a temp file, then rename) so a crash or Ctrl-C
/// never leaves half a file behind.
pub fn save(path: &Path, state: &State) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).context_t(t::STATE_FOLDER, &[("path", &dir.display())])?;
    }
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(state).context_t(t::STATE_ENCODE, &[])?;
    std::fs::write(&tmp, text + "\n").context_t(t::STATE_WRITE, &[("path", &tmp.display())])?;
    std::fs::rename(&tmp, path).context_t(t::STATE_MOVE, &[("path", &path.display())])
}

/// Removes the state file; a file that is not there is already cleared.
pub fn clear(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).context_t(t::STATE_REMOVE, &[("path", &path.display())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("zclab").join("lessons.json");
        assert_eq!(load(&p), (State::default(), None));
        let mut s = State::default();
        s.mark_done("sendfile");
        s.current = Some(Position {
            lesson: "summary".into(),
            step: 2,
        });
        save(&p, &s).expect("save");
        assert_eq!(load(&p).0, s);
        // Places and the language survive; a file without them still loads.
        s.reached("why-kafka", 4);
        s.lang = Some("zh".into());
        save(&p, &s).expect("save");
        assert_eq!(load(&p).0, s);
        assert_eq!(load(&p).0.place("why-kafka"), 4);
        s.mark_done("why-kafka");
        assert_eq!(s.place("why-kafka"), 0);
        std::fs::write(&p, r#"{"format_version": 1, "done": ["x"]}"#).expect("write");
        assert_eq!(load(&p).0.done, ["x"]);
        std::fs::write(&p, "{not json").expect("write");
        let (s2, warn) = load(&p);
        assert_eq!(s2, State::default());
        assert!(warn.is_some());
        clear(&p).expect("clear");
        clear(&p).expect("clear twice");
    }
}
