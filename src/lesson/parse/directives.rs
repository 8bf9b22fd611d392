//! The bodies of the directive blocks (`run`, `predict`, `quiz`): each a
//! list of `key: value` entries or choices, continued on indented lines,
//! checked with a diagnostic per mistake.

use super::{Choice, Predict, Quiz, Run, Step, Tolerance};
use crate::lesson::diag::Diagnostic;
use crate::text::lesson_check as t;

/// A directive body is a list of entries: an entry starts on a line with no
/// indentation and continues over the indented lines below it.
struct Entry {
    line: usize,
    head: String,
    more: Vec<(usize, String)>,
}

fn entries(body: &[(usize, &str)]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (n, l) in body {
        if l.trim().is_empty() {
            continue;
        }
        let indented = l.starts_with(' ') || l.starts_with('\t');
        match out.last_mut() {
            Some(e) if indented => e.more.push((*n, l.trim().to_string())),
            _ => out.push(Entry {
                line: *n,
                head: l.trim().to_string(),
                more: Vec::new(),
            }),
        }
    }
    out
}

fn join(first: &str, more: &[(usize, String)]) -> String {
    let mut s = first.trim().to_string();
    for (_, m) in more {
        let g = crate::lesson::render::glue(&s, m);
        s.push_str(g);
        s.push_str(m);
    }
    s
}

pub(super) fn parse_directive(
    file: &str,
    kind: &str,
    start: usize,
    body: &[(usize, &str)],
) -> Result<Step, Vec<Diagnostic>> {
    match kind {
        "run" => parse_run(file, start, body),
        "predict" => parse_predict(file, start, body),
        _ => parse_quiz(file, start, body),
    }
}

fn parse_run(file: &str, start: usize, body: &[(usize, &str)]) -> Result<Step, Vec<Diagnostic>> {
    let lines: Vec<&(usize, &str)> = body.iter().filter(|(_, l)| !l.trim().is_empty()).collect();
    let [(n, l)] = lines.as_slice() else {
        return Err(vec![Diagnostic::new(file, start, t::RUN_ONE_LINE, &[])]);
    };
    let args: Vec<String> = l.split_whitespace().map(str::to_string).collect();
    if args.first().map(String::as_str) == Some("zclab") {
        return Err(vec![Diagnostic::new(file, *n, t::RUN_NO_PROGRAM, &[])]);
    }
    Ok(Step::Run(Run { line: *n, args }))
}

/// Split `key: value` (ASCII key) off an entry head.
fn key_value(head: &str) -> Option<(&str, &str)> {
    let (k, v) = head.split_once(':')?;
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        Some((k, v.trim()))
    } else {
        None
    }
}

fn parse_predict(
    file: &str,
    start: usize,
    body: &[(usize, &str)],
) -> Result<Step, Vec<Diagnostic>> {
    const KEYS: [&str; 5] = ["question", "figure", "hint", "explain", "tolerance"];
    let mut errs = Vec::new();
    let mut found: Vec<(&str, usize, String)> = Vec::new();
    for e in entries(body) {
        let Some((k, v)) = key_value(&e.head) else {
            errs.push(Diagnostic::new(file, e.line, t::PREDICT_KEY_VALUE, &[]));
            continue;
        };
        let Some(key) = KEYS.iter().find(|x| **x == k) else {
            errs.push(Diagnostic::new(
                file,
                e.line,
                t::UNKNOWN_KEY,
                &[("key", &k)],
            ));
            continue;
        };
        if found.iter().any(|(f, _, _)| f == key) {
            errs.push(Diagnostic::new(
                file,
                e.line,
                t::GIVEN_TWICE,
                &[("key", &k)],
            ));
            continue;
        }
        found.push((key, e.line, join(v, &e.more)));
    }
    let mut get = |k: &str| -> String {
        match found.iter().find(|(f, _, _)| *f == k) {
            Some((_, _, v)) if !v.is_empty() => v.clone(),
            Some((_, n, _)) => {
                errs.push(Diagnostic::new(file, *n, t::EMPTY_VALUE, &[("key", &k)]));
                String::new()
            }
            None if k == "tolerance" => String::new(),
            None => {
                errs.push(Diagnostic::new(
                    file,
                    start,
                    t::PREDICT_NEEDS,
                    &[("key", &k)],
                ));
                String::new()
            }
        }
    };
    let question = get("question");
    let figure = get("figure");
    let hint = get("hint");
    let explain = get("explain");
    let tol_text = get("tolerance");
    let tol_line = found
        .iter()
        .find(|(f, _, _)| *f == "tolerance")
        .map(|(_, n, _)| *n)
        .unwrap_or(start);
    let tolerance = if tol_text.is_empty() {
        None
    } else {
        match parse_tolerance(&tol_text) {
            Some(t) => Some(t),
            None => {
                errs.push(Diagnostic::new(
                    file,
                    tol_line,
                    t::BAD_TOLERANCE,
                    &[("value", &tol_text)],
                ));
                None
            }
        }
    };
    if !figure.is_empty() && !figure.starts_with('/') {
        let n = found
            .iter()
            .find(|(f, _, _)| *f == "figure")
            .map(|(_, n, _)| *n)
            .unwrap_or(start);
        errs.push(Diagnostic::new(
            file,
            n,
            t::BAD_FIGURE,
            &[("figure", &figure)],
        ));
    }
    if errs.is_empty() {
        let figure_line = found
            .iter()
            .find(|(f, _, _)| *f == "figure")
            .map(|(_, n, _)| *n)
            .unwrap_or(start);
        Ok(Step::Predict(Predict {
            line: start,
            question,
            figure,
            figure_line,
            hint,
            explain,
            tolerance,
        }))
    } else {
        Err(errs)
    }
}

fn parse_tolerance(s: &str) -> Option<Tolerance> {
    let (num, pct) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let v: f64 = num.parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    Some(if pct {
        Tolerance::Percent(v)
    } else {
        Tolerance::Absolute(v)
    })
}

fn parse_quiz(file: &str, start: usize, body: &[(usize, &str)]) -> Result<Step, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut question: Option<String> = None;
    let mut choices: Vec<(usize, Choice)> = Vec::new();
    for e in entries(body) {
        let mark = e
            .head
            .strip_prefix("- [ ]")
            .map(|r| (false, r))
            .or_else(|| e.head.strip_prefix("- [x]").map(|r| (true, r)))
            .or_else(|| e.head.strip_prefix("- [X]").map(|r| (true, r)));
        if let Some((right, rest)) = mark {
            // Indented lines continue the choice until `feedback:`, then
            // continue the feedback.
            let split = e.more.iter().position(|(_, m)| m.starts_with("feedback:"));
            let (text_more, fb_more) = match split {
                Some(i) => e.more.split_at(i),
                None => (&e.more[..], &[][..]),
            };
            let text = join(rest, text_more);
            let feedback = match fb_more.split_first() {
                Some(((_, first), more)) => join(first.trim_start_matches("feedback:"), more),
                None => String::new(),
            };
            if text.is_empty() {
                errs.push(Diagnostic::new(file, e.line, t::EMPTY_CHOICE, &[]));
            }
            if feedback.is_empty() {
                errs.push(Diagnostic::new(file, e.line, t::NO_FEEDBACK, &[]));
            }
            choices.push((
                e.line,
                Choice {
                    text,
                    right,
                    feedback,
                },
            ));
            continue;
        }
        match key_value(&e.head) {
            Some(("question", v)) if question.is_none() => question = Some(join(v, &e.more)),
            Some((key @ "question", _)) => errs.push(Diagnostic::new(
                file,
                e.line,
                t::GIVEN_TWICE,
                &[("key", &key)],
            )),
            _ => errs.push(Diagnostic::new(file, e.line, t::QUIZ_LINE, &[])),
        }
    }
    let question = question.filter(|q| !q.is_empty()).unwrap_or_else(|| {
        errs.push(Diagnostic::new(file, start, t::QUIZ_NEEDS_QUESTION, &[]));
        String::new()
    });
    if choices.len() < 2 {
        errs.push(Diagnostic::new(file, start, t::QUIZ_TWO_CHOICES, &[]));
    }
    let right = choices.iter().filter(|(_, c)| c.right).count();
    if right != 1 {
        errs.push(Diagnostic::new(
            file,
            start,
            t::QUIZ_ONE_RIGHT,
            &[("found", &right)],
        ));
    }
    if errs.is_empty() {
        Ok(Step::Quiz(Quiz {
            line: start,
            question,
            choices: choices.into_iter().map(|(_, c)| c).collect(),
        }))
    } else {
        Err(errs)
    }
}
