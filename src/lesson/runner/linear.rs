//! Print and Lines modes: the whole lesson in order. In Lines mode each
//! answer line answers one question; when the input ends before a question,
//! the lesson stops there instead of answering the rest by itself.

use std::io::BufRead;

use anyhow::{Context, Result};

use super::answer::{PredictState, QuizState, Verdict};
use super::{Mode, Outcome, RunCache, Session};
use crate::error::print_stdout;
use crate::lang::Lang;
use crate::lesson::Lesson;
use crate::lesson::parse::{Predict, Quiz, Step};
use crate::lesson::render;

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
        let title = match self.lang {
            Lang::En => format!(
                "Lesson {} · {}\n",
                lesson.meta.number,
                lesson.title(self.lang)
            ),
            Lang::Zh => format!(
                "第 {} 课 · {}\n",
                lesson.meta.number,
                lesson.title(self.lang)
            ),
        };
        self.out(&format!("{rule}{title}{rule}\n"))?;
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
                eprintln!("zclab: {}", self.input_ended(lesson, idx));
                return Ok(Outcome::InputEnded(idx));
            }
            self.out("\n")?;
        }
        self.finish(lesson)?;
        Ok(Outcome::Finished)
    }

    fn input_ended(&self, lesson: &Lesson, idx: usize) -> String {
        let n = lesson.steps(self.lang).len();
        match self.lang {
            Lang::En => format!(
                "standard input ended before the question at step {}/{n}: stopped there. Give one answer line per question, or use --no-pause for a handout.",
                idx + 1
            ),
            Lang::Zh => format!(
                "标准输入在第 {}/{n} 步的问题之前就结束了，课程停在这里。请每个问题给一行答案，或用 --no-pause 打印讲义。",
                idx + 1
            ),
        }
    }

    fn linear_predict(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        p: &Predict,
        cache: &mut RunCache,
    ) -> Result<Asked> {
        self.out(&self.para(&p.question, &self.label("Predict: ", "预测：")))?;
        let measured = self.figure(lesson, idx, p, cache)?;
        let mut ps = PredictState::default();
        if self.mode == Mode::Lines {
            while !ps.done {
                self.out(self.t("Your answer: ", "你的答案："))?;
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
                            self.label("✗ Not quite.", "✗ 还是不对。")
                        } else {
                            format!(
                                "{}{}",
                                self.label("✗ Not quite. Hint: ", "✗ 不对。提示："),
                                p.hint
                            )
                        };
                        self.out(&self.para(&msg, "  "))?;
                    }
                    Verdict::NotANumber => self.out(
                        &self.para(self.t("That is not a number.", "请输入一个数字。"), "  "),
                    )?,
                }
            }
        } else {
            self.out(&self.para(&p.hint, &self.label("Hint: ", "提示：")))?;
        }
        self.out(&self.predict_verdict(ps.solved, measured, true))?;
        self.out(&self.para(&p.explain, "  "))?;
        Ok(Asked::Settled)
    }

    fn linear_quiz(&mut self, q: &Quiz) -> Result<Asked> {
        self.out(&self.para(&q.question, &self.label("Quiz: ", "测验：")))?;
        let mut qs = QuizState::default();
        if self.mode == Mode::Lines {
            self.out(&self.quiz_choices(q, false))?;
            while !qs.solved(q) && qs.tried.len() < 2 {
                self.out(&format!(
                    "{} (1-{}): ",
                    self.t("Your choice", "你的选择"),
                    q.choices.len()
                ))?;
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
                    None => self.out(&self.para(
                        self.t("Type the number of a choice.", "请输入选项的编号。"),
                        "  ",
                    ))?,
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
        .context("cannot read an answer from standard input")?;
    if n == 0 {
        return Ok(None);
    }
    print_stdout(&format!("{}\n", line.trim_end()))?;
    Ok(Some(line))
}
