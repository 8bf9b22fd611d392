//! The other roads to zero copy (mmap, splice, msg-zerocopy, io-uring) on
//! real files over a real loopback socket: what the kernel must have done,
//! by zclab's own counts, by /proc, by the kernel's completion codes, and by
//! strace.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{file_of, json_of, method, strace, temp_home, u, zclab};
use serde_json::Value;

const ROADS: [&str; 4] = ["mmap", "splice", "msg-zerocopy", "io-uring"];

fn compare_roads(home: &Path, path: &Path, buf: u64, extra: &[&str]) -> Value {
    let mut cmd = zclab(home);
    cmd.args(["compare", "--runs", "1", "--json", "--buf"])
        .arg(buf.to_string());
    for m in ROADS {
        cmd.args(["--method", m]);
    }
    cmd.args(extra).arg(path);
    json_of(&mut cmd)
}

/// Sizes around the page and buffer edges, both buffers: every road
/// delivers the file, and its own counts, its evidence and /proc are what
/// the kernel must show.
#[test]
fn every_road_delivers_every_size_with_exact_counts() {
    let home = temp_home();
    for size in [0usize, 1, 4095, 4096, 4097, (1 << 20) + 13] {
        let path = file_of(home.path(), &format!("f{size}"), size);
        let size = size as u64;
        for buf in [512u64, 4096] {
            let doc = compare_roads(home.path(), &path, buf, &[]);
            let ctx = format!("size {size}, buf {buf}");
            assert_eq!(doc["verified"], true, "{ctx}");
            let names: Vec<&str> = doc["methods"]
                .as_array()
                .expect("methods")
                .iter()
                .filter_map(|m| m["method"].as_str())
                .collect();
            assert_eq!(names, ROADS, "{ctx}");
            let chunks = size.div_ceil(buf);
            for name in ROADS {
                let m = method(&doc, name);
                let ctx = format!("{name}, {ctx}");
                assert_eq!(m["verified"], true, "{ctx}");
                assert_eq!(u(&m["consumer"]["received_bytes"]), size, "{ctx}");
                assert_eq!(u(&m["interrupted_calls"]), 0, "{ctx}");
                let calls = |n: &str| u(&m["syscalls"][n]);
                let proc = |n: &str| u(&m["procfs"][n]);
                let short = u(&m["short_writes"]);
                let total: u64 = m["syscalls"]
                    .as_object()
                    .expect("syscalls")
                    .values()
                    .map(u)
                    .sum();
                assert_eq!(u(&m["mode_switches"]), 2 * total, "{ctx}");
                match name {
                    "mmap" => {
                        // One mapping of the whole file (none for an empty
                        // file), one write per chunk straight from it.
                        let mapped = u64::from(size > 0);
                        assert_eq!(calls("mmap"), mapped, "{ctx}");
                        assert_eq!(calls("munmap"), mapped, "{ctx}");
                        assert_eq!(calls("write"), chunks + short, "{ctx}");
                        assert_eq!(u(&m["user_copy_bytes"]), size, "{ctx}: out only");
                        // KERNEL-FACTS: /proc sees the writes, no reads.
                        assert_eq!(proc("rchar"), 0, "{ctx}");
                        assert_eq!(proc("syscr"), 0, "{ctx}");
                        assert_eq!(proc("syscw"), calls("write"), "{ctx}");
                        assert_eq!(proc("wchar"), size, "{ctx}");
                        // A fresh mapping faults on first touch.
                        if size > 0 {
                            assert!(u(&m["minflt"]) > 0, "{ctx}");
                        }
                        assert_eq!(m["minflt"], m["procfs"]["minflt"], "{ctx}");
                    }
                    "splice" => {
                        // Two per chunk plus the one that finds the end.
                        assert_eq!(calls("pipe2"), 1, "{ctx}");
                        assert_eq!(calls("fcntl"), 1, "{ctx}");
                        assert_eq!(calls("splice"), 2 * chunks + 1 + short, "{ctx}");
                        // buf + a page, rounded up to a power of two pages.
                        assert_eq!(u(&m["pipe_bytes"]), 8192, "{ctx}");
                        assert_eq!(u(&m["user_copy_bytes"]), 0, "{ctx}");
                        // KERNEL-FACTS: /proc's I/O accounting never sees splice.
                        for f in ["rchar", "wchar", "syscr", "syscw"] {
                            assert_eq!(proc(f), 0, "{ctx}: {f}");
                        }
                    }
                    _ => {
                        let z = &m["zerocopy"];
                        let sent = u(&z["sent"]);
                        assert_eq!(calls("read"), chunks + 1, "{ctx}: reads + EOF");
                        assert_eq!(sent, chunks + short, "{ctx}");
                        // The completions cover every send, and over
                        // loopback every one says the kernel copied.
                        assert_eq!(u(&z["covered"]), sent, "{ctx}");
                        assert_eq!(u(&z["copied"]), sent, "{ctx}");
                        assert_eq!(u(&m["user_copy_bytes"]), size, "{ctx}: read only");
                        assert_eq!(proc("syscr"), calls("read"), "{ctx}");
                        assert_eq!(proc("rchar"), size, "{ctx}");
                        // Neither sendmsg nor io_uring is write(2).
                        assert_eq!(proc("syscw"), 0, "{ctx}");
                        assert_eq!(proc("wchar"), 0, "{ctx}");
                        if name == "msg-zerocopy" {
                            assert_eq!(z["code"], "SO_EE_CODE_ZEROCOPY_COPIED");
                            assert_eq!(calls("setsockopt"), 1, "{ctx}");
                            let retries = u(&z["enobufs_retries"]);
                            assert_eq!(calls("sendmsg"), sent + retries, "{ctx}");
                            let completions = u(&z["completions"]);
                            assert!(completions <= sent, "{ctx}");
                            assert_eq!(completions > 0, sent > 0, "{ctx}");
                            // Each wait: one poll, then recvmsg until EAGAIN.
                            assert_eq!(calls("recvmsg"), completions + calls("poll"), "{ctx}");
                        } else {
                            assert_eq!(z["code"], "IORING_NOTIF_USAGE_ZC_COPIED");
                            assert_eq!(calls("io_uring_setup"), 1, "{ctx}");
                            // One notification per send.
                            assert_eq!(u(&z["completions"]), sent, "{ctx}");
                            assert!(calls("io_uring_enter") >= sent, "{ctx}");
                        }
                    }
                }
            }
        }
    }
}

/// Past 2 GiB: offsets beyond 32 bits in the mapping, and a splice loop of
/// thousands of chunks. A sparse file keeps the test off the disk; one
/// buffer (1 MiB) keeps it short.
#[test]
fn mmap_and_splice_send_a_file_over_two_gib() {
    let home = temp_home();
    let path = home.path().join("big.sparse");
    let size: u64 = (2u64 << 30) + 4097;
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(size).expect("set_len");
    drop(f);
    let buf: u64 = 1 << 20;
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json", "--buf", "1MiB"])
            .args(["--method", "mmap", "--method", "splice"])
            .arg(&path),
    );
    let chunks = size.div_ceil(buf);
    let mm = method(&doc, "mmap");
    assert_eq!(mm["verified"], true);
    assert_eq!(u(&mm["consumer"]["received_bytes"]), size);
    assert_eq!(
        u(&mm["syscalls"]["mmap"]),
        1,
        "one mapping of the whole file"
    );
    assert_eq!(u(&mm["syscalls"]["write"]), chunks + u(&mm["short_writes"]));
    assert_eq!(u(&mm["procfs"]["wchar"]), size);
    let sp = method(&doc, "splice");
    assert_eq!(sp["verified"], true);
    assert_eq!(u(&sp["consumer"]["received_bytes"]), size);
    // A pipe grown to hold a 1 MiB chunk at any offset: 1 MiB + a page,
    // rounded up to 2 MiB (root may exceed pipe-max-size; others get a
    // smaller pipe and smaller chunks).
    let pipe = u(&sp["pipe_bytes"]);
    let chunk = buf.min(pipe - 4096);
    assert_eq!(
        u(&sp["syscalls"]["splice"]),
        2 * size.div_ceil(chunk) + 1 + u(&sp["short_writes"])
    );
}

/// The classic mmap pitfall: the file is truncated while mapped. zclab
/// must end with exit 1 and one line naming the cause, never a signal (a
/// core dump).
#[test]
fn truncating_the_file_during_an_mmap_run_is_exit_1_with_one_line() {
    let home = temp_home();
    let path = file_of(home.path(), "shrinks.bin", 1 << 20);
    let marker = home.path().join("paused");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_zclab"))
        .env_clear()
        .envs(common::clean_env(home.path()))
        .env("ZCLAB_FAULT_MMAP_PAUSE", &marker)
        .args([
            "compare", "--method", "mmap", "--runs", "1", "--buf", "4096",
        ])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn zclab");
    // The method has written its first chunk and waits for the marker to go.
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "zclab never paused"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open for truncation")
        .set_len(8192)
        .expect("truncate");
    std::fs::remove_file(&marker).expect("release zclab");
    let out = child.wait_with_output().expect("wait for zclab");
    let stderr = String::from_utf8_lossy(&out.stderr);
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("zclab: "), "{stderr}");
    assert!(lines[0].contains("truncated during the run"), "{stderr}");
    assert!(
        lines[0].contains("1048576 bytes when mapped, 8192 now"),
        "{stderr}"
    );
    assert!(lines[0].contains("EFAULT"), "{stderr}");
    assert!(out.stdout.is_empty(), "no table for a failed run");
}

/// strace watching the sending thread sees exactly the calls each road
/// counted itself. (The thread's runtime also maps memory, a stack guard
/// and a malloc arena: the file's mapping is told apart by its length.)
#[test]
fn every_road_counts_what_strace_sees_on_the_sending_thread() {
    let home = temp_home();
    let size = (1usize << 20) + 13;
    let f = file_of(home.path(), "one-mib.bin", size);
    let bin = assert_cmd::cargo::cargo_bin("zclab");
    let (bin, file) = (bin.to_string_lossy(), f.to_string_lossy());
    for name in ROADS {
        let args = [
            &*bin, "compare", &*file, "--method", name, "--runs", "1", "--json", "--buf", "4096",
        ];
        let (per_tid, stdout) = strace::per_thread(
            home.path(),
            &args,
            "read,write,mmap,munmap,pipe2,splice,setsockopt,sendmsg,recvmsg,poll,io_uring_setup,io_uring_enter",
        );
        let doc: Value = serde_json::from_str(&stdout).expect("compare JSON");
        let m = method(&doc, name);
        assert_eq!(m["verified"], true, "{name}");
        let lines = &per_tid[&u(&m["sender_tid"])];
        let count = |call: &str| strace::count(lines, call);
        let names: Vec<&str> = match name {
            "mmap" => vec!["write"],
            "splice" => vec!["pipe2", "splice"],
            "msg-zerocopy" => vec!["setsockopt", "read", "sendmsg", "poll", "recvmsg"],
            _ => vec!["io_uring_setup", "read", "io_uring_enter"],
        };
        for call in names {
            assert_eq!(
                count(call),
                u(&m["syscalls"][call]),
                "{name}: {call} on the sending thread, strace -f vs zclab's own count"
            );
        }
        if name == "mmap" {
            let of_file = |call: &str, needle: &str| {
                lines
                    .iter()
                    .filter(|l| l.starts_with(&format!("{call}(")) && l.contains(needle))
                    .count() as u64
            };
            assert_eq!(
                of_file("mmap", &format!("NULL, {size}, PROT_READ, MAP_SHARED")),
                u(&m["syscalls"]["mmap"])
            );
            // (`<unfinished ...>` may follow the arguments under -f.)
            assert_eq!(of_file("munmap", &format!(", {size}")), 1);
        }
        // The data never shows as write(2) for the zero-copy sends.
        if matches!(name, "splice" | "msg-zerocopy" | "io-uring") {
            assert_eq!(count("write"), 0, "{name}");
        }
    }
}

/// `compare --verify`: the tracer confirms each road's data-moving calls.
#[test]
fn compare_verify_confirms_the_roads() {
    let home = temp_home();
    let f = file_of(home.path(), "f", 100_000);
    let mut cmd = zclab(home.path());
    cmd.args(["compare", "--runs", "1", "--verify", "--json"]);
    for m in ROADS {
        cmd.args(["--method", m]);
    }
    let doc = json_of(cmd.arg(&f));
    let v = &doc["verify"];
    assert_eq!(v["agrees"], true, "{v}");
    let by_name: BTreeMap<&str, &Value> = v["methods"]
        .as_array()
        .expect("verify.methods")
        .iter()
        .map(|m| (m["method"].as_str().unwrap_or(""), m))
        .collect();
    let calls = |m: &str| -> Vec<String> {
        by_name[m]["calls"]
            .as_object()
            .expect("calls")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(calls("mmap"), ["write"]);
    assert_eq!(calls("splice"), ["splice"]);
    assert_eq!(calls("msg-zerocopy"), ["read", "recvmsg", "sendmsg"]);
    assert_eq!(calls("io-uring"), ["io_uring_enter", "read"]);
    // 100,000 bytes in 4 KiB chunks: 25 chunks.
    assert_eq!(u(&by_name["splice"]["calls"]["splice"]["traced"]), 51);
    assert_eq!(
        u(&by_name["mmap"]["calls"]["write"]["traced_bytes"]),
        100_000
    );
    assert_eq!(
        u(&by_name["msg-zerocopy"]["calls"]["sendmsg"]["traced"]),
        25
    );
    assert_eq!(u(&by_name["splice"]["traced_user_copy_bytes"]), 0);
}

/// `--method all` runs the six methods in table order; the default stays
/// the article's two; the table shows every road's evidence in both
/// languages and keeps to its width.
#[test]
fn method_all_prints_six_methods_in_both_languages() {
    let home = temp_home();
    let f = file_of(home.path(), "f", 64 * 1024);
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json", "--method", "all"])
            .arg(&f),
    );
    let names: Vec<&str> = doc["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "read-write",
            "sendfile",
            "mmap",
            "splice",
            "msg-zerocopy",
            "io-uring"
        ]
    );
    let two = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json"])
            .arg(&f),
    );
    assert_eq!(two["methods"].as_array().map(Vec::len), Some(2));

    for (lang, wants) in [
        (
            "en",
            [
                "mmap() + write()",
                "the kernel says it copied 16 of 16 sends",
                "does not count splice at all",
                "minor page faults",
            ],
        ),
        (
            "zh",
            [
                "RocketMQ",
                "内核报告 16 次发送中拷贝了 16 次",
                "根本不计 splice",
                "次缺页",
            ],
        ),
    ] {
        let out = zclab(home.path())
            .args(["compare", "--runs", "1", "--method", "all", "--lang", lang])
            .arg(&f)
            .output()
            .expect("run zclab");
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Wrapped prose, joined again (Chinese breaks between characters).
        let flat = text
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(if lang == "en" { " " } else { "" });
        for want in wants {
            assert!(flat.contains(want), "{lang}: no {want:?} in\n{text}");
        }
        assert!(!text.contains('\x1b'), "no colour when piped");
        // The tables (grouped, three methods a table) and the evidence
        // section keep to 110 columns off a terminal.
        let evidence = text
            .split_once(if lang == "en" {
                "What the kernel itself reports"
            } else {
                "其他几条路上"
            })
            .and_then(|(_, rest)| rest.split_once("\n\n"))
            .map(|(section, _)| section)
            .expect("evidence section");
        let tables = text
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '├', '╞', '└']));
        assert!(text.matches('┌').count() >= 2, "grouped tables:\n{text}");
        for line in tables.chain(evidence.lines()) {
            let w = unicode_width::UnicodeWidthStr::width(line);
            assert!(w <= 110, "{lang}: {w} columns: {line}");
        }
    }
}

/// `trace --method M`: the new calls, as strace writes them, step by step.
#[test]
fn trace_shows_the_new_calls_strace_style() {
    let home = temp_home();
    let f = file_of(home.path(), "f", 10_000);
    for (name, wants) in [
        (
            "mmap",
            &[
                "mmap(NULL, 10000, PROT_READ, MAP_SHARED, ",
                "write(",
                "<map>+4096, 4096) = 4096",
                "munmap(<map>, 10000) = 0",
            ][..],
        ),
        (
            "splice",
            &[
                "fcntl(",
                "F_SETPIPE_SZ, 8192) = 8192",
                "[0] => [4096]",
                "SPLICE_F_MOVE|SPLICE_F_MORE) = 4096",
                "[8192] => [10000]",
            ][..],
        ),
        (
            "msg-zerocopy",
            &[
                "SO_ZEROCOPY, [1], 4) = 0",
                "MSG_ZEROCOPY) = 4096",
                "MSG_ERRQUEUE|MSG_DONTWAIT) = 1",
            ][..],
        ),
        (
            "io-uring",
            &[
                "io_uring_setup(64, <params>)",
                "/* SEND_ZC 4096 bytes */ = 1",
            ][..],
        ),
    ] {
        let out = zclab(home.path())
            .args(["trace", "--method", name])
            .arg(&f)
            .output()
            .expect("run zclab");
        assert!(out.status.success(), "{name}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        for want in wants {
            assert!(text.contains(want), "{name}: no {want:?} in\n{text}");
        }
    }
    let bad = zclab(home.path())
        .args(["trace", "--method", "all"])
        .arg(&f)
        .output()
        .expect("run zclab");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("one method at a time"), "{stderr}");
}

/// Where io_uring is not allowed (here: a seccomp filter that refuses
/// io_uring_setup with EPERM, as container runtimes do), the io-uring
/// method is skipped with one line and the rest of the run goes on.
#[test]
fn io_uring_refused_is_skipped_with_one_line() {
    let home = temp_home();
    let f = file_of(home.path(), "f", 10_000);
    let run = |methods: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zclab"));
        cmd.env_clear()
            .envs(common::clean_env(home.path()))
            .args(["compare", "--runs", "1", "--json"]);
        for m in methods {
            cmd.args(["--method", m]);
        }
        cmd.arg(&f);
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe prctl calls between fork and exec.
        unsafe {
            cmd.pre_exec(deny_io_uring_setup);
        }
        cmd.output().expect("run zclab")
    };
    let out = run(&["sendfile", "io-uring"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("skipping io-uring"), "{stderr}");
    assert!(lines[0].contains("EPERM"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["methods"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["methods"][0]["method"], "sendfile");
    assert_eq!(doc["verified"], true);

    let alone = run(&["io-uring"]);
    assert_eq!(alone.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&alone.stderr);
    assert!(stderr.contains("skipping io-uring"), "{stderr}");
    assert!(stderr.contains("no method left to run"), "{stderr}");
}

/// A seccomp filter: io_uring_setup fails with EPERM, everything else runs.
fn deny_io_uring_setup() -> std::io::Result<()> {
    use nix::libc;
    const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
    let filter = [
        // Load the architecture; anything but x86_64 is left alone.
        libc::sock_filter {
            code: 0x20,
            jt: 0,
            jf: 0,
            k: 4,
        },
        libc::sock_filter {
            code: 0x15,
            jt: 0,
            jf: 3,
            k: AUDIT_ARCH_X86_64,
        },
        // Load the syscall number.
        libc::sock_filter {
            code: 0x20,
            jt: 0,
            jf: 0,
            k: 0,
        },
        libc::sock_filter {
            code: 0x15,
            jt: 0,
            jf: 1,
            k: libc::SYS_io_uring_setup as u32,
        },
        libc::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x0005_0000 | libc::EPERM as u32,
        },
        libc::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x7fff_0000,
        },
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: prctl with a valid, live filter program.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
