//! zclab's Kafka broker with real clients: kcat (librdkafka) and
//! kafka-python produce to and consume from `zclab kafka serve`; each fetch
//! is checked against the broker's own count and the kernel's /proc
//! counters of the serving thread. Every client call runs under
//! `timeout`, and the broker is always killed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Whether a client is installed. Under CI (`.ci/run` installs them) a
/// missing one fails the test instead of skipping it.
fn required(found: bool, what: &str) -> bool {
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{what} is missing under CI: .ci/run should have installed it"
    );
    found
}

fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    required(found, tool)
}

fn have_kafka_python() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import kafka"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    required(found, "kafka-python")
}

/// A running `zclab kafka serve`, killed on drop.
struct Broker {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Broker {
    fn start(home: &Path, log_dir: &Path, method: &str) -> Broker {
        let bin = assert_cmd::cargo::cargo_bin("zclab");
        let mut child = Command::new(bin)
            .env_clear()
            .envs(common::clean_env(home))
            .args([
                "kafka",
                "serve",
                "--port",
                "0",
                "--json",
                "--method",
                method,
                "--log-dir",
            ])
            .arg(log_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zclab kafka serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        let (o, e) = (Arc::clone(&stdout), Arc::clone(&stderr));
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                o.lock().expect("lock").push(l);
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                e.lock().expect("lock").push(l);
            }
        });
        let mut b = Broker {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let start = Instant::now();
        while b.port == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "broker did not start: {:?}",
                b.err()
            );
            if let Some(p) = b.err().iter().find_map(|l| {
                l.split("127.0.0.1:")
                    .nth(1)
                    .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|p| p.parse().ok())
            }) {
                b.port = p;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        b
    }
    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    fn err(&self) -> Vec<String> {
        self.stderr.lock().expect("lock").clone()
    }
    fn fetches(&self) -> Vec<Value> {
        self.stdout
            .lock()
            .expect("lock")
            .iter()
            .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
            .collect()
    }
    /// Waits until the broker has reported `n` fetches with records.
    fn wait_fetches(&self, min_bytes: u64) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let f = self.fetches();
            let total: u64 = f
                .iter()
                .map(|x| x["record_bytes"].as_u64().unwrap_or(0))
                .sum();
            if total >= min_bytes || start.elapsed() > Duration::from_secs(10) {
                return f;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run client");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .take(2000)
            .collect::<String>(),
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(2000)
            .collect::<String>()
    );
    out
}

fn records_text(n: usize) -> String {
    (0..n)
        .map(|i| format!("user-{i:05}:{{\"n\":{i},\"event\":\"click\"}}\n"))
        .collect()
}

fn kcat_produce(addr: &str, topic: &str, text: &str) {
    let mut child = Command::new("timeout")
        .args(["60", "kcat", "-b", addr, "-P", "-t", topic, "-K:"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("kcat -P");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("feed kcat");
    let status = child.wait().expect("kcat -P ends");
    assert!(status.success(), "kcat -P failed: {status:?}");
}

fn kcat_consume(addr: &str, topic: &str) -> String {
    let out = run(Command::new("timeout").args([
        "60",
        "kcat",
        "-b",
        addr,
        "-C",
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-q",
        "-K:",
    ]));
    String::from_utf8(out.stdout).expect("utf8")
}

const PY_CONSUME: &str = r#"
import sys
from kafka import KafkaConsumer, TopicPartition
addr, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = KafkaConsumer(bootstrap_servers=addr, group_id=None, enable_auto_commit=False,
                  consumer_timeout_ms=5000, request_timeout_ms=10000)
tp = TopicPartition(topic, 0)
c.assign([tp]); c.seek_to_beginning(tp)
out = []
for m in c:
    out.append(m.key.decode() + ":" + m.value.decode())
    if len(out) == n:
        break
c.close()
sys.stdout.write("".join(l + "\n" for l in out))
"#;

const PY_PRODUCE: &str = r#"
import sys
from kafka import KafkaProducer
addr, topic = sys.argv[1], sys.argv[2]
p = KafkaProducer(bootstrap_servers=addr, request_timeout_ms=10000, max_block_ms=10000)
for line in sys.stdin.read().splitlines():
    k, v = line.split(":", 1)
    p.send(topic, key=k.encode(), value=v.encode())
p.flush(timeout=30); p.close(timeout=5)
"#;

fn py(script: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::new("timeout");
    cmd.args(["90", "python3", "-c", script]).args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("python3");
    let mut si = child.stdin.take().expect("stdin");
    si.write_all(stdin.unwrap_or("").as_bytes())
        .expect("feed python");
    drop(si);
    let out = child.wait_with_output().expect("python ends");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

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
    let logs = home.path().join("logs");
    let dir = logs.join("seg-0");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let seg: PathBuf = dir.join("00000000000000000000.log");
    common::zclab(home.path())
        .args(["sample", "--kafka", "--size", "3MiB", "-o"])
        .arg(&seg)
        .assert()
        .success();
    let dump = common::json_of(
        common::zclab(home.path())
            .args(["sample", "--json", "--dump"])
            .arg(&seg),
    );
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
        match c["method"].as_str() {
            Some("sendfile") => {
                assert_eq!(c["user_space_bytes"], 0);
                assert_eq!(c["sendfile_calls"], c["fetches"]);
            }
            Some("read-write") => {
                assert_eq!(c["user_space_bytes"], 8 << 20);
                assert_eq!(c["sendfile_calls"], 0);
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
    // A missing file is bad input.
    common::zclab(home.path())
        .args(["sample", "--dump", "nope.log"])
        .assert()
        .code(2);
}
