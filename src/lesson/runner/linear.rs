//! Print and Lines modes: the whole lesson in order. In Lines mode each
//! answer line answers one question; when the input ends before a question,
//! the lesson stops there instead of answering the rest by itself.

use std::io::BufRead;

use anyhow::Result;

use super::answer::{PredictState, QuizState, Verdict};
use super::{Mode, Outcome, RunCache, Session};
use crate::error::{ContextT, print_stdout};
use crate::lesson::Lesson;
use crate::lesson::parse::{Predict, Quiz, Step};
use crate::lesson::render;
use crate::text::lesson as t;

/// How a question ended in a linear session.
enum Asked {
    Settled,
    InputEnded,
}

impl Session<'_> {
    /// Plays a whole lesson in order (Print or Lines mode).
    pub fn play_linear(&mut self, lesson: &Lesson) -> Result<Outcome> {
        let mut cache = RunCache::new();
        let steps = lesson.steps(self.lang).to_vec();
        let rule = format!("{}\n", "─".repeat(self.width.clamp(40, 100)));
        let title = self.f(
            t::TITLE,
            &[
                ("number", &lesson.meta.number),
                ("title", &lesson.title(self.lang)),
            ],
        );
        self.out(&format!("{rule}{title}\n{rule}\n"))?;
        for (idx, step) in steps.iter().enumerate() {
            let asked = match step {
                Step::Text(t) => {
                    self.out(&render::markdown(&t.markdown, self.width, self.color))?;
                    Asked::Settled
                }
                Step::Run(r) => {
                    let out = self.ensure_run(lesson, idx, &mut cache)?;
                    self.out(&self.run_title(lesson, &r.args))?;
                    self.out(&out.text)?;
                    if !out.text.ends_with('\n') {
                        self.out("\n")?;
                    }
                    Asked::Settled
                }
                Step::Predict(p) => self.linear_predict(lesson, idx, p, &mut cache)?,
                Step::Quiz(q) => self.linear_quiz(q)?,
            };
            if let Asked::InputEnded = asked {
                self.reached(lesson, idx)?;
                eprintln!(
                    "{}{}",
                    self.t(crate::text::errors::PREFIX),
                    self.input_ended(lesson, idx)
                );
                return Ok(Outcome::InputEnded(idx));
            }
            self.out("\n")?;
        }
        self.finish(lesson)?;
        Ok(Outcome::Finished)
    }

    fn input_ended(&self, lesson: &Lesson, idx: usize) -> String {
        let n = lesson.steps(self.lang).len();
        self.f(t::INPUT_ENDED, &[("step", &(idx + 1)), ("steps", &n)])
    }

    fn linear_predict(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        p: &Predict,
        cache: &mut RunCache,
    ) -> Result<Asked> {
        self.out(&self.para(&p.question, &self.label(t::PREDICT)))?;
        let measured = self.figure(lesson, idx, p, cache)?;
        let mut ps = PredictState::default();
        if self.mode == Mode::Lines {
            while !ps.done {
                self.out(self.t(t::YOUR_ANSWER))?;
                let Some(line) = read_line()? else {
                    self.out("\n")?;
                    if ps.attempts == 0 {
                        return Ok(Asked::InputEnded);
                    }
                    // A wrong try was made: the question is settled.
                    ps.reveal();
                    break;
                };
                match ps.submit(&line, measured, p.tolerance) {
                    Verdict::Right => {}
                    Verdict::Wrong { last } => {
                        let msg = if last {
                            self.label(t::NOT_QUITE_LAST)
                        } else {
                            format!("{}{}", self.label(t::NOT_QUITE_HINT), p.hint)
                        };
                        self.out(&self.para(&msg, "  "))?;
                    }
                    Verdict::NotANumber => self.out(&self.para(self.t(t::NOT_A_NUMBER), "  "))?,
                }
            }
        } else {
            self.out(&self.para(&p.hint, &self.label(t::HINT)))?;
        }
        self.out(&self.predict_verdict(ps.solved, measured, true))?;
        self.out(&self.para(&p.explain, "  "))?;
        Ok(Asked::Settled)
    }

    fn linear_quiz(&mut self, q: &Quiz) -> Result<Asked> {
        self.out(&self.para(&q.question, &self.label(t::QUIZ)))?;
        let mut qs = QuizState::default();
        if self.mode == Mode::Lines {
            self.out(&self.quiz_choices(q, false))?;
            while !qs.solved(q) && qs.tried.len() < 2 {
                self.out(&self.f(t::YOUR_CHOICE, &[("n", &q.choices.len())]))?;
                let Some(line) = read_line()? else {
                    self.out("\n")?;
                    if qs.tried.is_empty() {
                        return Ok(Asked::InputEnded);
                    }
                    break;
                };
                match qs.choose(&line, q) {
                    Some(_) => {
                        let i = qs.chosen.unwrap_or_default();
                        self.out(&self.feedback(q, i))?;
                    }
                    None => self.out(&self.para(self.t(t::NOT_A_CHOICE), "  "))?,
                }
            }
        }
        if !qs.solved(q) {
            // Handout view: the right answer is marked, and every choice's
            // feedback is shown, since a reader cannot ask.
            self.out(&self.quiz_choices(q, true))?;
            for (i, c) in q.choices.iter().enumerate() {
                self.out(&self.para(&c.feedback, &format!("     {}) ", i + 1)))?;
            }
        }
        Ok(Asked::Settled)
    }
}

/// One line from stdin, `None` at end of input. Lines mode only runs when
/// stdin is not a terminal, so nothing echoed the answer: echo it, so the
/// transcript reads like a session.
fn read_line() -> Result<Option<String>> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context_t(t::READ_ANSWER, &[])?;
    if n == 0 {
        return Ok(None);
    }
    print_stdout(&format!("{}\n", line.trim_end()))?;
    Ok(Some(line))
}
