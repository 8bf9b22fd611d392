//! Every user-facing word lives in the text catalogue (`src/text/`), in
//! both languages. This lint reads zclab's sources and fails when words
//! appear elsewhere:
//!
//! 1. an inline English/Chinese pair (`lang.t("…", "…")`, `.t("…"`) or a
//!    `Lang::En =>` / `Lang::Zh =>` arm that produces a sentence;
//! 2. Chinese text in code outside the catalogue;
//! 3. an English message written straight into an error or a print
//!    (`bail!("…")`, `anyhow!("…")`, `.context("…")`, `with_context`,
//!    `error::input(…)`, `eprintln!("…")` with words);
//! 4. English words made into a value that travels as a reason: a
//!    `String` built from words (`format!("…")`, `"…".to_string()`,
//!    `.into()`, `String::from`) handed to a type or variant
//!    (`Refusal::Close(…)`, `DecodeError(…)`, `Err(…)`) or returned from
//!    `map_err` / `ok_or_else` / `ok_or`. Such reasons are typed values
//!    worded from the catalogue where they are shown;
//! 5. a lesson author's diagnostic (`Diagnostic::new(…)`) with words of
//!    its own instead of a catalogue entry.
//!
//! Test code (`tests.rs`, `*_tests.rs`, and everything after a file's
//! `#[cfg(test)]`) and comments are not read. [`ALLOWED`] lists the files
//! that may still break a rule, and why.

use std::path::{Path, PathBuf};

/// Files (or folders, ending in `/`) that may break a rule, with the
/// reason. Keep it short: a new entry needs a reason a reviewer accepts.
const ALLOWED: &[(&str, &[Rule], &str)] = &[
    (
        "src/cli.rs",
        &[Rule::Chinese],
        "the English --help ends with one Chinese line that tells a Chinese reader zclab speaks Chinese",
    ),
    (
        "src/report/wrap.rs",
        &[Rule::Chinese],
        "line-breaking data: full-width punctuation classes and the Chinese units a number is never parted from (data, not words)",
    ),
    (
        "src/lesson/render/mod.rs",
        &[Rule::Chinese],
        "full-width punctuation classes for line breaking (data, not words)",
    ),
    (
        "src/lesson/runner/answer.rs",
        &[Rule::Chinese],
        "a full-width comma is accepted inside a typed number (data, not words)",
    ),
    (
        "src/lesson/lint.rs",
        &[Rule::Chinese],
        "the lesson authors' lint: the ZH-STYLE terms it bans and their replacements",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Pair,
    Chinese,
    English,
    /// English words made into a reason value (rule 4).
    EnglishValue,
    /// An English message in a lesson author's diagnostic
    /// (`Diagnostic::new(file, line, "…")`) rather than a catalogue entry.
    AuthorEnglish,
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file that a user's run can reach: up to its
/// `#[cfg(test)]`, without comments.
fn code_of(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim() == "#[cfg(test)]" {
            break;
        }
        let code = match line.find("//") {
            // A `//` inside a string (a URL) is not a comment: only cut
            // when the quotes before it are balanced.
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

fn is_chinese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// The string literals on a line (simple ones: enough for this lint).
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// `literal` with its `{placeholders}` taken out.
fn without_placeholders(literal: &str) -> String {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in literal.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// A literal that reads as words: two letters in a row once the
/// `{placeholders}` are taken out.
fn has_words(literal: &str) -> bool {
    without_placeholders(literal)
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_alphabetic() && w[1].is_ascii_alphabetic())
}

/// The call that starts an error or a print, and where its first argument
/// begins, if the code at `at` is one.
const ERROR_CALLS: &[&str] = &[
    "bail!(",
    "anyhow!(",
    "ensure!(",
    ".context(",
    "with_context(",
    "error::input(",
    "eprintln!(",
    "eprint!(",
    "println!(",
    "print!(",
    "panic!(",
];

fn check(rel: &str, text: &str) -> Vec<(Rule, String)> {
    let mut found = Vec::new();
    let code = code_of(text);
    // Rule 3 looks at the whole call, which may span lines.
    let joined: String = code
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for (n, line) in &code {
        let here = format!("{rel}:{n}: {}", line.trim());
        if line.contains("lang.t(") || line.contains(".t(\"") || line.contains("Lang::t(") {
            found.push((Rule::Pair, here.clone()));
        }
        if (line.contains("Lang::En =>") || line.contains("Lang::Zh =>"))
            && (line.contains("format!(") || literals(line).iter().any(|l| l.contains(' ')))
        {
            found.push((Rule::Pair, here.clone()));
        }
        if line.chars().any(is_chinese) {
            found.push((Rule::Chinese, here.clone()));
        }
    }
    for call in ERROR_CALLS {
        let mut from = 0;
        while let Some(at) = joined[from..].find(call) {
            let begin = from + at;
            let start = begin + call.len();
            from = start;
            // `println!(` inside `eprintln!(` is the same call.
            let glued = call.starts_with(|c: char| c.is_ascii_alphabetic())
                && joined[..begin]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            if glued {
                continue;
            }
            // `.context(` with a variable, `with_context(|| …)`: look at
            // the argument up to the first `;` or closing of the call.
            let arg: String = joined[start..].chars().take(400).collect();
            let arg = arg.split(';').next().unwrap_or("");
            let first = arg.trim_start();
            let words = if first.starts_with('"')
                || first.starts_with("format!(")
                || first.starts_with("||")
                || first.starts_with("&format!(")
            {
                literals(arg).first().is_some_and(|l| has_words(l))
            } else {
                false
            };
            if words {
                let line = joined[..start].matches('\n').count() + 1;
                found.push((
                    Rule::English,
                    format!("{rel}:{line}: {call}{}", first.lines().next().unwrap_or("")),
                ));
            }
        }
    }
    found.extend(english_values(rel, &joined));
    // A diagnostic's message may be any argument of the call; the names of
    // its placeholders (`("key", &k)`) are not words.
    let mut from = 0;
    while let Some(at) = joined[from..].find("Diagnostic::new(") {
        let start = from + at + "Diagnostic::new(".len();
        from = start;
        let arg: String = joined[start..].chars().take(600).collect();
        let arg = arg.split(';').next().unwrap_or("");
        if worded_literals(arg).iter().any(|l| has_words(l)) {
            let line = joined[..start].matches('\n').count() + 1;
            found.push((
                Rule::AuthorEnglish,
                format!("{rel}:{line}: Diagnostic::new(…)"),
            ));
        }
    }
    found
}

/// The literals of `arg` that may be words: all but the placeholder names
/// of a catalogue call (`("name", &value)`: a literal right after `(` and
/// before `,`).
fn worded_literals(arg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = arg;
    while let Some(open) = rest.find('"') {
        let before = rest[..open].trim_end();
        let lits = literals(&rest[open..]);
        let Some(lit) = lits.first() else { break };
        let after = &rest[open + lit.len() + 2..];
        let is_key = before.ends_with('(')
            && after.trim_start().starts_with(',')
            && lit.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !is_key {
            out.push(lit.clone());
        }
        rest = after;
    }
    out
}

/// A literal that reads as prose: two words in a row once the
/// `{placeholders}` are taken out (`syscall_{nr}` is a name, not prose).
fn has_prose(literal: &str) -> bool {
    without_placeholders(literal)
        .split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
        .any(|run| run.split(' ').filter(|w| w.len() >= 2).count() >= 2)
}

/// Callees that take a value a renderer lays out, not a reason.
const NOT_REASONS: &[&str] = &["Some", "Ok"];

/// Rule 4: a `String` of English words handed to a type or variant, or
/// made the error of `map_err` / `ok_or_else` / `ok_or`.
fn english_values(rel: &str, joined: &str) -> Vec<(Rule, String)> {
    let mut found = Vec::new();
    for (open, _) in joined.match_indices('(') {
        let head = &joined[..open];
        let ident_start = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let ident = &head[ident_start..];
        let sink = match ident.chars().next() {
            Some(c) if c.is_ascii_uppercase() => !NOT_REASONS.contains(&ident),
            _ => matches!(ident, "map_err" | "ok_or_else" | "ok_or"),
        };
        // `name!(…)` is a macro, not a value.
        if !sink || head.ends_with('!') {
            continue;
        }
        let arg: String = joined[open + 1..].chars().take(400).collect();
        let arg = arg.split(';').next().unwrap_or("");
        let mut value = arg.trim_start();
        // A closure's body: `|e| …`, `|| …`, `move |…| …`.
        value = value.strip_prefix("move ").unwrap_or(value).trim_start();
        if let Some(rest) = value.strip_prefix('|')
            && let Some(end) = rest.find('|')
        {
            value = rest[end + 1..].trim_start();
        }
        let owned_words = if value.starts_with("format!(")
            || value.starts_with("&format!(")
            || value.starts_with("String::from(")
        {
            literals(value).first().is_some_and(|l| has_prose(l))
        } else if value.starts_with('"') {
            literals(value).first().is_some_and(|l| {
                let after = &value[l.len() + 2..];
                has_prose(l)
                    && [".to_string()", ".into()", ".to_owned()"]
                        .iter()
                        .any(|m| after.starts_with(m))
            })
        } else {
            false
        };
        if owned_words {
            let line = head.matches('\n').count() + 1;
            found.push((
                Rule::EnglishValue,
                format!(
                    "{rel}:{line}: {ident}({}",
                    value.lines().next().unwrap_or("")
                ),
            ));
        }
    }
    // An I/O error made of English words (`io::Error::new(kind, "…")`):
    // carry a catalogue `Localized` inside it instead.
    for call in ["io::Error::new(", "io::Error::other("] {
        for (at, _) in joined.match_indices(call) {
            let arg: String = joined[at + call.len()..].chars().take(400).collect();
            let arg = arg.split(';').next().unwrap_or("");
            if literals(arg).iter().any(|l| has_prose(l)) {
                let line = joined[..at].matches('\n').count() + 1;
                found.push((Rule::EnglishValue, format!("{rel}:{line}: {call}…")));
            }
        }
    }
    found
}

#[test]
fn every_user_facing_word_is_in_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let mut problems = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .into_owned();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if rel.starts_with("src/text/")
            || rel == "src/main.rs"
            || name == "tests.rs"
            || name.ends_with("_tests.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        for (rule, at) in check(&rel, &text) {
            let allowed = ALLOWED.iter().any(|(p, rules, _)| {
                (rel == *p || (p.ends_with('/') && rel.starts_with(p))) && rules.contains(&rule)
            });
            if !allowed {
                problems.push(format!("{rule:?}: {at}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "words outside the catalogue (move them into src/text/, both languages):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_lint_sees_what_it_must() {
    let bad = "fn f() {\n    let s = lang.t(\"Hi\", \"你好\");\n    bail!(\"cannot open {path}\");\n    let x = y.with_context(|| format!(\"cannot read {p}\"))?;\n    eprintln!(\"zclab: warning: {w}\");\n    Lang::En => format!(\"Lesson {n}\"),\n}\n#[cfg(test)]\nmod tests { fn t() { bail!(\"fine in a test\"); } }\n";
    let found = check("x.rs", bad);
    let rules: Vec<Rule> = found.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        rules.iter().filter(|r| **r == Rule::English).count(),
        3,
        "{found:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == Rule::Pair).count(),
        2,
        "{found:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == Rule::Chinese).count(),
        1,
        "{found:?}"
    );
    let diag = "fn g() {\n    errs.push(Diagnostic::new(\n        file,\n        n,\n        \"the lesson has no steps\",\n    ));\n}\n";
    assert_eq!(
        check("z.rs", diag)
            .iter()
            .map(|(r, _)| *r)
            .collect::<Vec<_>>(),
        [Rule::AuthorEnglish]
    );
    // Rule 4: reasons made of English words, the way the Kafka protocol
    // errors were before they became typed values.
    let reasons = "fn d() {\n    return Err(Refusal::Close(format!(\"unknown API key {}\", k)));\n    let e = DecodeError(\"needs more bytes\".to_string());\n    r.map_err(|_| BatchError::Records(\"varint runs past the end\".into()))?;\n    x.ok_or_else(|| format!(\"{what}: null where a string is required\"))?;\n    let s = String::from(\"fine\");\n    return Err(io::Error::new(\n        io::ErrorKind::UnexpectedEof,\n        \"the client closed the connection\",\n    ));\n}\n";
    let found = check("k.rs", reasons);
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| *r == Rule::EnglishValue)
            .count(),
        5,
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, at)| at.starts_with("k.rs:2: Close(format!")),
        "{found:?}"
    );
    // Typed reasons, values for a renderer, and placeholder names pass.
    let typed = "fn d() {\n    return Err(Refusal::Close(Refused::UnknownApi { key, version }));\n    let c = Some(format!(\"{}{}\", a, b));\n    Cell::new(format!(\"offset {o}\"));\n    Ok(format!(\"offset={off}\"))\n    errs.push(Diagnostic::new(file, n, t::GIVEN_TWICE, &[(\"key\", &k)]));\n    e.map_err(|e| e.localized())?;\n    io::Error::new(io::ErrorKind::UnexpectedEof, Localized::new(t::CLOSED, &[]));\n}\n";
    assert!(
        check("t.rs", typed).is_empty(),
        "{:?}",
        check("t.rs", typed)
    );
    let good = "fn f() {\n    eprintln!(\"{}{}\", a, b);\n    let s = ctx.t(text::X);\n    x.context_t(t::CANNOT, &[])?;\n    // bail!(\"a comment\")\n    Lang::Zh => \"zh\",\n}\n";
    assert!(check("y.rs", good).is_empty(), "{:?}", check("y.rs", good));
}
