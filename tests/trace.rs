//! `zclab trace` run non-interactively: the steps are real calls, and they
//! add up to the totals and to what the kernel counted.

mod common;

use common::{file_of, json_of, temp_home, u, zclab};
use serde_json::Value;

fn trace(home: &std::path::Path, args: &[&str], file: &std::path::Path) -> Value {
    json_of(zclab(home).arg("trace").args(args).arg("--json").arg(file))
}

fn steps(doc: &Value) -> &Vec<Value> {
    doc["steps"].as_array().expect("steps")
}

/// Every step's counters match its call, and the steps add up to the
/// totals and to compare's summary of the same run.
fn check_adds_up(doc: &Value, method: &str) {
    let steps = steps(doc);
    assert_eq!(steps.len() as u64, u(&doc["calls"]), "all steps shown");
    let mut calls = std::collections::BTreeMap::<String, u64>::new();
    let (mut cpu, mut dma, mut switches) = (0, 0, 0);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(u(&s["index"]), i as u64 + 1);
        let name = s["syscall"].as_str().expect("syscall");
        *calls.entry(name.to_string()).or_default() += 1;
        let ms = s["mode_switches"].as_array().expect("mode switches");
        assert_eq!(
            (u(&ms[0]), u(&ms[1])),
            (switches + 1, switches + 2),
            "step {i}"
        );
        switches += 2;
        for c in s["copies"].as_array().expect("copies") {
            match c["kind"].as_str() {
                Some("cpu") => {
                    cpu += 1;
                    assert_eq!(u(&c["number"]), cpu);
                    assert_eq!(c["evidence"], "measured");
                }
                Some("dma") => {
                    dma += 1;
                    assert_eq!(u(&c["number"]), dma);
                }
                other => panic!("bad kind {other:?}"),
            }
        }
        let n = u(&s["result"]);
        let counter = |k: &str| s["counters"][k].as_u64().unwrap_or(0);
        match name {
            "read" => {
                assert_eq!(
                    (counter("syscr"), counter("rchar"), counter("syscw")),
                    (1, n, 0),
                    "step {i}: {s}"
                );
                assert_eq!(
                    s["copies"].as_array().map(Vec::len),
                    Some(if n > 0 { 1 } else { 0 })
                );
            }
            "write" => assert_eq!(
                (counter("syscw"), counter("wchar"), counter("syscr")),
                (1, n, 0),
                "step {i}: {s}"
            ),
            "sendfile" => {
                // Counted as one read and one write of n bytes each.
                assert_eq!(
                    (
                        counter("syscr"),
                        counter("syscw"),
                        counter("rchar"),
                        counter("wchar")
                    ),
                    (1, 1, n, n),
                    "step {i}: {s}"
                );
            }
            other => panic!("unexpected call {other}"),
        }
        assert!(
            s["call"]
                .as_str()
                .expect("call")
                .starts_with(&format!("{name}("))
        );
        assert!(
            s["call"]
                .as_str()
                .expect("call")
                .ends_with(&format!(" = {n}"))
        );
    }
    let totals = &doc["totals"];
    for (name, count) in &calls {
        assert_eq!(u(&totals["syscalls"][name]), *count, "{name}");
    }
    assert_eq!(u(&totals["mode_switches"]), switches);
    assert_eq!(u(&totals["cpu_copies"]), cpu);
    assert_eq!(u(&totals["dma_copies"]), dma);
    let summary = &doc["summary"]["methods"][0];
    assert_eq!(summary["method"], method);
    assert_eq!(
        u(&summary["mode_switches"]),
        switches,
        "the steps add up to compare's figure"
    );
    assert_eq!(
        u(&summary["user_copy_bytes"]),
        u(&totals["user_copy_bytes"])
    );
    for (name, count) in &calls {
        assert_eq!(u(&summary["syscalls"][name]), *count);
    }
}

#[test]
fn read_write_on_the_committed_sample() {
    let home = temp_home();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-16KiB.log");
    let doc = trace(home.path(), &[], &sample);
    assert_eq!(doc["method"], "read-write");
    assert_eq!(doc["verified"], true);
    check_adds_up(&doc, "read-write");
    let calls: Vec<&str> = steps(&doc)
        .iter()
        .filter_map(|s| s["call"].as_str())
        .collect();
    assert_eq!(calls.len(), 9, "4 reads, 4 writes, 1 EOF read");
    assert!(
        calls[0].starts_with("read(") && calls[0].ends_with(", 4096) = 4096"),
        "{}",
        calls[0]
    );
    assert!(calls[8].ends_with("= 0"));
    assert_eq!(u(&doc["totals"]["cpu_copies"]), 8);
    assert_eq!(
        u(&doc["totals"]["dma_copies"]),
        4,
        "one NIC hop per write; the file is cached"
    );
    assert_eq!(u(&doc["totals"]["user_copy_bytes"]), 2 * 16384);
}

#[test]
fn sendfile_is_one_step() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 100_000);
    let doc = trace(home.path(), &["--method", "sendfile"], &path);
    check_adds_up(&doc, "sendfile");
    let s = &steps(&doc)[0];
    assert_eq!(
        s["call"],
        "sendfile(5, 3, [0] => [100000], 100000) = 100000"
            .replace("(5, 3", &format!("({}, {}", fd_of(s, 0), fd_of(s, 1)))
    );
    assert_eq!(u(&doc["totals"]["cpu_copies"]), 0);
    assert_eq!(u(&doc["totals"]["user_copy_bytes"]), 0);
}

fn fd_of(step: &Value, i: usize) -> String {
    let call = step["call"].as_str().expect("call");
    call["sendfile(".len()..]
        .split(", ")
        .nth(i)
        .expect("fd")
        .to_string()
}

#[test]
fn edges_empty_small_and_odd_sizes() {
    let home = temp_home();
    for (size, buf, want_calls) in [
        (0usize, "4096", 1u64),
        (1, "4096", 3),
        (100, "4096", 3),
        (4097, "4096", 5),
        (8192, "4096", 5),
    ] {
        let path = file_of(home.path(), &format!("f{size}"), size);
        let doc = trace(home.path(), &["--buf", buf], &path);
        check_adds_up(&doc, "read-write");
        assert_eq!(u(&doc["calls"]), want_calls, "size {size}");
        assert_eq!(doc["verified"], true);
    }
    let empty = file_of(home.path(), "empty", 0);
    let doc = trace(home.path(), &["--method", "sendfile"], &empty);
    assert_eq!(u(&doc["calls"]), 0, "nothing to send, no call");
    assert_eq!(doc["verified"], true);
}

#[test]
fn chunks_stop_the_walk() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 64 * 1024);
    let doc = trace(home.path(), &["--chunks", "3"], &path);
    check_adds_up(&doc, "read-write");
    assert_eq!(u(&doc["calls"]), 6);
    assert_eq!(doc["stopped_early"], true);
    assert_eq!(
        u(&doc["summary"]["methods"][0]["consumer"]["received_bytes"]),
        3 * 4096
    );
    let text = zclab(home.path())
        .args(["trace", "--chunks", "3"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("Stopped after the chunks asked for"));
}

/// `--chunks 2` on the 1 MiB sample: 2 reads and 2 writes, 8 mode switches
/// over the 2 chunks sent, so 4 per chunk; a stopped run has no throughput.
#[test]
fn two_chunks_are_four_switches_each_and_no_throughput() {
    let home = temp_home();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-1MiB.log");
    let doc = trace(home.path(), &["--chunks", "2"], &sample);
    let m = &doc["summary"]["methods"][0];
    assert_eq!(u(&m["mode_switches"]), 8);
    assert!(m["throughput_mib_s"].is_null(), "{m}");
    assert_eq!(m["throughput_missing"], "stopped_early");
    for (lang, per, none, ending) in [
        (
            "en",
            "≈ 4.00 per chunk",
            "none: the run was stopped",
            "That is 4.00 mode switches per chunk: 8 over the 2 chunk(s) read.",
        ),
        (
            "zh",
            "约每块 4.00 次",
            "无：运行在文件结束前",
            "也就是每块 4.00 次用户态/内核态切换",
        ),
    ] {
        let out = zclab(home.path())
            .args(["trace", "--chunks", "2", "--lang", lang])
            .arg(&sample)
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains(per), "{lang}: {text}");
        assert!(text.contains(none), "{lang}: {text}");
        assert!(text.contains(ending), "{lang}: {text}");
        assert!(!text.contains("MiB/s"), "{lang}: {text}");
    }
}

#[test]
fn big_file_caps_the_steps_shown_and_still_counts_everything() {
    let home = temp_home();
    let size = (1 << 20) + 13;
    let path = file_of(home.path(), "big", size);
    let doc = trace(home.path(), &["--buf", "512", "--max-steps", "10"], &path);
    assert_eq!(u(&doc["steps_shown"]), 10);
    let chunks = (size as u64).div_ceil(512);
    let t = &doc["totals"];
    assert_eq!(u(&t["syscalls"]["read"]), chunks + 1);
    assert_eq!(
        u(&t["syscalls"]["write"]),
        chunks + u(&doc["summary"]["methods"][0]["short_writes"])
    );
    assert_eq!(u(&t["mode_switches"]), 2 * u(&doc["calls"]));
    assert_eq!(
        u(&t["cpu_copies"]),
        2 * chunks + u(&doc["summary"]["methods"][0]["short_writes"])
    );
    assert_eq!(doc["verified"], true);
    let out = zclab(home.path())
        .args(["trace", "--buf", "512"])
        .arg(&path)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("only the first 100 are shown"), "{text}");
    assert!(text.contains("--max-steps"));
}

#[test]
fn renders_in_both_languages_without_waiting_when_piped() {
    let home = temp_home();
    let out = zclab(home.path())
        .args(["trace"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run");
    assert!(out.status.success());
    let en = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "step 1 (of about 9)",
        ", <buf>, 4096) = 4096",
        "#1 user → kernel, #2 kernel → user",
        "CPU copy #1: page cache → user buffer",
        "rchar +4,096",
        "»2 CPU«",
        "kernel space",
        "Optimization",
    ] {
        assert!(en.contains(needle), "missing {needle:?}:\n{en}");
    }
    assert!(!en.contains('\x1b'));
    assert!(
        !en.contains("Enter/space"),
        "no key hints without a terminal"
    );
    let out = zclab(home.path())
        .args(["trace", "--lang", "zh", "--method", "sendfile"])
        .output()
        .expect("run");
    let zh = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "第 1 步",
        "用户态 → 内核态",
        "DMA 拷贝 #1：页缓存 → 网卡",
        "［模型］",
        "内核态",
        "数据拷贝次数",
    ] {
        assert!(zh.contains(needle), "missing {needle:?}:\n{zh}");
    }
}

#[test]
fn bad_input() {
    let home = temp_home();
    let out = zclab(home.path())
        .args(["trace", "missing.log"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.log"));
    let path = file_of(home.path(), "f", 10);
    for args in [
        &["--auto", "soon"][..],
        &["--chunks", "0"],
        &["--max-steps", "0"],
        &["--buf", "0"],
    ] {
        let out = zclab(home.path())
            .arg("trace")
            .args(args)
            .arg(&path)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = zclab(home.path())
        .args(["trace"])
        .arg(home.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
}

/// On a terminal: Enter steps, `q` quits, and the terminal settings are
/// back as they were.
#[test]
fn on_a_terminal_enter_steps_and_q_quits() {
    let home = temp_home();
    let (status, out, restored) =
        common::on_a_pty(home.path(), &["trace", "--color", "never"], &["\r", "q"]);
    assert!(status.success(), "{status:?}\n{out}");
    assert!(
        out.contains("Enter/space: next step · a: autoplay · q: quit"),
        "{out}"
    );
    assert!(out.contains("step 2 (of about 9)"), "{out}");
    assert!(
        !out.contains("step 3 (of about 9)"),
        "went on without a key:\n{out}"
    );
    assert!(out.contains("Stopped by you after 2 calls"), "{out}");
    // One read and one write: one chunk, 4 mode switches; no throughput.
    assert!(
        out.contains("That is 4.00 mode switches per chunk"),
        "{out}"
    );
    assert!(!out.contains("MiB/s"), "{out}");
    assert!(restored, "terminal not restored after q");
}

/// `a` switches to autoplay, which runs to the end by itself; Ctrl-C in
/// another run quits as cleanly as `q`.
#[test]
fn on_a_terminal_autoplay_runs_to_the_end_and_ctrl_c_restores() {
    let home = temp_home();
    let (status, out, restored) = common::on_a_pty(
        home.path(),
        &[
            "trace", "--color", "never", "--lang", "zh", "--auto", "30ms",
        ],
        &[],
    );
    assert!(status.success(), "{status:?}\n{out}");
    assert!(out.contains("第 9 步"), "{out}");
    assert!(out.contains("自动播放中"), "{out}");
    assert!(restored);

    let (status, out, restored) =
        common::on_a_pty(home.path(), &["trace", "--color", "never"], &["\x03"]);
    // Ctrl-C quits like q but exits 130 (README's exit codes), not 0.
    assert_eq!(status.code(), Some(130), "{status:?}\n{out}");
    assert!(out.contains("Stopped by you after 1 calls"), "{out}");
    assert!(restored, "terminal not restored after Ctrl-C");
}
