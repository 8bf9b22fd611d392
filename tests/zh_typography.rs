//! Chinese at 80 columns, on the real binary: every line of `--lang zh`
//! output (compare, count, trace, sweep, kafka, lessons) fits the width, no line
//! or table-cell line starts with a closing full-width mark or ends with an
//! opening one, and no number is parted from its unit across lines.

mod common;

use common::{file_of, temp_home, zclab};
use unicode_width::UnicodeWidthStr;

const CLOSERS: &str = "，。、；：？！）」』”";
const OPENERS: &str = "（「『“";
const UNITS: &[&str] = &[
    "KiB", "MiB", "GiB", "B", "ms", "µs", "ns", "s", "MiB/s", "次", "倍",
];

/// The pieces of a line that wrap on their own: the cells of a table line
/// (split at its vertical rules), or the whole line.
fn pieces(line: &str) -> Vec<&str> {
    line.split(['│', '┆', '║', '|'])
        .map(str::trim)
        .collect::<Vec<_>>()
}

fn starts_with_unit(s: &str) -> bool {
    UNITS.iter().any(|u| {
        s.strip_prefix(u)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

/// Every rule of the brief, on every line; returns the broken ones.
fn broken_lines(text: &str, width: usize) -> Vec<String> {
    let mut bad = Vec::new();
    let mut prev: Vec<&str> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let w = line.width();
        if w > width {
            bad.push(format!("line {n}: {w} columns > {width}: {line}"));
        }
        let now = pieces(line);
        for (k, p) in now.iter().enumerate() {
            if p.starts_with(|c| CLOSERS.contains(c)) {
                bad.push(format!("line {n}: starts with a closing mark: {line}"));
            }
            if p.ends_with(|c| OPENERS.contains(c)) {
                bad.push(format!("line {n}: ends with an opening mark: {line}"));
            }
            // A unit at the start of a piece whose piece above ends with a
            // digit: a number parted from its unit.
            let above = if now.len() == prev.len() {
                prev.get(k).copied()
            } else if now.len() == 1 && prev.len() == 1 {
                prev.first().copied()
            } else {
                None
            };
            if starts_with_unit(p)
                && above.is_some_and(|a| a.ends_with(|c: char| c.is_ascii_digit()))
            {
                bad.push(format!("line {n}: a unit parted from its number: {line}"));
            }
        }
        prev = now;
    }
    bad
}

fn run_zh(home: &std::path::Path, args: &[&str]) -> String {
    // `--lang zh` right after the subcommand (after `--`, it would be the
    // traced command's).
    let out = zclab(home)
        .env("COLUMNS", "80")
        .arg(args[0])
        .args(["--lang", "zh"])
        .args(&args[1..])
        .output()
        .expect("run zclab");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn assert_typeset(what: &str, text: &str) {
    assert!(!text.trim().is_empty(), "{what}: no output");
    let bad = broken_lines(text, 80);
    assert!(
        bad.is_empty(),
        "{what}:\n{}\n--- output ---\n{text}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_catches_what_it_is_for() {
    // A checker that cannot fail would prove nothing.
    assert_eq!(broken_lines("甲乙\n，丙", 80).len(), 1);
    assert_eq!(broken_lines("甲（\n乙", 80).len(), 1);
    assert_eq!(broken_lines("共 2.0\nMiB", 80).len(), 1);
    assert_eq!(broken_lines("│ 甲 ┆ 12.0 │\n│ 乙 ┆ ms   │", 80).len(), 1);
    assert_eq!(broken_lines("│ 甲 ┆ 乙 │\n│ 。 ┆ 丙 │", 80).len(), 1);
    assert_eq!(broken_lines(&"甲".repeat(41), 80).len(), 1);
    assert!(broken_lines("甲乙，丙。\n（丁）\nsteps 2\nstep", 80).is_empty());
}

#[test]
fn compare_and_count_in_chinese_at_80_columns() {
    let home = temp_home();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-1MiB.log");
    let sample = sample.to_str().expect("UTF-8 path");
    for extra in [&[][..], &["--details"][..], &["--verify"][..]] {
        let mut args = vec!["compare", "--runs", "1"];
        args.extend(extra);
        args.push(sample);
        assert_typeset(&format!("compare {extra:?}"), &run_zh(home.path(), &args));
    }
    let file = file_of(home.path(), "data.log", 100_000);
    let file = file.to_str().expect("UTF-8 path");
    assert_typeset(
        "count cat /etc/hosts",
        &run_zh(home.path(), &["count", "--", "cat", "/etc/hosts"]),
    );
    assert_typeset(
        "count cat data.log",
        &run_zh(home.path(), &["count", "--hide-output", "--", "cat", file]),
    );
}

#[test]
fn trace_sweep_kafka_and_lessons_in_chinese_at_80_columns() {
    let home = temp_home();
    let file = file_of(home.path(), "data.log", 20_000);
    let file = file.to_str().expect("UTF-8 path");
    for method in ["read-write", "sendfile"] {
        assert_typeset(
            &format!("trace {method}"),
            &run_zh(home.path(), &["trace", "--method", method, file]),
        );
    }
    assert_typeset(
        "sweep",
        &run_zh(
            home.path(),
            &[
                "sweep",
                "--size",
                "16KiB,48KiB",
                "--buf",
                "1KiB,8KiB",
                "--runs",
                "1",
            ],
        ),
    );
    assert_typeset(
        "kafka",
        &run_zh(home.path(), &["kafka", "--size", "1MiB", "--runs", "1"]),
    );
    for lesson in ["1", "8", "9", "10"] {
        assert_typeset(
            &format!("lesson {lesson}"),
            &run_zh(home.path(), &["lesson", lesson, "--no-pause"]),
        );
    }
}
