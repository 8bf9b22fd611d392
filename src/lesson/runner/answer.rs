//! Answers to predicts and quizzes, scored the same way in every mode: the
//! interactive screen and the line-by-line session both feed typed text into
//! [`PredictState::submit`] and [`QuizState::choose`].

use super::super::parse::{Quiz, Tolerance};

/// Tries a student gets at a predict before the measured figure is shown.
pub const PREDICT_ATTEMPTS: u32 = 2;

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

pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

/// `2`, `b` or `B` → index 1.
pub fn parse_choice(s: &str, n: usize) -> Option<usize> {
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

/// What one submitted answer did.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    NotANumber,
    Right,
    /// Wrong; `last` when no try is left (the figure is shown now).
    Wrong {
        last: bool,
    },
}

/// One predict's progress.
#[derive(Debug, Default, Clone)]
pub struct PredictState {
    /// What is being typed (interactive mode).
    pub typed: String,
    pub attempts: u32,
    pub last_wrong: Option<String>,
    pub show_hint: bool,
    /// Solved or revealed: the measured figure is shown.
    pub done: bool,
    pub solved: bool,
}

impl PredictState {
    /// Scores one answer against the measured figure.
    pub fn submit(&mut self, answer: &str, measured: f64, tol: Option<Tolerance>) -> Verdict {
        let Some(a) = parse_answer(answer) else {
            return Verdict::NotANumber;
        };
        self.attempts += 1;
        if answer_matches(a, measured, tol) {
            self.done = true;
            self.solved = true;
            self.last_wrong = None;
            return Verdict::Right;
        }
        self.last_wrong = Some(answer.trim().to_string());
        let last = self.attempts >= PREDICT_ATTEMPTS;
        self.done = last;
        Verdict::Wrong { last }
    }

    /// The student gives up: show the figure.
    pub fn reveal(&mut self) {
        self.done = true;
    }
}

/// One quiz's progress.
#[derive(Debug, Default, Clone)]
pub struct QuizState {
    pub chosen: Option<usize>,
    pub tried: Vec<usize>,
}

impl QuizState {
    /// Records a typed choice; `Some(right?)` when it named a choice.
    pub fn choose(&mut self, typed: &str, quiz: &Quiz) -> Option<bool> {
        let i = parse_choice(typed, quiz.choices.len())?;
        self.chosen = Some(i);
        self.tried.push(i);
        Some(quiz.choices[i].right)
    }

    pub fn solved(&self, quiz: &Quiz) -> bool {
        self.chosen.is_some_and(|c| quiz.choices[c].right)
    }
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
    fn choices_parse() {
        assert_eq!(parse_choice("2\n", 3), Some(1));
        assert_eq!(parse_choice("B", 3), Some(1));
        assert_eq!(parse_choice("4", 3), None);
        assert_eq!(parse_choice("0", 3), None);
        assert_eq!(parse_choice("", 3), None);
    }

    #[test]
    fn a_predict_gives_two_tries() {
        let mut p = PredictState::default();
        assert_eq!(p.submit("x", 5.0, None), Verdict::NotANumber);
        assert_eq!(p.attempts, 0);
        assert_eq!(p.submit("4", 5.0, None), Verdict::Wrong { last: false });
        assert!(!p.done);
        assert_eq!(p.submit("6", 5.0, None), Verdict::Wrong { last: true });
        assert!(p.done && !p.solved);
        let mut p = PredictState::default();
        assert_eq!(p.submit("5", 5.0, None), Verdict::Right);
        assert!(p.done && p.solved && p.last_wrong.is_none());
    }
}
