//! Checks on the words of a lesson, for mistakes that come in classes:
//! - a step that names a `--json` field the rendered table does not show
//!   must say it is in `--json` (students look at the screen, not the
//!   JSON; issue 8 found lessons pointing at `cpu_sys_us`, which no table
//!   shows);
//! - the Chinese files follow `/work/shared/ZH-STYLE.md` where a machine can
//!   tell: Chinese quotes, one term per idea, `Socket` with a capital S, no
//!   space next to full-width punctuation.
//!
//! Code (fenced blocks and `code spans`) is exempt from the Chinese rules:
//! `socket_fd` is a C name, not prose.

use super::diag::Diagnostic;
use super::parse::Step;
use super::schema;
use crate::lang::Lang;
use crate::text::lesson_check as t;

/// Words the Chinese text does not use, and what it writes instead.
const ZH_TERMS: [(&str, &str); 6] = [
    ("模式切换", "用户态/内核态切换"),
    ("状态切换", "用户态/内核态切换"),
    ("冷启动", "冷缓存运行"),
    ("证人", "第二路核对/两路计数"),
    ("穿越", "切换"),
    ("快了两倍", "吞吐量是前者的 N 倍（或：耗时不到一半）"),
];

/// Checks the words of every step of one lesson file.
pub fn check(file: &str, lang: Lang, steps: &[Step], errs: &mut Vec<Diagnostic>) {
    for step in steps {
        for (line, text) in texts(step) {
            json_fields(file, line, &text, errs);
            // ZH-STYLE applies to the Chinese files only (a rule, not words).
            if lang == Lang::Zh {
                zh_style(file, line, &text, errs);
            }
        }
    }
}

/// The prose of a step, as (first line, paragraph) pairs; code blocks left
/// out.
fn texts(step: &Step) -> Vec<(usize, String)> {
    match step {
        Step::Text(t) => {
            let mut out = Vec::new();
            let mut in_code = false;
            let mut para = String::new();
            let mut start = t.line;
            for (k, l) in t.markdown.lines().enumerate() {
                if l.trim_start().starts_with("```") {
                    in_code = !in_code;
                    continue;
                }
                if in_code || l.starts_with("    ") {
                    continue;
                }
                if l.trim().is_empty() {
                    if !para.is_empty() {
                        out.push((start, std::mem::take(&mut para)));
                    }
                    continue;
                }
                if para.is_empty() {
                    start = t.line + k;
                }
                para.push_str(l);
                para.push('\n');
            }
            if !para.is_empty() {
                out.push((start, para));
            }
            out
        }
        Step::Run(_) => Vec::new(),
        Step::Predict(p) => [&p.question, &p.hint, &p.explain]
            .into_iter()
            .map(|s| (p.line, s.clone()))
            .collect(),
        Step::Quiz(q) => std::iter::once(q.question.clone())
            .chain(
                q.choices
                    .iter()
                    .flat_map(|c| [c.text.clone(), c.feedback.clone()]),
            )
            .map(|s| (q.line, s))
            .collect(),
    }
}

/// Does `text` contain `word` with no identifier character on either side?
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().last();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

fn json_fields(file: &str, line: usize, text: &str, errs: &mut Vec<Diagnostic>) {
    if text.contains("--json") {
        return;
    }
    for name in schema::json_only_fields() {
        if has_word(text, name) {
            errs.push(Diagnostic::new(
                file,
                line,
                t::JSON_ONLY,
                &[("name", &name)],
            ));
        }
    }
}

/// `text` with each code span replaced by `X` (the Chinese rules skip
/// code, but the spacing around it still counts).
fn without_code(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            if !in_code {
                out.push('X');
            }
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

fn zh_style(file: &str, line: usize, text: &str, errs: &mut Vec<Diagnostic>) {
    let prose = without_code(text);
    let mut say = |entry: crate::text::Text, args: &[(&str, &dyn std::fmt::Display)]| {
        errs.push(Diagnostic::new(file, line, entry, args))
    };
    if prose.contains('"') {
        say(t::ZH_QUOTES, &[]);
    }
    for (bad, good) in ZH_TERMS {
        if prose.contains(bad) {
            say(t::ZH_TERM, &[("good", &good), ("bad", &bad)]);
        }
    }
    if has_word(&prose, "socket") {
        say(t::ZH_SOCKET, &[]);
    }
    // A line break after full-width punctuation joins without a space (the
    // renderer sees to it); a space written in the source is the mistake.
    let punct = |c: char| "，。、；：？！（）“”《》".contains(c);
    let written = prose.lines().any(|l| {
        let l = l.trim();
        // A list marker's space is layout, not a space in the sentence.
        let l = l
            .strip_prefix("- ")
            .or_else(|| l.strip_prefix("* "))
            .unwrap_or(l);
        let cs: Vec<char> = l.chars().collect();
        cs.windows(2)
            .any(|w| (w[0] == ' ' && punct(w[1])) || (punct(w[0]) && w[1] == ' '))
    });
    if written {
        say(t::ZH_SPACE, &[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(lang: Lang, md: &str) -> Vec<String> {
        let steps = super::super::parse::parse("f.md", md).expect("parses");
        let mut errs = Vec::new();
        check("f.md", lang, &steps, &mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn json_only_names_need_a_pointer_to_json() {
        let e = errors(Lang::En, "# T\n\nCompare `cpu_sys_us` in both columns.\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("f.md:3: `cpu_sys_us` is a --json field"),
            "{e:?}"
        );
        assert!(
            errors(
                Lang::En,
                "# T\n\n`zclab compare --json` has `cpu_sys_us`.\n"
            )
            .is_empty()
        );
        // procfs counters are on screen; a longer name is not a match.
        assert!(errors(Lang::En, "# T\n\nLook at `rchar` and user_copy_bytes_x.\n").is_empty());
    }

    #[test]
    fn chinese_style() {
        let e = errors(
            Lang::Zh,
            "# 标题\n\n这是\"模式切换\"，发到 socket 上。 好\n",
        );
        let all = e.join("\n");
        assert!(all.contains("“…”"), "{all}");
        assert!(all.contains("not 模式切换"), "{all}");
        assert!(all.contains("capital S"), "{all}");
        assert!(all.contains("no space next to"), "{all}");
        assert!(
            errors(
                Lang::Zh,
                "# 标题\n\n调用 `write(socket_fd)`，写进 Socket。\n\n```c\nsocket \"x\"\n```\n"
            )
            .is_empty()
        );
        // The same words in English are not checked.
        assert!(errors(Lang::En, "# T\n\nA \"socket\".\n").is_empty());
    }
}
