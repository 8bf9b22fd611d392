//! What one interactive screen shows: the step's body and the keys that
//! apply to it. Pure layout: no key is read here.

use anyhow::Result;
use colored::Colorize;

use super::answer::{PredictState, QuizState};
use super::page::{self, Page};
use super::{RunCache, Session};
use crate::lesson::Lesson;
use crate::lesson::parse::{Predict, Step};
use crate::lesson::render;
use crate::terminal;
use crate::text::lesson as t;

/// One screen, ready to print, and what it allows.
pub struct Screen {
    pub text: String,
    /// Enter moves on (a predict or quiz must be settled first).
    pub can_advance: bool,
    /// Where the body is when it is taller than the terminal.
    pub page: Option<Page>,
}

/// The answers given so far on this lesson's screens.
pub struct Answers<'a> {
    pub predict: Option<&'a PredictState>,
    pub quiz: Option<&'a QuizState>,
}

impl Session<'_> {
    pub(super) fn header(&self, lesson: &Lesson, step: usize) -> String {
        let n = lesson.steps(self.lang).len();
        let (number, total, title) = (
            lesson.meta.number,
            self.course.lessons.len(),
            lesson.title(self.lang),
        );
        let text = self.f(
            t::SCREEN_HEADER,
            &[
                ("number", &number),
                ("total", &total),
                ("title", &title),
                ("step", &(step + 1)),
                ("steps", &n),
            ],
        );
        if self.color {
            format!("{}\n\n", text.bold().reversed())
        } else {
            format!("{text}\n\n")
        }
    }

    /// A predict's question, tries, hint, and the measured figure once it is
    /// settled (`measured`); the keys it takes while it is open.
    fn predict_body(
        &self,
        p: &Predict,
        ps: &PredictState,
        measured: Option<f64>,
        keys: &mut Vec<String>,
    ) -> String {
        let mut body = self.para(&p.question, &self.label(t::PREDICT));
        body.push('\n');
        if let Some(w) = &ps.last_wrong {
            let line = self.f(t::NOT_QUITE, &[("answer", w)]);
            body.push_str(&self.para(&line, "  "));
        }
        if ps.show_hint || (ps.attempts > 0 && !ps.solved) {
            body.push_str(&self.para(&p.hint, &format!("  {}", self.label(t::HINT))));
        }
        if let Some(measured) = measured {
            body.push_str(&self.predict_verdict(ps.solved, measured, false));
            body.push_str(&self.para(&p.explain, "  "));
        } else {
            let prompt = self.t(t::YOUR_ANSWER);
            body.push_str(&format!("\n{prompt}{}▏\n", ps.typed));
            keys.push(self.t(t::KEY_CHECK).into());
            keys.push(self.t(t::KEY_SHOW).into());
            if !ps.show_hint && ps.attempts == 0 {
                keys.push(self.t(t::KEY_HINT).into());
            }
        }
        body
    }

    /// Builds the screen of step `idx`, scrolled to `offset`.
    pub(super) fn screen(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        answers: Answers,
        cache: &mut RunCache,
        offset: usize,
    ) -> Result<Screen> {
        let steps = lesson.steps(self.lang).to_vec();
        let n = steps.len();
        let mut body = String::from(terminal::CLEAR);
        body.push_str(&self.header(lesson, idx));
        let mut keys: Vec<String> = Vec::new();
        let mut can_advance = true;
        match &steps[idx] {
            Step::Text(t) => {
                body.push_str(&render::markdown(&t.markdown, self.width, self.color));
                body.push('\n');
            }
            Step::Run(r) => {
                body.push_str(&self.run_title(lesson, &r.args));
                if !cache.contains_key(&idx) {
                    self.out(&format!("{body}{}\n", self.t(t::RUNNING)))?;
                }
                let out = self.ensure_run(lesson, idx, cache)?;
                body.push_str(&out.text);
            }
            Step::Predict(p) => {
                let fresh = PredictState::default();
                let ps = answers.predict.unwrap_or(&fresh);
                can_advance = ps.done;
                let measured = if ps.done {
                    Some(self.figure(lesson, idx, p, cache)?)
                } else {
                    None
                };
                body.push_str(&self.predict_body(p, ps, measured, &mut keys));
            }
            Step::Quiz(q) => {
                let fresh = QuizState::default();
                let qs = answers.quiz.unwrap_or(&fresh);
                body.push_str(&self.para(&q.question, &self.label(t::QUIZ)));
                body.push('\n');
                let solved = qs.solved(q);
                body.push_str(&self.quiz_choices(q, solved));
                if let Some(c) = qs.chosen {
                    body.push('\n');
                    body.push_str(&self.feedback(q, c));
                }
                if !solved {
                    can_advance = false;
                    keys.push(self.f(t::KEY_CHOOSE, &[("n", &q.choices.len())]));
                }
            }
        }
        if can_advance {
            let next = if idx + 1 == n {
                self.t(t::KEY_FINISH)
            } else {
                self.t(t::KEY_NEXT)
            };
            keys.insert(0, next.into());
        }
        if idx > 0 {
            keys.push(self.t(t::KEY_BACK).into());
        }
        keys.push(self.t(t::KEY_LESSONS).into());
        keys.push(self.t(t::KEY_QUIT).into());
        let rows = page::terminal_rows();
        let (mut text, page) =
            page::page_view(&body, rows, crate::style::table_width() as usize, offset);
        if let Some(p) = page {
            let scroll = self.t(t::KEY_SCROLL);
            keys.insert(usize::from(can_advance), scroll.into());
            text.push_str(&self.f(
                t::LINES_SHOWN,
                &[("from", &p.from), ("to", &p.to), ("total", &p.total)],
            ));
            text.push('\n');
        } else if can_advance && idx + 1 < n {
            keys[0] = self.t(t::KEY_NEXT_OR_SPACE).into();
        }
        let footer = keys.join("   ");
        let footer = if self.color {
            footer.dimmed().to_string()
        } else {
            footer
        };
        text.push_str(&format!("\n{footer}\n"));
        Ok(Screen {
            text,
            can_advance,
            page,
        })
    }
}
