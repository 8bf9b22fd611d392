//! Snapshots of the count table from a hand-built view: both languages, 80
//! and 120 columns, colour off; with and without the time columns.

use std::collections::BTreeMap;

use super::render;
use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::tracer::group_of;
use crate::view::count::*;

fn row(name: &str, calls: u64, errors: u64, bytes: u64, total: u64, usecs: f64) -> SyscallRow {
    SyscallRow {
        name: name.into(),
        group: group_of(name).id(),
        kind: group_of(name),
        calls,
        errors,
        bytes: moved_and_mapped(name, bytes).0,
        mapped_bytes: moved_and_mapped(name, bytes).1,
        percent_of_calls: Some(calls as f64 * 100.0 / total as f64),
        time_s: usecs * calls as f64 / 1e6,
        percent_of_time: None,
        usecs_per_call: Some(usecs),
    }
}

/// `cat` of a 1 MiB file with a 128 KiB buffer, output to /dev/null.
pub(crate) fn sample_view(timed: bool) -> CountView {
    let total = 36;
    let mut syscalls = vec![
        row("read", 10, 0, 1 << 20, total, 40.0),
        row("write", 8, 0, 1 << 20, total, 12.0),
        row("mmap", 6, 0, 3 << 20, total, 3.0),
        row("openat", 4, 1, 0, total, 5.0),
        row("close", 4, 0, 0, total, 1.0),
        row("execve", 2, 1, 0, total, 300.0),
        row("exit_group", 2, 0, 0, total, 0.0),
    ];
    let all: f64 = syscalls.iter().map(|r| r.time_s).sum();
    for r in &mut syscalls {
        if timed {
            r.percent_of_time = Some(r.time_s * 100.0 / all);
        } else {
            r.time_s = 0.0;
            r.usecs_per_call = None;
        }
    }
    let thread = |tid, comm: &str, calls| ThreadView {
        tid,
        pid: 100,
        comm: comm.into(),
        calls,
        data_moving_calls: calls / 2,
        bytes_moved: 1 << 20,
        mapped_bytes: 0,
        mode_switches: 2 * calls,
        syscalls: BTreeMap::new(),
    };
    CountView {
        zclab_version: "0.0.0",
        command: vec!["cat".into(), "samples/kafka-segment-1MiB.log".into()],
        command_line: "cat samples/kafka-segment-1MiB.log".into(),
        status: StatusView {
            exited: Some(0),
            signal: None,
            signal_name: None,
        },
        exit_code: 0,
        elapsed_s: 0.012,
        counts: CountsView {
            source: SOURCE,
            total_calls: total,
            total_errors: 2,
            mode_switches: 2 * total,
            mode_switches_basis: MODE_SWITCHES_BASIS,
            data_moving_calls: 24,
            data_mode_switches: 48,
            bytes: ByteFlows {
                into_user: 1 << 20,
                out_of_user: 1 << 20,
                in_kernel: 0,
                mapped: 3 << 20,
            },
            syscalls,
            groups: vec![],
            threads: vec![thread(100, "cat", 30), thread(101, "cat", 6)],
            processes: 1,
            timed,
            notes: if timed {
                vec![
                    CountNote::Tracer,
                    CountNote::ModeSwitches,
                    CountNote::WallTime,
                    CountNote::ExecvePathSearch,
                ]
            } else {
                vec![
                    CountNote::Tracer,
                    CountNote::ModeSwitches,
                    CountNote::ExecvePathSearch,
                ]
            },
        },
    }
}

fn check_width(text: &str, width: usize) {
    for line in text.lines() {
        let w = unicode_width::UnicodeWidthStr::width(line);
        assert!(w <= width, "line of {w} columns > {width}:\n{line}");
    }
    crate::report::assert_typeset(text, width);
}

#[test]
fn count_snapshots() {
    for timed in [false, true] {
        let view = sample_view(timed);
        for lang in [Lang::En, Lang::Zh] {
            for width in [80, 120] {
                let text = render(&view, &Ctx::plain(lang, width));
                check_width(&text, width);
                let name = format!(
                    "count_{}{lang:?}_{width}",
                    if timed { "timed_" } else { "" }
                )
                .to_lowercase();
                insta::assert_snapshot!(name, text);
            }
        }
    }
}
