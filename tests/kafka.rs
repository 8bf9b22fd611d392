//! zclab's Kafka broker with real clients: kcat (librdkafka) and
//! kafka-python produce to and consume from `zclab kafka serve`; each fetch
//! is checked against the broker's own count and the kernel's /proc
//! counters of the serving thread. Every client call runs under
//! `timeout`, and the broker is always killed.

mod common;
#[path = "kafka/helpers.rs"]
mod helpers;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use helpers::*;

#[test]
fn kcat_produces_and_consumes_10000_keyed_records_in_order() {
    if !have("kcat") {
        eprintln!("skipped: kcat is not installed (.ci/run installs it)");
        return;
    }
    let home = common::temp_home();
    let logs = home.path().join("logs");
    let b = Broker::start(home.path(), &logs, "sendfile");
    let text = records_text(10_000);
    kcat_produce(&b.addr(), "demo", &text);
    assert_eq!(kcat_consume(&b.addr(), "demo"), text);
    // The log is laid out as Kafka's, and it holds genuine batches.
    let seg = logs.join("demo-0").join("00000000000000000000.log");
    let dump = common::json_of(
        common::zclab(home.path())
            .args(["sample", "--json", "--dump"])
            .arg(&seg),
    );
    assert_eq!(dump["records_total"], 10_000);
    assert_eq!(dump["crc_failures"], 0);
    // Every fetch that carried records: header by write(), records by
    // sendfile(), none through user space; /proc agrees.
    let fetches = b.wait_fetches(1);
    let with_data: Vec<&Value> = fetches
        .iter()
        .filter(|f| f["record_bytes"].as_u64() > Some(0))
        .collect();
    assert!(!with_data.is_empty());
    for f in with_data {
        assert!(f["sendfile_calls"].as_u64() >= Some(1), "{f}");
        assert_eq!(f["user_space_record_bytes"], 0, "{f}");
        assert_eq!(f["read_calls"], 0, "{f}");
        let calls =
            f["header_writes"].as_u64().unwrap_or(0) + f["sendfile_calls"].as_u64().unwrap_or(0);
        // sendfile counts as one read-like and one write-like call.
        assert_eq!(f["proc_syscw"].as_u64(), Some(calls), "{f}");
        assert_eq!(f["proc_syscr"], f["sendfile_calls"], "{f}");
        let bytes =
            f["header_bytes"].as_u64().unwrap_or(0) + f["record_bytes"].as_u64().unwrap_or(0);
        assert_eq!(f["proc_wchar"].as_u64(), Some(bytes), "{f}");
    }
}

#[test]
fn kafka_python_round_trip_and_across_clients() {
    if !have("kcat") || !have_kafka_python() {
        eprintln!("skipped: kcat or kafka-python is missing (.ci/run installs both)");
        return;
    }
    let home = common::temp_home();
    let b = Broker::start(home.path(), &home.path().join("logs"), "read-write");
    let text = records_text(10_000);
    py(PY_PRODUCE, &[&b.addr(), "py"], Some(&text));
    assert_eq!(py(PY_CONSUME, &[&b.addr(), "py", "10000"], None), text);
    // kcat produces, kafka-python consumes; and the other way round.
    kcat_produce(&b.addr(), "mixed", &text);
    assert_eq!(py(PY_CONSUME, &[&b.addr(), "mixed", "10000"], None), text);
    assert_eq!(kcat_consume(&b.addr(), "py"), text);
    // read-write mode: every record byte went through user space, in by
    // read() and out by write(); /proc's rchar agrees with the reads.
    let fetches = b.wait_fetches(1);
    let with_data: Vec<&Value> = fetches
        .iter()
        .filter(|f| f["record_bytes"].as_u64() > Some(0))
        .collect();
    assert!(!with_data.is_empty());
    for f in with_data {
        assert_eq!(f["sendfile_calls"], 0, "{f}");
        assert_eq!(f["bytes_into_user"], f["record_bytes"], "{f}");
        assert_eq!(f["bytes_out_of_user"], f["record_bytes"], "{f}");
        assert_eq!(f["proc_rchar"], f["record_bytes"], "{f}");
        assert!(f["read_calls"].as_u64() >= Some(1), "{f}");
    }
}

#[test]
fn a_generated_segment_is_served_whole_and_kafka_python_validates_every_batch() {
    let home = common::temp_home();
    let (logs, seg, dump) = generated_topic(home.path());
    let records = dump["records_total"].as_u64().expect("records");
    assert_eq!(dump["crc_failures"], 0);
    assert_eq!(dump["batches"].as_array().map(|a| a.len()), Some(192));
    if have_kafka_python() {
        let script = r#"
import sys
from kafka.record.memory_records import MemoryRecords
data = open(sys.argv[1], "rb").read()
mr = MemoryRecords(data)
batches = records = 0
last = -1
while True:
    b = mr.next_batch()
    if b is None:
        break
    assert b.validate_crc(), "CRC of batch %d" % batches
    assert b.magic == 2
    for r in b:
        assert r.offset == last + 1
        last = r.offset
        records += 1
    batches += 1
print(batches, records)
"#;
        let out = py(script, &[seg.to_str().expect("utf8 path")], None);
        assert_eq!(out.trim(), format!("192 {records}"));
    }
    if have("kcat") {
        let b = Broker::start(home.path(), &logs, "sendfile");
        let consumed = kcat_consume(&b.addr(), "seg");
        assert_eq!(consumed.lines().count() as u64, records);
        let fetched: u64 = b
            .wait_fetches(3 << 20)
            .iter()
            .map(|f| f["record_bytes"].as_u64().unwrap_or(0))
            .sum();
        assert!(fetched >= 3 << 20, "{fetched}");
    }
}

/// An ApiVersions v0 request; returns the response's error code.
fn api_versions(addr: &str, version: i16) -> i16 {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut req = Vec::new();
    req.extend_from_slice(&18i16.to_be_bytes());
    req.extend_from_slice(&version.to_be_bytes());
    req.extend_from_slice(&7i32.to_be_bytes());
    req.extend_from_slice(&4i16.to_be_bytes());
    req.extend_from_slice(b"test");
    let mut frame = (req.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&req);
    s.write_all(&frame).expect("send");
    let mut len = [0u8; 4];
    s.read_exact(&mut len).expect("answer");
    let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).expect("body");
    assert_eq!(&body[..4], &7i32.to_be_bytes(), "correlation id");
    i16::from_be_bytes([body[4], body[5]])
}

/// Sends `bytes` and says whether the broker closed the connection.
fn closed_after(addr: &str, bytes: &[u8]) -> bool {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = s.write_all(bytes);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut buf = [0u8; 64];
    matches!(s.read(&mut buf), Ok(0) | Err(_))
}

#[test]
fn bad_frames_are_refused_and_the_broker_keeps_serving() {
    let home = common::temp_home();
    let b = Broker::start(home.path(), &home.path().join("logs"), "sendfile");
    let addr = b.addr();
    // A newer ApiVersions gets the documented fallback: error 35.
    assert_eq!(api_versions(&addr, 3), 35);
    assert_eq!(api_versions(&addr, 0), 0);
    // Oversized length, unknown API key, truncated frame, garbage.
    let mut huge = (200i32 << 20).to_be_bytes().to_vec();
    huge.extend_from_slice(&[0; 16]);
    let unknown = [0, 0, 0, 8, 0x7f, 0x7f, 0, 0, 0, 0, 0, 1];
    let truncated = [0, 0, 0, 100, 0, 3, 0, 1];
    let garbage = [0, 0, 0, 12, 0, 3, 0, 1, 0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff];
    let negative = (-5i32).to_be_bytes();
    for bad in [&huge[..], &unknown, &truncated, &garbage, &negative] {
        assert!(closed_after(&addr, bad), "{bad:?}");
        // Another client is served all along.
        assert_eq!(api_versions(&addr, 2), 0);
    }
    let start = Instant::now();
    while b.err().iter().filter(|l| l.starts_with("refused")).count() < 4 {
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", b.err());
        std::thread::sleep(Duration::from_millis(20));
    }
    let err = b.err().join("\n");
    assert!(err.contains("frame of 209715200 bytes refused"), "{err}");
    assert!(err.contains("unknown API key 32639"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The broker's stderr, once a line starts with `start` (10 s at most).
fn stderr_once(b: &Broker, start: &str) -> String {
    let since = Instant::now();
    while !b.err().iter().any(|l| l.starts_with(start)) {
        assert!(since.elapsed() < Duration::from_secs(10), "{:?}", b.err());
        std::thread::sleep(Duration::from_millis(20));
    }
    b.err().join("\n")
}

/// The broker's log lines come from the catalogue too: under a Chinese
/// locale the recovery of a torn segment and a refused frame are told in
/// Chinese, with the same numbers as in English.
#[test]
fn the_broker_warns_and_refuses_in_chinese() {
    let home = common::temp_home();
    let logs = home.path().join("logs");
    let seg = logs.join("torn-0").join("00000000000000000000.log");
    std::fs::create_dir_all(seg.parent().expect("parent")).expect("mkdir");
    // 20 bytes: less than one batch header, as after a crash mid-append.
    std::fs::write(&seg, [0u8; 20]).expect("write");
    let zh: [std::ffi::OsString; 2] = ["env".into(), "LANG=zh_CN.UTF-8".into()];
    let b = Broker::start_under(home.path(), &logs, "sendfile", &zh);
    let warned = stderr_once(&b, "警告：");
    assert!(
        warned.contains(&format!(
            "警告：{}：最后一个完整批次之后、从第 0 字节起的 20 字节已截掉（",
            seg.display()
        )),
        "{warned}"
    );
    assert!(warned.contains("Kafka 恢复日志时也是这样做的"), "{warned}");
    // Why the tail was cut is a typed reason, worded in Chinese too: 20
    // zero bytes carry magic 0 at byte 16.
    assert!(
        warned.contains("（magic 为 0，不是 2（旧的消息格式））"),
        "{warned}"
    );
    // Kafka's recovery cut the torn tail: the segment is empty now.
    assert_eq!(std::fs::metadata(&seg).expect("stat").len(), 0);
    let mut huge = (200i32 << 20).to_be_bytes().to_vec();
    huge.extend_from_slice(&[0; 16]);
    assert!(closed_after(&b.addr(), &huge));
    let err = stderr_once(&b, "拒绝 ");
    assert!(
        err.contains("：拒收 209715200 字节的帧（上限 ")
            && err.contains("相当于 Kafka 的 socket.request.max.bytes）；已关闭连接"),
        "{err}"
    );
    // A request that does not decode: the protocol detail in Chinese, with
    // the numbers of the frame.
    let unknown = [0, 0, 0, 8, 0x7f, 0x7f, 0, 0, 0, 0, 0, 1];
    assert!(closed_after(&b.addr(), &unknown));
    let since = Instant::now();
    let want = "请求无法处理：未知的 API key 32639（版本 0）";
    while !b.err().iter().any(|l| l.contains(want)) {
        assert!(since.elapsed() < Duration::from_secs(10), "{:?}", b.err());
        std::thread::sleep(Duration::from_millis(20));
    }
    let err = b.err().join("\n");
    assert!(!err.contains("unknown API key"), "{err}");
    assert!(
        !err.contains("refused") && !err.contains("warning"),
        "{err}"
    );
}

#[test]
fn the_demo_verifies_every_batch_both_ways() {
    let home = common::temp_home();
    let v = common::json_of(
        common::zclab(home.path()).args(["kafka", "--size", "4MiB", "--runs", "1", "--json"]),
    );
    assert_eq!(v["verified"], true);
    let cols = v["columns"].as_array().expect("columns");
    assert_eq!(cols.len(), 2);
    for c in cols {
        assert_eq!(c["record_bytes"], 4 << 20);
        // The serving thread's /proc counters, read once before and once
        // after the pass, agree with the broker's own count: its requests
        // arrive by recvfrom, which /proc/…/io does not count, so only the
        // fetches' calls show (sendfile counts as a read and a write).
        let n = |k: &str| common::u(&c[k]);
        match c["method"].as_str() {
            Some("sendfile") => {
                assert_eq!(c["user_space_bytes"], 0);
                assert_eq!(c["sendfile_calls"], c["fetches"]);
                assert_eq!(
                    n("proc_syscalls"),
                    n("header_writes") + 2 * n("sendfile_calls"),
                    "{c}"
                );
                assert_eq!(n("proc_rchar"), 4 << 20, "{c}");
                assert_eq!(n("proc_wchar"), n("header_bytes") + (4 << 20), "{c}");
            }
            Some("read-write") => {
                assert_eq!(c["user_space_bytes"], 8 << 20);
                assert_eq!(c["sendfile_calls"], 0);
                assert_eq!(
                    n("proc_syscalls"),
                    n("header_writes") + n("read_calls") + n("write_calls"),
                    "{c}"
                );
                assert_eq!(n("proc_rchar"), 4 << 20, "{c}");
                assert_eq!(n("proc_wchar"), n("header_bytes") + (4 << 20), "{c}");
            }
            m => panic!("unexpected method {m:?}"),
        }
    }
    // The demo's log folder is gone.
    let cache = home.path().join("cache").join("zclab");
    let left: Vec<_> = std::fs::read_dir(&cache)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.iter()
            .all(|n| !n.to_string_lossy().starts_with("kafka-demo")),
        "{left:?}"
    );
}

#[test]
fn ctrl_c_stops_the_broker_cleanly() {
    let home = common::temp_home();
    let mut b = Broker::start(home.path(), &home.path().join("logs"), "sendfile");
    assert_eq!(api_versions(&b.addr(), 0), 0);
    let status = Command::new("kill")
        .args(["-INT", &b.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(s) = b.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        b.err()
            .iter()
            .any(|l| l.starts_with("broker stopped after")),
        "{:?}",
        b.err()
    );
    // Its log folder stays, as Kafka's does.
    assert!(home.path().join("logs").is_dir());
}

#[test]
fn dump_tells_a_segment_from_other_bytes() {
    let home = common::temp_home();
    let seg = home.path().join("00000000000000000000.log");
    common::zclab(home.path())
        .args(["sample", "--kafka", "--size", "40KiB", "-o"])
        .arg(&seg)
        .assert()
        .success();
    let out = common::zclab(home.path())
        .args(["sample", "--dump"])
        .arg(&seg)
        .output()
        .expect("dump");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("in 3 record batches (v2)"), "{text}");
    assert!(text.contains("valid in every batch"), "{text}");
    assert!(text.contains("offset=0 timestamp="), "{text}");
    // One flipped bit inside a batch: its CRC no longer matches; exit 1.
    let mut bytes = std::fs::read(&seg).expect("read");
    bytes[20_000] ^= 1;
    let bad = home.path().join("bad.log");
    std::fs::write(&bad, &bytes).expect("write");
    let out = common::zclab(home.path())
        .args(["sample", "--dump"])
        .arg(&bad)
        .output()
        .expect("dump");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("WRONG"));
    let out = common::zclab(home.path())
        .args(["sample", "--json", "--dump"])
        .arg(&bad)
        .output()
        .expect("dump");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["crc_failures"], 1);
    assert_eq!(doc["batches"][1]["crc_valid"], false);
    assert_eq!(doc["batches"][0]["crc_valid"], true);
    // Text lines are not a segment.
    let text_sample = home.path().join("lines.log");
    common::zclab(home.path())
        .args(["sample", "--size", "4KiB", "-o"])
        .arg(&text_sample)
        .assert()
        .success();
    let out = common::zclab(home.path())
        .args(["sample", "--dump"])
        .arg(&text_sample)
        .output()
        .expect("dump");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stopped at byte 0"));
    // Why it stopped is a typed reason: in the reader's language on
    // screen, its English words in JSON (a stable string).
    let out = common::zclab(home.path())
        .args(["--lang", "zh", "sample", "--dump"])
        .arg(&text_sample)
        .output()
        .expect("dump");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("读到第 0 字节停止：magic 为 ") && text.contains("不是 2（旧的消息格式）"),
        "{text}"
    );
    assert!(!text.contains("old message format"), "{text}");
    let out = common::zclab(home.path())
        .args(["--lang", "zh", "sample", "--json", "--dump"])
        .arg(&text_sample)
        .output()
        .expect("dump");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["stopped_at"], 0);
    let why = doc["stopped_why"].as_str().expect("a reason");
    assert!(
        why.starts_with("magic ") && why.ends_with(", not 2 (an old message format)"),
        "{why}"
    );
    // A missing file is bad input.
    common::zclab(home.path())
        .args(["sample", "--dump", "nope.log"])
        .assert()
        .code(2);
}

/// The zclab process strace started (strace's only child).
fn traced_child(strace: u32) -> i32 {
    let start = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{strace}/task/{strace}/children"))
            .unwrap_or_default();
        if let Some(pid) = children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
        {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "strace started nothing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The fetch lines' figures summed per serving thread: (sendfile calls,
/// read calls, record bytes, bytes into user space, header + record
/// writes, header + record bytes).
fn per_serving_thread(fetches: &[Value]) -> std::collections::BTreeMap<u64, [u64; 6]> {
    let mut per = std::collections::BTreeMap::new();
    for f in fetches {
        let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} in {f}"));
        let s: &mut [u64; 6] = per.entry(n("tid")).or_default();
        s[0] += n("sendfile_calls");
        s[1] += n("read_calls");
        s[2] += n("record_bytes");
        s[3] += n("bytes_into_user");
        s[4] += n("header_writes") + n("write_calls");
        s[5] += n("header_bytes") + n("bytes_out_of_user");
    }
    per
}

/// strace, watching the real broker serve kcat, sees on each serving
/// thread exactly the calls the broker's fetch lines report: in sendfile
/// mode the records go by `sendfile` (its byte counts add up to the record
/// bytes) and not one `read`, so no record byte entered user space; in
/// read-write mode every record byte came in by `read` and no `sendfile`
/// was made.
#[test]
fn strace_on_the_broker_agrees_with_every_fetch_line() {
    if !have("kcat") || !have("strace") {
        eprintln!("skipped: kcat or strace is missing (.ci/run installs both)");
        return;
    }
    for method in ["sendfile", "read-write"] {
        let home = common::temp_home();
        let (logs, _seg, dump) = generated_topic(home.path());
        let prefix = home.path().join("trace");
        let wrapper: Vec<std::ffi::OsString> = vec![
            "strace".into(),
            "-ff".into(),
            "-s".into(),
            "0".into(),
            "-e".into(),
            "trace=read,write,sendfile".into(),
            "-o".into(),
            prefix.clone().into(),
        ];
        let mut b = Broker::start_under(home.path(), &logs, method, &wrapper);
        let consumed = kcat_consume(&b.addr(), "seg");
        let records = consumed.lines().count() as u64;
        assert_eq!(dump["records_total"], records, "{method}: every record");
        let fetched: u64 = b
            .wait_fetches(3 << 20)
            .iter()
            .map(|f| f["record_bytes"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(fetched, 3 << 20, "{method}");
        // Ctrl-C to the broker; strace ends with it and has written all.
        let zclab = traced_child(b.child.id());
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(zclab),
            nix::sys::signal::Signal::SIGINT,
        )
        .expect("SIGINT to the broker");
        let status = b.child.wait().expect("strace ends");
        assert!(status.success(), "{method}: {status:?} {:?}", b.err());
        let threads = common::strace::per_thread_files(&prefix);
        let fetches = b.fetches();
        let per = per_serving_thread(&fetches);
        assert!(!per.is_empty());
        for (tid, [sendfiles, reads, record_bytes, into_user, writes, written]) in per {
            let calls = threads
                .get(&tid)
                .unwrap_or_else(|| panic!("{method}: strace saw no thread {tid}"));
            let count = |c: &str| common::strace::count(calls, c);
            let bytes = |c: &str| common::strace::bytes(calls, c);
            let ctx = format!("{method}, serving thread {tid}");
            assert_eq!(count("sendfile"), sendfiles, "{ctx}: sendfile calls");
            assert_eq!(count("read"), reads, "{ctx}: read calls");
            // Other answers (ApiVersions, Metadata, ListOffsets) are
            // written on the same thread too.
            assert!(
                count("write") >= writes,
                "{ctx}: {} write calls, fetch lines {writes}",
                count("write")
            );
            assert!(
                bytes("write") >= written,
                "{ctx}: {} bytes written, fetch lines {written}; {:?}",
                bytes("write"),
                calls
                    .iter()
                    .filter(|l| l.starts_with("write("))
                    .take(8)
                    .collect::<Vec<_>>()
            );
            match method {
                "sendfile" => {
                    assert!(sendfiles >= 1, "{ctx}");
                    assert_eq!(bytes("sendfile"), record_bytes, "{ctx}: sendfile bytes");
                    assert_eq!((reads, into_user), (0, 0), "{ctx}: user space");
                }
                _ => {
                    assert_eq!(sendfiles, 0, "{ctx}");
                    assert_eq!(bytes("read"), record_bytes, "{ctx}: read bytes");
                    assert_eq!(into_user, record_bytes, "{ctx}: user space");
                }
            }
        }
    }
}

/// Bad input gets one line naming the flag and what to do, exit 2, in the
/// language asked for; nothing is left behind.
#[test]
fn bad_input_is_refused_in_one_line_in_both_languages() {
    let home = common::temp_home();
    let file = common::file_of(home.path(), "a-file", 10);
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port().to_string();
    let before = std::fs::read(&file).expect("read");
    let cases: [(Vec<&str>, &str, &str); 5] = [
        (
            vec!["kafka", "--size", "100"],
            "--size 100: give between 256 B and 16 GiB",
            "--size 100：请给出 256 B 到 16 GiB 之间的大小",
        ),
        (
            vec!["kafka", "--size", "lots"],
            "--size: 'lots' is not a size",
            "--size：“lots”不是一个大小",
        ),
        (
            vec!["kafka", "serve", "--port", "0", "--method", "mmap"],
            "--method mmap: the broker serves fetches with read-write or sendfile",
            "--method mmap：Broker 只用 read-write 或 sendfile 发送 Fetch 响应",
        ),
        (
            vec!["kafka", "serve", "--port", "0", "--log-dir", "a-file"],
            "--log-dir a-file: not a folder",
            "--log-dir a-file：不是目录",
        ),
        (
            vec!["kafka", "serve", "--port", &port, "--log-dir", "logs"],
            "is in use: choose another with --port",
            "已被占用：请用 --port 换一个",
        ),
    ];
    for (args, en, zh) in cases {
        for (lang, want) in [("en", en), ("zh", zh)] {
            let out = common::zclab(home.path())
                .args(["--lang", lang])
                .args(&args)
                .output()
                .expect("run zclab");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {lang}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?} {lang}: {err}");
            assert!(err.contains(want), "{args:?} {lang}: {err}");
            assert!(out.stdout.is_empty(), "{args:?} {lang}");
        }
    }
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "a-file untouched"
    );
    drop(busy);
}
