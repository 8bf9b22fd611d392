//! Interactive mode: one step per screen, keys read one at a time. The
//! screens are built by `screen`, tall ones paged by `page`, answers scored
//! by `answer`; this is only the key loop.

use std::collections::HashMap;

use anyhow::Result;

use super::answer::{PredictState, QuizState, Verdict};
use super::page;
use super::screen::Answers;
use super::{Outcome, RunCache, Session};
use crate::lesson::Lesson;
use crate::lesson::parse::Step;
use crate::terminal::{self, Key, RawMode};

impl Session<'_> {
    /// Plays a lesson one step per screen, from `start`. The caller holds
    /// the terminal in key-by-key mode for the whole session (entering it
    /// again between lessons would flush keys typed ahead).
    pub fn play_interactive(
        &mut self,
        _raw: &RawMode,
        lesson: &Lesson,
        start: usize,
    ) -> Result<Outcome> {
        let steps = lesson.steps(self.lang).to_vec();
        let n = steps.len();
        let mut idx = start.min(n.saturating_sub(1));
        let mut cache = RunCache::new();
        let mut predicts: HashMap<usize, PredictState> = HashMap::new();
        let mut quizzes: HashMap<usize, QuizState> = HashMap::new();
        let mut scroll: HashMap<usize, usize> = HashMap::new();
        loop {
            self.reached(lesson, idx)?;
            let answers = Answers {
                predict: predicts.get(&idx),
                quiz: quizzes.get(&idx),
            };
            let offset = scroll.get(&idx).copied().unwrap_or(0);
            let screen = self.screen(lesson, idx, answers, &mut cache, offset)?;
            self.out(&screen.text)?;

            let key = terminal::read_key()?;
            if let Some(p) = screen.page
                && let Some(off) = page::scroll(key, offset, p, page::terminal_rows())
            {
                scroll.insert(idx, off);
                continue;
            }
            let step = &steps[idx];
            match (step, key) {
                (_, Key::Interrupt) | (_, Key::Char('q')) => {
                    self.out("\n")?;
                    return Ok(Outcome::Quit);
                }
                (_, Key::Char('l')) => {
                    if let Some(number) = self.pick_lesson(lesson.meta.number)?
                        && number != lesson.meta.number
                    {
                        return Ok(Outcome::Open(number));
                    }
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
                                ps.reveal();
                            } else {
                                let measured = self.figure(lesson, idx, p, &mut cache)?;
                                let ps = predicts.entry(idx).or_default();
                                // A typo that is no number costs no try.
                                let _: Verdict = ps.submit(&typed, measured, p.tolerance);
                            }
                        }
                        _ => {}
                    }
                }
                (Step::Quiz(q), Key::Char(c)) if c.is_ascii_digit() => {
                    quizzes.entry(idx).or_default().choose(&c.to_string(), q);
                }
                (_, Key::Enter | Key::Space | Key::Right) if screen.can_advance => {
                    if idx + 1 == n {
                        self.finish(lesson)?;
                        self.out(&format!("\n{}\n", self.done_message(lesson)))?;
                        return Ok(Outcome::Finished);
                    }
                    idx += 1;
                }
                _ => {}
            }
        }
    }

    /// The course list as a picker: ↑/↓ (or a lesson's number) select,
    /// Enter opens, any other key goes back. `None`: back to the lesson.
    fn pick_lesson(&self, here: u32) -> Result<Option<u32>> {
        let last = self.course.lessons.len() as u32;
        let mut cursor = here;
        let mut typed = String::new();
        loop {
            let mut s = String::from(terminal::CLEAR);
            s.push_str(&self.list(Some(cursor)));
            s.push_str(&format!("\n{}\n", self.t(crate::text::lesson::LIST_KEYS)));
            self.out(&s)?;
            match terminal::read_key()? {
                Key::Up | Key::Char('k') => cursor = cursor.saturating_sub(1).max(1),
                Key::Down | Key::Char('j') => cursor = (cursor + 1).min(last),
                Key::Char(c) if c.is_ascii_digit() => {
                    typed.push(c);
                    match typed.parse::<u32>() {
                        Ok(v) if (1..=last).contains(&v) => cursor = v,
                        _ => {
                            typed = c.to_string();
                            if let Ok(v) = typed.parse::<u32>()
                                && (1..=last).contains(&v)
                            {
                                cursor = v;
                            }
                        }
                    }
                    continue;
                }
                Key::Enter => return Ok(Some(cursor)),
                _ => return Ok(None),
            }
            typed.clear();
        }
    }
}
