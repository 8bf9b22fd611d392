//! One lesson file (Markdown with directive blocks) → a list of steps.
//!
//! The grammar is line based and deliberately small (see lessons/FORMAT.md):
//! text is split into steps at `---` lines and at headings; a fenced block
//! whose info string is exactly `run`, `predict` or `quiz` is a directive and
//! becomes its own step; any other fenced block is code inside a text step.
//! The directives' bodies are read in `directives`.

mod directives;

use super::diag::Diagnostic;
use crate::text::lesson_check as t;
use directives::parse_directive;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Text(Text),
    Run(Run),
    Predict(Predict),
    Quiz(Quiz),
}

impl Step {
    pub fn line(&self) -> usize {
        match self {
            Step::Text(t) => t.line,
            Step::Run(r) => r.line,
            Step::Predict(p) => p.line,
            Step::Quiz(q) => q.line,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Step::Text(_) => "text",
            Step::Run(_) => "run",
            Step::Predict(_) => "predict",
            Step::Quiz(_) => "quiz",
        }
    }
}

/// A screenful of Markdown, kept as written; the runner renders it.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub line: usize,
    pub markdown: String,
}

/// A zclab command line without the program name and without the file; the
/// runner appends the lesson's sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub line: usize,
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Accept answers within this many units of the measured figure.
    Absolute(f64),
    /// Accept answers within this percentage of the measured figure.
    Percent(f64),
}

/// A question answered with a number before the next run; the answer is
/// checked against `figure`, a JSON pointer into that run's `--json` output.
#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    pub line: usize,
    pub question: String,
    pub figure: String,
    /// Line of `figure:`, where a wrong pointer is reported.
    pub figure_line: usize,
    pub hint: String,
    pub explain: String,
    pub tolerance: Option<Tolerance>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    pub line: usize,
    pub question: String,
    pub choices: Vec<Choice>,
}

impl Quiz {
    /// Index of the right choice (validated: exactly one exists).
    pub fn right(&self) -> usize {
        self.choices.iter().position(|c| c.right).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub right: bool,
    pub feedback: String,
}

/// A source line with its 1-based number.
type Line<'a> = (usize, &'a str);

const DIRECTIVES: [&str; 3] = ["run", "predict", "quiz"];

pub fn parse(file: &str, src: &str) -> Result<Vec<Step>, Vec<Diagnostic>> {
    let mut steps = Vec::new();
    let mut errs = Vec::new();
    let mut text: Vec<(usize, &str)> = Vec::new();
    // (directive, opening line, body lines)
    let mut directive: Option<(&str, usize, Vec<Line>)> = None;
    // An ordinary code fence inside text: its backtick run and opening line.
    let mut code_fence: Option<(usize, usize)> = None;

    for (i, line) in src.lines().enumerate() {
        let n = i + 1;
        if let Some((ticks, _)) = code_fence {
            text.push((n, line));
            let t = line.trim();
            if t.len() >= ticks && t.chars().all(|c| c == '`') {
                code_fence = None;
            }
            continue;
        }
        if let Some((kind, start, body)) = directive.as_mut() {
            if line.trim() == "```" {
                match parse_directive(file, kind, *start, body) {
                    Ok(step) => steps.push(step),
                    Err(mut e) => errs.append(&mut e),
                }
                directive = None;
            } else {
                body.push((n, line));
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            let info = rest.trim_start_matches('`').trim();
            if line.starts_with("```") && DIRECTIVES.contains(&info) {
                if rest.starts_with('`') {
                    errs.push(Diagnostic::new(file, n, t::THREE_BACKTICKS, &[]));
                }
                flush_text(&mut text, &mut steps);
                let kind = DIRECTIVES
                    .iter()
                    .find(|d| **d == info)
                    .copied()
                    .unwrap_or("run");
                directive = Some((kind, n, Vec::new()));
                continue;
            }
            let ticks = trimmed.chars().take_while(|c| *c == '`').count();
            code_fence = Some((ticks, n));
            text.push((n, line));
            continue;
        }
        if line.trim() == "---" {
            flush_text(&mut text, &mut steps);
            continue;
        }
        if is_heading(line) {
            flush_text(&mut text, &mut steps);
        }
        text.push((n, line));
    }
    if let Some((kind, start, _)) = directive {
        errs.push(Diagnostic::new(
            file,
            start,
            t::BLOCK_NOT_CLOSED,
            &[("kind", &kind)],
        ));
    }
    if let Some((_, start)) = code_fence {
        errs.push(Diagnostic::new(file, start, t::CODE_NOT_CLOSED, &[]));
    }
    flush_text(&mut text, &mut steps);
    if steps.is_empty() && errs.is_empty() {
        errs.push(Diagnostic::new(file, 1, t::NO_STEPS, &[]));
    }
    if errs.is_empty() {
        Ok(steps)
    } else {
        Err(errs)
    }
}

fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

fn flush_text(text: &mut Vec<(usize, &str)>, steps: &mut Vec<Step>) {
    let lines = std::mem::take(text);
    let first = lines.iter().position(|(_, l)| !l.trim().is_empty());
    let last = lines.iter().rposition(|(_, l)| !l.trim().is_empty());
    if let (Some(a), Some(b)) = (first, last) {
        let markdown = lines[a..=b]
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n");
        steps.push(Step::Text(Text {
            line: lines[a].0,
            markdown,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# Title\n\nIntro text.\n\n```c\nwhile (read(fd, buf, n) > 0)\n---\n```\n\n---\n\nSecond screen.\n\n```predict\nquestion: How many\n  read() calls?\nfigure: /totals/syscalls/read\nhint: count the EOF\nexplain: 4 + 1\n```\n\n```run\ntrace --method read-write --buf 4096\n```\n\n## Quiz time\n\n```quiz\nquestion: Which?\n- [ ] A\n  feedback: no\n- [x] B\n  because\n  feedback: yes\n  indeed\n```\n";

    #[test]
    fn steps_come_out_in_order() {
        let steps = parse("x.md", GOOD).expect("valid");
        let kinds: Vec<&str> = steps.iter().map(Step::kind).collect();
        assert_eq!(kinds, ["text", "text", "predict", "run", "text", "quiz"]);
        // `---` inside a code block does not split the step.
        let Step::Text(t) = &steps[0] else { panic!() };
        assert!(t.markdown.contains("---"));
        assert_eq!(t.line, 1);
        let Step::Predict(p) = &steps[2] else {
            panic!()
        };
        assert_eq!(p.question, "How many read() calls?");
        assert_eq!(p.line, 14);
        let Step::Run(r) = &steps[3] else { panic!() };
        assert_eq!(r.args, ["trace", "--method", "read-write", "--buf", "4096"]);
        let Step::Quiz(q) = &steps[5] else { panic!() };
        assert_eq!(q.right(), 1);
        assert_eq!(q.choices[1].text, "B because");
        assert_eq!(q.choices[1].feedback, "yes indeed");
    }

    #[test]
    fn malformed_quiz_names_file_and_line() {
        let src = "Text\n\n```quiz\nquestion: Q\n- [x] A\n  feedback: a\n- [x] B\n```\n";
        let e = parse("lessons/en/09-x.md", src).expect_err("invalid");
        let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(shown.contains(&"lessons/en/09-x.md:7: every choice needs feedback: add an indented `feedback: …` line under it".to_string()), "{shown:?}");
        assert!(
            shown
                .iter()
                .any(|s| s
                    .starts_with("lessons/en/09-x.md:3: a quiz needs exactly one right choice")),
            "{shown:?}"
        );
    }

    #[test]
    fn unclosed_block_and_bad_keys_are_errors() {
        let e = parse("f.md", "a\n```predict\nquestion: q\nfigur: /x\n").expect_err("invalid");
        assert_eq!(e[0].line, 2, "{e:?}");
        let e = parse(
            "f.md",
            "```predict\nquestion: q\nfigur: /x\nhint: h\nexplain: e\nfigure: /a\n```\n",
        )
        .expect_err("invalid");
        assert_eq!(e[0].to_string(), "f.md:3: unknown predict key 'figur'");
        let e = parse("f.md", "```run\nzclab trace\n```\n").expect_err("invalid");
        assert_eq!(e[0].line, 2);
        let e = parse("f.md", "```run\n```\n").expect_err("invalid");
        assert_eq!(e[0].line, 1);
    }

    #[test]
    fn tolerance_parses() {
        let src = "```predict\nquestion: q\nfigure: /a\nhint: h\nexplain: e\ntolerance: 5%\n```\n";
        let s = parse("f.md", src).expect("valid");
        let Step::Predict(p) = &s[0] else { panic!() };
        assert_eq!(p.tolerance, Some(Tolerance::Percent(5.0)));
    }
}
