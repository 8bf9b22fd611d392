//! What one interactive screen shows: the step's body and the keys that
//! apply to it. Pure layout: no key is read here.

use anyhow::Result;
use colored::Colorize;

use super::answer::{PredictState, QuizState};
use super::page::{self, Page};
use super::{RunCache, Session};
use crate::lang::Lang;
use crate::lesson::Lesson;
use crate::lesson::parse::{Predict, Step};
use crate::lesson::render;
use crate::terminal;

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
        let text = match self.lang {
            Lang::En => format!("Lesson {number}/{total} · {title} · step {}/{n}", step + 1),
            Lang::Zh => format!("第 {number}/{total} 课 · {title} · 第 {}/{n} 步", step + 1),
        };
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
        let mut body = self.para(&p.question, &self.label("Predict: ", "预测："));
        body.push('\n');
        if let Some(w) = &ps.last_wrong {
            let line = format!("{} {w}", self.t("✗ Not quite:", "✗ 不对："));
            body.push_str(&self.para(&line, "  "));
        }
        if ps.show_hint || (ps.attempts > 0 && !ps.solved) {
            body.push_str(&self.para(&p.hint, &format!("  {}", self.label("Hint: ", "提示："))));
        }
        if let Some(measured) = measured {
            body.push_str(&self.predict_verdict(ps.solved, measured, false));
            body.push_str(&self.para(&p.explain, "  "));
        } else {
            let prompt = self.t("Your answer:", "你的答案：");
            body.push_str(&format!("\n{prompt} {}▏\n", ps.typed));
            keys.push(
                self.t("digits + Enter: check", "输入数字后回车：核对")
                    .into(),
            );
            keys.push(
                self.t("Enter alone: show the answer", "直接回车：显示答案")
                    .into(),
            );
            if !ps.show_hint && ps.attempts == 0 {
                keys.push(self.t("h hint", "h 提示").into());
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
                    self.out(&format!("{body}{}\n", self.t("running…", "运行中……")))?;
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
                body.push_str(&self.para(&q.question, &self.label("Quiz: ", "测验：")));
                body.push('\n');
                let solved = qs.solved(q);
                body.push_str(&self.quiz_choices(q, solved));
                if let Some(c) = qs.chosen {
                    body.push('\n');
                    body.push_str(&self.feedback(q, c));
                }
                if !solved {
                    can_advance = false;
                    keys.push(match self.lang {
                        Lang::En => format!("1-{} choose", q.choices.len()),
                        Lang::Zh => format!("1-{} 选择", q.choices.len()),
                    });
                }
            }
        }
        if can_advance {
            let next = if idx + 1 == n {
                self.t("Enter finish", "回车 完成")
            } else {
                self.t("Enter next", "回车 下一步")
            };
            keys.insert(0, next.into());
        }
        if idx > 0 {
            keys.push(self.t("b back", "b 上一步").into());
        }
        keys.push(self.t("l lessons", "l 选课").into());
        keys.push(self.t("q quit", "q 退出").into());
        let rows = page::terminal_rows();
        let (mut text, page) =
            page::page_view(&body, rows, crate::style::table_width() as usize, offset);
        if let Some(p) = page {
            let scroll = self.t(
                "space/PgDn/↓ more, PgUp/↑ back",
                "空格/PgDn/↓ 向下，PgUp/↑ 向上",
            );
            keys.insert(usize::from(can_advance), scroll.into());
            text.push_str(&match self.lang {
                Lang::En => format!("(lines {}-{} of {})\n", p.from, p.to, p.total),
                Lang::Zh => format!("（第 {}-{} 行，共 {} 行）\n", p.from, p.to, p.total),
            });
        } else if can_advance && idx + 1 < n {
            keys[0] = self.t("Enter/space next", "回车/空格 下一步").into();
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
