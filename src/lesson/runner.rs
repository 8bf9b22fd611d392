//! Walking a lesson: one step per screen on a terminal, or everything in
//! order for handouts and scripts.
//!
//! Three modes, decided by the command layer:
//! - `Interactive` (stdin and stdout are terminals, no `--no-pause`): one
//!   step per screen, raw keys, only the keys that apply are shown;
//!   progress is saved at every step.
//! - `Lines` (stdin is not a terminal, no `--no-pause`): every step prints
//!   in order; predicts and quizzes read their answers as lines from stdin,
//!   so a script or a test can drive them. At end of input they show their
//!   answers, as in `Print`.
//! - `Print` (`--no-pause`, or stdout is not a terminal): every step prints
//!   in order, predicts and quizzes show their answers: a handout.
//!
//! A predict is checked against the figure its run *measures*: answering a
//! predict runs the measurement (once; the run step then shows the same
//! result), so the student answers before seeing the output, and the number
//! comes from the machine, not from the lesson file.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use colored::Colorize;
use serde_json::Value;

use super::parse::{Predict, Quiz, Step, Tolerance};
use super::render;
use super::state::{self, Position, State};
use super::{Course, Lesson};
use crate::error::print_stdout;
use crate::lang::Lang;
use crate::terminal::{self, Key, RawMode};

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
}

/// Per-step answers in an interactive session.
#[derive(Default, Clone)]
struct PredictState {
    typed: String,
    attempts: u32,
    last_wrong: Option<String>,
    show_hint: bool,
    /// Solved or revealed: the measured figure is shown.
    done: bool,
    solved: bool,
}

#[derive(Default, Clone)]
struct QuizState {
    chosen: Option<usize>,
    tried: Vec<usize>,
}

/// Answers are numbers; people write `16,384` or `16_384` or `16384 `.
pub fn parse_answer(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '，'))
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn answer_matches(answer: f64, measured: f64, tol: Option<Tolerance>) -> bool {
    match tol {
        None => (answer - measured).abs() < 1e-9,
        Some(Tolerance::Absolute(t)) => (answer - measured).abs() <= t,
        Some(Tolerance::Percent(p)) => (answer - measured).abs() <= measured.abs() * p / 100.0,
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

impl Session<'_> {
    fn t<'s>(&self, en: &'s str, zh: &'s str) -> &'s str {
        self.lang.t(en, zh)
    }

    fn out(&self, text: &str) -> Result<()> {
        print_stdout(text)
    }

    /// Saves progress. A state folder that cannot be written must not stop
    /// the lesson: warn once, then go on without saving.
    fn save(&mut self) -> Result<()> {
        if let Some(p) = &self.state_path
            && let Err(e) = state::save(p, &self.state)
        {
            eprintln!(
                "zclab: {e:#}; {}",
                self.t(
                    "progress will not be saved (set XDG_STATE_HOME to a writable folder)",
                    "本次不保存进度（可把 XDG_STATE_HOME 设为可写的目录）"
                )
            );
            self.state_path = None;
        }
        Ok(())
    }

    /// The course list with progress, e.g. `[###>----] 2/7`.
    pub fn list(&self) -> String {
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
        let mut s = format!(
            "{}  [{bar}] {done}/{total}\n\n",
            self.t("zclab lessons", "zclab 课程")
        );
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
            let mut line = format!("  {mark} {:>2}  {}", l.meta.number, l.title(self.lang));
            if let Some(p) = here {
                line.push_str(&match self.lang {
                    Lang::En => format!("  (step {}/{})", p.step + 1, l.en.len()),
                    Lang::Zh => format!("  （第 {}/{} 步）", p.step + 1, l.en.len()),
                });
            }
            s.push_str(&line);
            s.push('\n');
        }
        s
    }

    fn header(&self, lesson: &Lesson, step: usize) -> String {
        let n = lesson.steps(self.lang).len();
        let text = match self.lang {
            Lang::En => format!(
                "Lesson {}/{} · {} · step {}/{}",
                lesson.meta.number,
                self.course.lessons.len(),
                lesson.title(self.lang),
                step + 1,
                n
            ),
            Lang::Zh => format!(
                "第 {}/{} 课 · {} · 第 {}/{} 步",
                lesson.meta.number,
                self.course.lessons.len(),
                lesson.title(self.lang),
                step + 1,
                n
            ),
        };
        if self.color {
            format!("{}\n\n", text.bold().reversed())
        } else {
            format!("{text}\n\n")
        }
    }

    /// Index of the run a predict at `idx` belongs to (validated at load).
    fn run_index(steps: &[Step], idx: usize) -> Result<usize> {
        steps[idx..]
            .iter()
            .position(|s| matches!(s, Step::Run(_)))
            .map(|p| idx + p)
            .ok_or_else(|| anyhow!("step {} has no run after it", idx + 1))
    }

    fn ensure_run(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        cache: &mut HashMap<usize, RunOutput>,
    ) -> Result<RunOutput> {
        if let Some(r) = cache.get(&idx) {
            return Ok(r.clone());
        }
        let Step::Run(run) = &lesson.steps(self.lang)[idx] else {
            bail!("step {} is not a run", idx + 1);
        };
        let sample = (self.sample_path)(&lesson.meta.sample)?;
        let out = self.exec.run(&run.args, &sample).with_context(|| {
            format!(
                "lesson {}, step {}: `zclab {} {}` failed",
                lesson.meta.number,
                idx + 1,
                run.args.join(" "),
                sample.display()
            )
        })?;
        cache.insert(idx, out.clone());
        Ok(out)
    }

    /// The measured figure a predict asks for.
    fn figure(
        &mut self,
        lesson: &Lesson,
        idx: usize,
        p: &Predict,
        cache: &mut HashMap<usize, RunOutput>,
    ) -> Result<f64> {
        let run_idx = Self::run_index(lesson.steps(self.lang), idx)?;
        let out = self.ensure_run(lesson, run_idx, cache)?;
        out.json
            .pointer(&p.figure)
            .and_then(Value::as_f64)
            .ok_or_else(|| {
                anyhow!(
                    "lesson {}, step {}: the run's JSON has no number at {} (the lesson and zclab's JSON disagree; run `zclab lesson --check` and compare with `--json`)",
                    lesson.meta.number,
                    idx + 1,
                    p.figure
                )
            })
    }

    fn run_title(&self, lesson: &Lesson, args: &[String]) -> String {
        let line = format!("$ zclab {} {}", args.join(" "), lesson.meta.sample);
        if self.color {
            format!("{}\n", line.green().bold())
        } else {
            format!("{line}\n")
        }
    }

    fn label(&self, en: &str, zh: &str) -> String {
        let s = self.t(en, zh);
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
        let verdict = if c.right {
            self.label("✓ ", "✓ ")
        } else {
            self.label("✗ ", "✗ ")
        };
        self.para(&c.feedback, &format!("  {verdict}"))
    }

    // ---- Print and Lines modes -------------------------------------------

    /// Plays a whole lesson in order (Print or Lines mode).
    pub fn play_linear(&mut self, lesson: &Lesson) -> Result<Outcome> {
        let mut cache = HashMap::new();
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
        let mut input_open = self.mode == Mode::Lines;
        for (idx, step) in steps.iter().enumerate() {
            match step {
                Step::Text(t) => {
                    self.out(&render::markdown(&t.markdown, self.width, self.color))?;
                    self.out("\n")?;
                }
                Step::Run(r) => {
                    let out = self.ensure_run(lesson, idx, &mut cache)?;
                    self.out(&self.run_title(lesson, &r.args))?;
                    self.out(&out.text)?;
                    if !out.text.ends_with('\n') {
                        self.out("\n")?;
                    }
                    self.out("\n")?;
                }
                Step::Predict(p) => {
                    let q = self.para(&p.question, &self.label("Predict: ", "预测："));
                    self.out(&q)?;
                    let measured = self.figure(lesson, idx, p, &mut cache)?;
                    let mut solved = false;
                    let mut attempts = 0;
                    while input_open && !solved && attempts < 2 {
                        self.out(self.t("Your answer: ", "你的答案："))?;
                        let Some(line) = read_line()? else {
                            input_open = false;
                            self.out("\n")?;
                            break;
                        };
                        attempts += 1;
                        match parse_answer(&line) {
                            Some(a) if answer_matches(a, measured, p.tolerance) => solved = true,
                            Some(_) => {
                                let msg = if attempts < 2 {
                                    format!(
                                        "{}{}",
                                        self.label("✗ Not quite. Hint: ", "✗ 不对。提示："),
                                        p.hint
                                    )
                                } else {
                                    self.label("✗ Not quite.", "✗ 还是不对。")
                                };
                                self.out(&self.para(&msg, "  "))?;
                            }
                            None => {
                                self.out(&self.para(
                                    self.t("That is not a number.", "请输入一个数字。"),
                                    "  ",
                                ))?;
                            }
                        }
                    }
                    let verdict = if solved {
                        format!(
                            "{}{}",
                            self.label("✓ Right: the run measures ", "✓ 答对了：实测值为 "),
                            fmt_num(measured)
                        )
                    } else {
                        if attempts == 0 {
                            self.out(&self.para(&p.hint, &self.label("Hint: ", "提示：")))?;
                        }
                        format!(
                            "{}{}",
                            self.label(
                                "Answer, as measured by the run below: ",
                                "答案（由下面的运行实测）："
                            ),
                            fmt_num(measured)
                        )
                    };
                    self.out(&self.para(&verdict, "  "))?;
                    self.out(&self.para(&p.explain, "  "))?;
                    self.out("\n")?;
                }
                Step::Quiz(q) => {
                    self.out(&self.para(&q.question, &self.label("Quiz: ", "测验：")))?;
                    let mut solved = false;
                    let mut attempts = 0;
                    if input_open {
                        self.out(&self.quiz_choices(q, false))?;
                    }
                    while input_open && !solved && attempts < 2 {
                        self.out(&format!(
                            "{} (1-{}): ",
                            self.t("Your choice", "你的选择"),
                            q.choices.len()
                        ))?;
                        let Some(line) = read_line()? else {
                            input_open = false;
                            self.out("\n")?;
                            break;
                        };
                        attempts += 1;
                        match parse_choice(&line, q.choices.len()) {
                            Some(i) => {
                                self.out(&self.feedback(q, i))?;
                                solved = q.choices[i].right;
                            }
                            None => self.out(&self.para(
                                self.t("Type the number of a choice.", "请输入选项的编号。"),
                                "  ",
                            ))?,
                        }
                    }
                    if !solved {
                        // Handout view: the right answer is marked, and every
                        // choice's feedback is shown, since a reader cannot ask.
                        self.out(&self.quiz_choices(q, true))?;
                        for i in 0..q.choices.len() {
                            let fb =
                                self.para(&q.choices[i].feedback, &format!("     {}) ", i + 1));
                            self.out(&fb)?;
                        }
                    }
                    self.out("\n")?;
                }
            }
        }
        self.finish(lesson)?;
        Ok(Outcome::Finished)
    }

    /// Marks a lesson done and points "current" at the next one.
    fn finish(&mut self, lesson: &Lesson) -> Result<()> {
        self.state.mark_done(&lesson.meta.id);
        self.state.current = self
            .course
            .lesson(lesson.meta.number + 1)
            .map(|next| Position {
                lesson: next.meta.id.clone(),
                step: 0,
            });
        self.save()
    }

    // ---- Interactive mode -------------------------------------------------

    /// Plays a lesson one step per screen, from `start`.
    pub fn play_interactive(&mut self, lesson: &Lesson, start: usize) -> Result<Outcome> {
        let _raw = RawMode::enter()?;
        let steps = lesson.steps(self.lang).to_vec();
        let n = steps.len();
        let mut idx = start.min(n.saturating_sub(1));
        let mut cache: HashMap<usize, RunOutput> = HashMap::new();
        let mut predicts: HashMap<usize, PredictState> = HashMap::new();
        let mut quizzes: HashMap<usize, QuizState> = HashMap::new();
        let mut show_list = false;
        let mut scroll: HashMap<usize, usize> = HashMap::new();
        loop {
            self.state.current = Some(Position {
                lesson: lesson.meta.id.clone(),
                step: idx,
            });
            self.save()?;
            let mut screen = String::from(terminal::CLEAR);
            if show_list {
                screen.push_str(&self.list());
                screen.push_str(&format!(
                    "\n{}\n",
                    self.t("(any key: back to the lesson)", "（按任意键返回本课）")
                ));
                self.out(&screen)?;
                read_key()?;
                show_list = false;
                continue;
            }
            screen.push_str(&self.header(lesson, idx));
            let step = &steps[idx];
            // Which keys apply on this screen.
            let mut keys: Vec<String> = Vec::new();
            let mut can_advance = true;
            match step {
                Step::Text(t) => {
                    screen.push_str(&render::markdown(&t.markdown, self.width, self.color));
                    screen.push('\n');
                }
                Step::Run(r) => {
                    screen.push_str(&self.run_title(lesson, &r.args));
                    if !cache.contains_key(&idx) {
                        self.out(&format!("{screen}{}\n", self.t("running…", "运行中……")))?;
                    }
                    let out = self.ensure_run(lesson, idx, &mut cache)?;
                    screen = format!(
                        "{}{}{}",
                        terminal::CLEAR,
                        self.header(lesson, idx),
                        self.run_title(lesson, &r.args)
                    );
                    screen.push_str(&out.text);
                }
                Step::Predict(p) => {
                    let ps = predicts.entry(idx).or_default().clone();
                    screen.push_str(&self.para(&p.question, &self.label("Predict: ", "预测：")));
                    screen.push('\n');
                    if let Some(w) = &ps.last_wrong {
                        screen.push_str(
                            &self
                                .para(&format!("{} {w}", self.t("✗ Not quite:", "✗ 不对：")), "  "),
                        );
                    }
                    if ps.show_hint || (ps.attempts > 0 && !ps.solved) {
                        screen.push_str(
                            &self.para(&p.hint, &format!("  {}", self.label("Hint: ", "提示："))),
                        );
                    }
                    if ps.done {
                        let measured = self.figure(lesson, idx, p, &mut cache)?;
                        let v = if ps.solved {
                            format!(
                                "{}{}",
                                self.label("✓ Right: the run measures ", "✓ 答对了：实测值为 "),
                                fmt_num(measured)
                            )
                        } else {
                            format!(
                                "{}{}",
                                self.label("The run measures ", "实测值为 "),
                                fmt_num(measured)
                            )
                        };
                        screen.push_str(&self.para(&v, "  "));
                        screen.push_str(&self.para(&p.explain, "  "));
                    } else {
                        can_advance = false;
                        screen.push_str(&format!(
                            "\n{} {}▏\n",
                            self.t("Your answer:", "你的答案："),
                            ps.typed
                        ));
                        keys.push(
                            self.t("digits + Enter: check", "输入数字后回车：核对")
                                .to_string(),
                        );
                        keys.push(
                            self.t("Enter alone: show the answer", "直接回车：显示答案")
                                .to_string(),
                        );
                        if !ps.show_hint && ps.attempts == 0 {
                            keys.push(self.t("h hint", "h 提示").to_string());
                        }
                    }
                }
                Step::Quiz(q) => {
                    let qs = quizzes.entry(idx).or_default().clone();
                    screen.push_str(&self.para(&q.question, &self.label("Quiz: ", "测验：")));
                    screen.push('\n');
                    let solved = qs.chosen.is_some_and(|c| q.choices[c].right);
                    screen.push_str(&self.quiz_choices(q, solved));
                    if let Some(c) = qs.chosen {
                        screen.push('\n');
                        screen.push_str(&self.feedback(q, c));
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
                keys.insert(
                    0,
                    if idx + 1 == n {
                        self.t("Enter finish", "回车 完成")
                    } else {
                        self.t("Enter/space next", "回车/空格 下一步")
                    }
                    .to_string(),
                );
            }
            if idx > 0 {
                keys.push(self.t("b back", "b 上一步").to_string());
            }
            keys.push(self.t("l list", "l 课程列表").to_string());
            keys.push(self.t("q quit", "q 退出").to_string());
            // A screen taller than the terminal (a trace run is) is paged:
            // the header stays, the body scrolls with j/k.
            let (paged, page) = page_view(
                &screen,
                terminal_rows(),
                crate::style::table_width() as usize,
                *scroll.get(&idx).unwrap_or(&0),
            );
            screen = paged;
            if let Some((from, to, total)) = page {
                keys.insert(1, self.t("j/k scroll", "j/k 翻页").to_string());
                screen.push_str(&match self.lang {
                    Lang::En => format!("(lines {from}-{to} of {total})\n"),
                    Lang::Zh => format!("（第 {from}-{to} 行，共 {total} 行）\n"),
                });
            }
            let footer = keys.join("   ");
            screen.push_str(&format!(
                "\n{}\n",
                if self.color {
                    footer.dimmed().to_string()
                } else {
                    footer
                }
            ));
            self.out(&screen)?;

            let key = read_key()?;
            match (step, key) {
                (_, Key::Interrupt) | (_, Key::Char('q')) => {
                    self.out("\n")?;
                    return Ok(Outcome::Quit);
                }
                (_, Key::Char('l')) => show_list = true,
                (_, Key::Char(c @ ('j' | 'k'))) => {
                    let rows = body_rows(terminal_rows());
                    let off = scroll.entry(idx).or_default();
                    *off = if c == 'j' {
                        *off + rows
                    } else {
                        off.saturating_sub(rows)
                    };
                }
                (_, Key::Char('b')) | (_, Key::Left) => idx = idx.saturating_sub(1),
                (Step::Predict(p), k) if !predicts.get(&idx).is_some_and(|s| s.done) => {
                    let ps = predicts.entry(idx).or_default();
                    match k {
                        Key::Char('h') => ps.show_hint = true,
                        Key::Char(c)
                            if c.is_ascii_digit() || matches!(c, '.' | ',' | '_' | '-') =>
                        {
                            ps.typed.push(c)
                        }
                        Key::Backspace => {
                            ps.typed.pop();
                        }
                        Key::Enter => {
                            let typed = std::mem::take(&mut ps.typed);
                            if typed.trim().is_empty() {
                                ps.done = true;
                            } else if let Some(a) = parse_answer(&typed) {
                                let measured = self.figure(lesson, idx, p, &mut cache)?;
                                let ps = predicts.entry(idx).or_default();
                                ps.attempts += 1;
                                if answer_matches(a, measured, p.tolerance) {
                                    ps.done = true;
                                    ps.solved = true;
                                    ps.last_wrong = None;
                                } else if ps.attempts >= 2 {
                                    ps.done = true;
                                    ps.last_wrong = Some(typed);
                                } else {
                                    ps.last_wrong = Some(typed);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                (Step::Quiz(q), Key::Char(c)) if c.is_ascii_digit() => {
                    if let Some(i) = parse_choice(&c.to_string(), q.choices.len()) {
                        let qs = quizzes.entry(idx).or_default();
                        qs.chosen = Some(i);
                        qs.tried.push(i);
                    }
                }
                (_, Key::Enter) | (_, Key::Space) | (_, Key::Right) if can_advance => {
                    if idx + 1 == n {
                        drop(_raw);
                        self.finish(lesson)?;
                        let next = match self.course.lesson(lesson.meta.number + 1) {
                            Some(_) => self.t(
                                "Lesson done. `zclab lesson next` opens the next one.",
                                "本课完成。`zclab lesson next` 打开下一课。",
                            ),
                            None => self.t(
                                "Course done: all lessons finished. Well done!",
                                "全部课程完成，干得漂亮！",
                            ),
                        };
                        self.out(&format!("\n{next}\n"))?;
                        return Ok(Outcome::Finished);
                    }
                    idx += 1;
                }
                _ => {}
            }
        }
    }
}

/// Lines the header of a screen takes (title bar and a blank line).
const HEADER_ROWS: usize = 2;

/// Body rows that fit under the header and above the position line, the
/// blank line, the keys (which may wrap once) and the cursor's line.
fn body_rows(rows: usize) -> usize {
    rows.saturating_sub(HEADER_ROWS + 5).max(5)
}

/// Terminal rows a line takes once the terminal wraps it at `cols`.
fn rows_of(line: &str, cols: usize) -> usize {
    // Colour escapes take no room.
    let mut visible = String::new();
    let mut in_escape = false;
    for c in line.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, c) => visible.push(c),
        }
    }
    render::str_width(&visible).div_ceil(cols.max(1)).max(1)
}

/// Cuts a screen (`CLEAR` + header + body) to the terminal's height,
/// starting the body at line `offset` (clamped so the last page is full).
/// Long lines count as the rows they wrap to. Returns the screen to show
/// and, when it had to be cut, the 1-based range of body lines shown and
/// their count.
fn page_view(
    screen: &str,
    rows: usize,
    cols: usize,
    offset: usize,
) -> (String, Option<(usize, usize, usize)>) {
    let content = screen.strip_prefix(terminal::CLEAR).unwrap_or(screen);
    let lines: Vec<&str> = content.lines().collect();
    let head = HEADER_ROWS.min(lines.len());
    let head_rows: usize = lines[..head].iter().map(|l| rows_of(l, cols)).sum();
    let room = body_rows(rows)
        .saturating_sub(head_rows.saturating_sub(HEADER_ROWS))
        .max(3);
    let body = &lines[head..];
    let body_rows_total: usize = body.iter().map(|l| rows_of(l, cols)).sum();
    if body_rows_total <= room {
        return (screen.to_string(), None);
    }
    // The last offset that still fills a page.
    let mut last = body.len();
    let mut used = 0;
    while last > 0 && used + rows_of(body[last - 1], cols) <= room {
        used += rows_of(body[last - 1], cols);
        last -= 1;
    }
    let start = offset.min(last);
    let mut end = start;
    let mut used = 0;
    while end < body.len() && used + rows_of(body[end], cols) <= room {
        used += rows_of(body[end], cols);
        end += 1;
    }
    let end = end.max(start + 1).min(body.len());
    let mut out = String::from(terminal::CLEAR);
    for l in lines[..head].iter().chain(&body[start..end]) {
        out.push_str(l);
        out.push('\n');
    }
    (out, Some((start + 1, end, body.len())))
}

/// The terminal's height in rows (24 when it cannot be asked).
fn terminal_rows() -> usize {
    // SAFETY: TIOCGWINSZ fills a plain `winsize` struct that we own; fd 1
    // (stdout) is open for the life of the process.
    let mut ws: nix::libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { nix::libc::ioctl(1, nix::libc::TIOCGWINSZ, &mut ws) };
    if rc == 0 && ws.ws_row > 0 {
        ws.ws_row as usize
    } else {
        24
    }
}

fn read_key() -> Result<Key> {
    terminal::read_key()
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

/// `2`, `b` or `B` → index 1.
fn parse_choice(s: &str, n: usize) -> Option<usize> {
    let t = s.trim();
    let i = match t.parse::<usize>() {
        Ok(v) if v >= 1 => v - 1,
        _ => {
            let mut cs = t.chars();
            let c = cs.next()?.to_ascii_lowercase();
            if cs.next().is_some() || !c.is_ascii_lowercase() {
                return None;
            }
            (c as u8 - b'a') as usize
        }
    };
    (i < n).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_and_match() {
        assert_eq!(parse_answer(" 16,384\n"), Some(16384.0));
        assert_eq!(parse_answer("16_384"), Some(16384.0));
        assert_eq!(parse_answer("five"), None);
        assert!(answer_matches(5.0, 5.0, None));
        assert!(!answer_matches(4.0, 5.0, None));
        assert!(answer_matches(104.0, 100.0, Some(Tolerance::Percent(5.0))));
        assert!(!answer_matches(106.0, 100.0, Some(Tolerance::Percent(5.0))));
        assert!(answer_matches(7.0, 5.0, Some(Tolerance::Absolute(2.0))));
    }

    #[test]
    fn tall_screens_are_paged_under_a_fixed_header() {
        let body: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        let screen = format!("{}Header\n\n{body}", terminal::CLEAR);
        let (shown, page) = page_view(&screen, 24, 80, 0);
        assert_eq!(page, Some((1, 17, 50)));
        assert!(shown.contains("Header\n\nline 1\n") && !shown.contains("line 18\n"));
        let (shown, page) = page_view(&screen, 24, 80, 1000);
        assert_eq!(page, Some((34, 50, 50)));
        assert!(shown.contains("Header\n\nline 34\n") && shown.ends_with("line 50\n"));
        let short = format!("{}Header\n\nshort\n", terminal::CLEAR);
        assert_eq!(page_view(&short, 24, 80, 3), (short.clone(), None));
        // A line twice the width takes two rows.
        assert_eq!(rows_of(&"x".repeat(160), 80), 2);
        assert_eq!(rows_of("\x1b[1mbold\x1b[0m", 80), 1);
        let wide: String = (1..=50)
            .map(|i| format!("{i}{}\n", "y".repeat(100)))
            .collect();
        let (_, page) = page_view(&format!("{}H\n\n{wide}", terminal::CLEAR), 24, 80, 0);
        assert_eq!(page, Some((1, 8, 50)));
    }

    #[test]
    fn choices_parse() {
        assert_eq!(parse_choice("2\n", 3), Some(1));
        assert_eq!(parse_choice("B", 3), Some(1));
        assert_eq!(parse_choice("4", 3), None);
        assert_eq!(parse_choice("0", 3), None);
        assert_eq!(parse_choice("", 3), None);
    }
}
