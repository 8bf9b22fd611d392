//! strace as the independent witness: its `-c` summary table, and its
//! per-thread `-f` log (which calls each thread made, in order).
//!
//! `strace -c` has no per-thread breakdown, and in a run with a sending and
//! a receiving thread only the sender's counts are deterministic (how many
//! reads the receiver makes depends on how the scheduler interleaves the
//! two), so tests that compare one thread's calls use [`per_thread`].

use std::collections::BTreeMap;
use std::path::Path;

/// Parses strace's `-c` table. Rows are `%time seconds usecs/call calls
/// [errors] name`; the errors column is blank when zero.
pub fn parse_summary(text: &str) -> BTreeMap<String, (u64, u64)> {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 5 || cols[0].starts_with('%') || cols[0].starts_with('-') {
            continue;
        }
        let name = cols[cols.len() - 1];
        if name == "total" {
            continue;
        }
        let calls: u64 = cols[3].parse().expect("calls column");
        let errors: u64 = if cols.len() == 6 {
            cols[4].parse().expect("errors column")
        } else {
            0
        };
        counts.insert(name.to_string(), (calls, errors));
    }
    counts
}

/// What `strace -f` saw, per thread id: each call's line as strace wrote
/// it (`name(args…) = result`, or `name(args <unfinished ...>` when
/// another thread's line interrupted it), in order.
pub type Threads = BTreeMap<u64, Vec<String>>;

/// Parses the log of `strace -f -o FILE` (lines `TID name(args…) = ret`).
/// A call counts once, at its first line: `<... name resumed>` lines, which
/// finish a call begun on an earlier line, are left out, and so are
/// signals (`--- SIG… ---`) and exits (`+++ exited … +++`).
pub fn parse_threads(text: &str) -> Threads {
    let mut per: Threads = BTreeMap::new();
    for line in text.lines() {
        let Some((tid, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(tid) = tid.parse::<u64>() else {
            continue;
        };
        let rest = rest.trim_start();
        if rest.starts_with('<') || rest.starts_with("+++") || rest.starts_with("---") {
            continue;
        }
        per.entry(tid).or_default().push(rest.to_string());
    }
    per
}

/// How many of `lines` (one thread's, from [`parse_threads`]) are calls of
/// `call`.
pub fn count(lines: &[String], call: &str) -> u64 {
    let prefix = format!("{call}(");
    lines.iter().filter(|l| l.starts_with(&prefix)).count() as u64
}

/// `strace -f -s 0 -e trace=CALLS` on `args`, run in `home` with the same
/// clean environment as the `zclab` helper: per thread id, every traced
/// call's line ([`parse_threads`]), and the traced command's stdout.
/// Requires the command to succeed.
pub fn per_thread(home: &Path, args: &[&str], calls: &str) -> (Threads, String) {
    let out = home.join("strace-f.txt");
    let run = std::process::Command::new("strace")
        .env_clear()
        .envs(super::clean_env(home))
        .current_dir(home)
        .args(["-f", "-s", "0", "-e"])
        .arg(format!("trace={calls}"))
        .arg("-o")
        .arg(&out)
        .args(args)
        .output()
        .expect("strace must be installed (.ci/run installs it)");
    assert!(
        run.status.success(),
        "strace {args:?}: {:?}\nstderr:\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("strace output");
    (
        parse_threads(&text),
        String::from_utf8_lossy(&run.stdout).into_owned(),
    )
}

/// `strace -f -c` on `args`, run in `home` with the clean environment:
/// name → (calls, errors), summed over every thread and process.
pub fn summary(home: &Path, args: &[&str]) -> BTreeMap<String, (u64, u64)> {
    let mut strace = std::process::Command::new("strace");
    strace
        .env_clear()
        .envs(super::clean_env(home))
        .current_dir(home);
    summary_of(strace, &home.join("strace-c.txt"), args)
}

/// `strace -f -c -o OUT` on `args` through `strace`, a command the caller
/// has given its environment and working directory (a test that traces
/// in-process passes its own, unchanged): name → (calls, errors).
pub fn summary_of(
    mut strace: std::process::Command,
    out: &Path,
    args: &[&str],
) -> BTreeMap<String, (u64, u64)> {
    let status = strace
        .args(["-f", "-c", "-o"])
        .arg(out)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("strace must be installed (.ci/run installs it)");
    assert!(status.success(), "strace {args:?}: {status}");
    let text = std::fs::read_to_string(out).expect("strace summary");
    parse_summary(&text)
}

/// Parses the logs of `strace -ff -o PREFIX`, one file per thread
/// (`PREFIX.TID`). With a file of its own, no other thread's line can cut a
/// call in two, so every call's line ends with its result ([`result`]):
/// per thread id, each call's line in order; signals and exits left out.
pub fn per_thread_files(prefix: &Path) -> Threads {
    let dir = prefix
        .parent()
        .expect("the prefix names a file in a folder");
    let stem = format!(
        "{}.",
        prefix
            .file_name()
            .expect("the prefix names a file")
            .to_string_lossy()
    );
    let mut per: Threads = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("strace's folder") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(tid) = name.strip_prefix(&stem).and_then(|t| t.parse().ok()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("strace's log of a thread");
        let lines = text
            .lines()
            .filter(|l| !l.starts_with("+++") && !l.starts_with("---"))
            .map(str::to_string)
            .collect();
        per.insert(tid, lines);
    }
    per
}

/// What a call's whole line says it returned (`name(args…)   = 42`: strace
/// pads before the `=`), when a number.
pub fn result(line: &str) -> Option<i64> {
    let (call, ret) = line.rsplit_once(" = ")?;
    if !call.trim_end().ends_with(')') {
        return None;
    }
    ret.split_whitespace().next()?.parse().ok()
}

/// The bytes the calls of `call` among `lines` (whole lines, as from
/// [`per_thread_files`]) returned, summed; failed calls count 0.
pub fn bytes(lines: &[String], call: &str) -> u64 {
    let prefix = format!("{call}(");
    lines
        .iter()
        .filter(|l| l.starts_with(&prefix))
        .filter_map(|l| result(l))
        .filter(|&n| n > 0)
        .map(|n| n as u64)
        .sum()
}
