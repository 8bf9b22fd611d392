//! Walking a lesson: one step per screen on a terminal, or everything in
//! order for handouts and scripts.
//!
//! Three modes, decided by the command layer:
//! - `Interactive` (stdin and stdout are terminals, no `--no-pause`): one
//!   step per screen, raw keys, only the keys that apply are shown
//!   (`interactive`, `screen`, `page`); progress is saved at every step.
//! - `Lines` (stdin is not a terminal, no `--no-pause`): every step prints
//!   in order; predicts and quizzes read their answers as lines from stdin,
//!   so a script or a test can drive them. One line answers one question:
//!   when the input ends before a question, the lesson stops there.
//! - `Print` (`--no-pause`, or stdout is not a terminal): every step prints
//!   in order, predicts and quizzes show their answers: a handout.
//!
//! Only `Interactive` keeps the student's progress; the other two touch it
//! only when asked (`--save`), so a handout or a script never moves it.
//!
//! A predict is checked against the figure its run *measures*: answering a
//! predict runs the measurement (once; the run step then shows the same
//! result), so the student answers before seeing the output, and the number
//! comes from the machine, not from the lesson file. Scoring is written once
//! (`answer`), for both ways of answering.

mod answer;
mod interactive;
mod linear;
mod page;
mod screen;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use colored::Colorize;
use serde_json::Value;

use super::parse::{Predict, Quiz, Step};
use super::render;
use super::state::{self, State};
use super::{Course, Lesson};
use crate::error::{ContextT, fail_t, print_stdout};
use crate::lang::Lang;
use crate::text::Text;
use crate::text::lesson as t;

pub use answer::{answer_matches, parse_answer};

/// What a run step produced: the subcommand's normal output and its
/// `--json` document (the same measurement, rendered twice).
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub text: String,
    pub json: Value,
}

/// Runs zclab's own subcommands in-process for run steps.
pub trait Executor {
    /// `args` is a lesson's run line (e.g. `["trace", "--method",
    /// "sendfile"]`); the sample path is appended by the executor.
    fn run(&mut self, args: &[String], sample: &Path) -> Result<RunOutput>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Interactive,
    Lines,
    Print,
}

/// How a lesson session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    Quit,
    /// The student picked another lesson from the list (its number).
    Open(u32),
    /// Lines mode: standard input ended before the question at this
    /// (0-based) step.
    InputEnded(usize),
}

pub struct Session<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub color: bool,
    pub width: usize,
    pub mode: Mode,
    pub exec: &'a mut dyn Executor,
    /// Turns a manifest `sample` (e.g. `samples/x.log`) into a file on disk.
    pub sample_path: &'a dyn Fn(&str) -> Result<PathBuf>,
    pub state: State,
    pub state_path: Option<PathBuf>,
    /// Whether this session records progress (interactive, or `--save`).
    pub save_progress: bool,
}

/// Measured runs of one lesson, by step index.
type RunCache = HashMap<usize, RunOutput>;

impl Session<'_> {
    fn t(&self, text: Text) -> &'static str {
        text.get(self.lang)
    }

    fn f(&self, text: Text, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        text.fill(self.lang, args)
    }

    fn out(&self, text: &str) -> Result<()> {
        print_stdout(text)
    }

    /// Saves progress, if this session keeps it. A state folder that cannot
    /// be written must not stop the lesson: warn once, then go on without.
    fn save(&mut self) -> Result<()> {
        if !self.save_progress {
            return Ok(());
        }
        if let Some(p) = &self.state_path
            && let Err(e) = state::save(p, &self.state)
        {
            eprintln!(
                "{}{}; {}",
                self.t(crate::text::errors::PREFIX),
                crate::error::message(&e, self.lang),
                self.t(t::NOT_SAVED)
            );
            self.state_path = None;
        }
        Ok(())
    }

    /// The student is at `step` of `lesson`.
    fn reached(&mut self, lesson: &Lesson, step: usize) -> Result<()> {
        if self.save_progress {
            self.state.reached(&lesson.meta.id, step);
        }
        self.save()
    }

    /// Marks a lesson done and points "current" at the next one.
    fn finish(&mut self, lesson: &Lesson) -> Result<()> {
        if !self.save_progress {
            return Ok(());
        }
        self.state.mark_done(&lesson.meta.id);
        self.state.current =
            self.course
                .lesson(lesson.meta.number + 1)
                .map(|next| state::Position {
                    lesson: next.meta.id.clone(),
                    // `lesson next` reads step 0 as "not started on yet";
                    // the place reached in it, if any, is in `places`.
                    step: 0,
                });
        self.save()
    }

    /// The course list with progress, e.g. `[###>----] 2/7`; `cursor` marks
    /// the lesson a picker has selected.
    pub fn list(&self, cursor: Option<u32>) -> String {
        let total = self.course.lessons.len();
        let done = self
            .course
            .lessons
            .iter()
            .filter(|l| self.state.is_done(&l.meta.id))
            .count();
        let width = 8;
        let filled = (done * width).checked_div(total).unwrap_or(0);
        let mut bar = "#".repeat(filled);
        if filled < width {
            bar.push('>');
            bar.push_str(&"-".repeat(width - filled - 1));
        }
        let mut s = format!("{}  [{bar}] {done}/{total}\n\n", self.t(t::LIST_TITLE));
        for l in &self.course.lessons {
            let here = self
                .state
                .current
                .as_ref()
                .filter(|p| p.lesson == l.meta.id);
            let mark = if self.state.is_done(&l.meta.id) {
                "✓"
            } else if here.is_some() {
                "▶"
            } else {
                " "
            };
            let pick = if cursor == Some(l.meta.number) {
                ">"
            } else {
                " "
            };
            let mut line = format!("{pick} {mark} {:>2}  {}", l.meta.number, l.title(self.lang));
            if let Some(p) = here {
                line.push_str("  ");
                line.push_str(&self.f(
                    t::LIST_AT_STEP,
                    &[("step", &(p.step + 1)), ("steps", &l.en.len())],
                ));
            }
            if cursor == Some(l.meta.number) && self.color {
                line = line.reversed().to_string();
            }
            s.push_str(&line);
            s.push('\n');
        }
        s
    }

    /// Index of the run a predict at `idx` belongs to (validated at load).
    fn run_index(steps: &[Step], idx: usize) -> Result<usize> {
        steps[idx..]
            .iter()
            .position(|s| matches!(s, Step::Run(_)))
            .map(|p| idx + p)
            .context_t(t::NO_RUN_AFTER, &[("step", &(idx + 1))])
    }

    fn ensure_run(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        cache: &mut RunCache,
    ) -> Result<RunOutput> {
        if let Some(r) = cache.get(&idx) {
            return Ok(r.clone());
        }
        let Step::Run(run) = &lesson.steps(self.lang)[idx] else {
            return Err(fail_t(t::NOT_A_RUN, &[("step", &(idx + 1))]));
        };
        let sample = (self.sample_path)(&lesson.meta.sample)?;
        let out = self.exec.run(&run.args, &sample).context_t(
            t::STEP_FAILED,
            &[
                ("number", &lesson.meta.number),
                ("step", &(idx + 1)),
                ("args", &run.args.join(" ")),
                ("sample", &sample.display()),
            ],
        )?;
        cache.insert(idx, out.clone());
        Ok(out)
    }

    /// The measured figure a predict asks for.
    fn figure(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        p: &Predict,
        cache: &mut RunCache,
    ) -> Result<f64> {
        let run_idx = Self::run_index(lesson.steps(self.lang), idx)?;
        let out = self.ensure_run(lesson, run_idx, cache)?;
        out.json
            .pointer(&p.figure)
            .and_then(Value::as_f64)
            .context_t(
                t::NO_FIGURE,
                &[
                    ("number", &lesson.meta.number),
                    ("step", &(idx + 1)),
                    ("figure", &p.figure),
                ],
            )
    }

    fn run_title(&self, lesson: &Lesson, args: &[String]) -> String {
        // `kafka` (the demo) makes its own topic and takes no sample.
        let line = if args.first().map(String::as_str) == Some("kafka") {
            format!("$ zclab {}", args.join(" "))
        } else {
            format!("$ zclab {} {}", args.join(" "), lesson.meta.sample)
        };
        let line = shell_lines(&line, self.width);
        if self.color {
            format!("{}\n", line.green().bold())
        } else {
            format!("{line}\n")
        }
    }

    fn label(&self, text: Text) -> String {
        self.bold(self.t(text))
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }

    fn para(&self, text: &str, prefix: &str) -> String {
        render::paragraph(text, self.width, prefix, self.color)
    }

    fn quiz_choices(&self, q: &Quiz, reveal: bool) -> String {
        let mut s = String::new();
        for (i, c) in q.choices.iter().enumerate() {
            let mark = if reveal {
                if c.right { "✓ " } else { "  " }
            } else {
                ""
            };
            s.push_str(&self.para(&c.text, &format!("  {mark}{}) ", i + 1)));
        }
        s
    }

    fn feedback(&self, q: &Quiz, i: usize) -> String {
        let c = &q.choices[i];
        // The feedback itself says "Right" or why not; the mark is enough.
        let verdict = self.bold(if c.right { "✓ " } else { "✗ " });
        self.para(&c.feedback, &format!("  {verdict}"))
    }

    /// The line after a predict is settled: right, or the measured figure.
    fn predict_verdict(&self, solved: bool, measured: f64, handout: bool) -> String {
        let lead = match (solved, handout) {
            (true, _) => self.label(t::RIGHT),
            (false, true) => self.label(t::HANDOUT_ANSWER),
            (false, false) => self.label(t::MEASURES),
        };
        self.para(&format!("{lead}{}", answer::fmt_num(measured)), "  ")
    }

    /// What to say when a lesson is finished.
    fn done_message(&self, lesson: &Lesson) -> &'static str {
        match self.course.lesson(lesson.meta.number + 1) {
            Some(_) => self.t(t::DONE_NEXT),
            None => self.t(t::DONE_ALL),
        }
    }
}

/// A shell command laid out to `width` columns: broken at spaces, each
/// broken line ending with ` \` so that it still pastes as one command.
fn shell_lines(line: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in line.split(' ') {
        let w = crate::lesson::render::str_width(word);
        if col > 0 && col + 1 + w + 2 > width {
            out.push_str(" \\\n   ");
            col = 3;
        }
        if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}
