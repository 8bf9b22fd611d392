//! The kafka tests' helpers: which clients are installed, `zclab kafka
//! serve` as a child process (optionally under a tracer), and the clients
//! themselves (kcat, kafka-python) run under `timeout`.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common;

/// Whether a client is installed. Under CI (`.ci/run` installs them) a
/// missing one fails the test instead of skipping it.
pub fn required(found: bool, what: &str) -> bool {
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{what} is missing under CI: .ci/run should have installed it"
    );
    found
}

pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    required(found, tool)
}

pub fn have_kafka_python() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import kafka"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    required(found, "kafka-python")
}

/// A running `zclab kafka serve`, killed on drop.
pub struct Broker {
    pub child: Child,
    pub port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Broker {
    pub fn start(home: &Path, log_dir: &Path, method: &str) -> Broker {
        Broker::start_under(home, log_dir, method, &[])
    }

    /// The broker run by `wrapper` (e.g. `strace -ff -o …`), which must
    /// pass the broker's stdout and stderr through.
    pub fn start_under(home: &Path, log_dir: &Path, method: &str, wrapper: &[OsString]) -> Broker {
        let bin = assert_cmd::cargo::cargo_bin("zclab");
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
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
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    pub fn err(&self) -> Vec<String> {
        self.stderr.lock().expect("lock").clone()
    }
    pub fn fetches(&self) -> Vec<Value> {
        self.stdout
            .lock()
            .expect("lock")
            .iter()
            .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
            .collect()
    }
    /// Waits until the broker has reported `n` fetches with records.
    pub fn wait_fetches(&self, min_bytes: u64) -> Vec<Value> {
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

pub fn run(cmd: &mut Command) -> std::process::Output {
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

pub fn records_text(n: usize) -> String {
    (0..n)
        .map(|i| format!("user-{i:05}:{{\"n\":{i},\"event\":\"click\"}}\n"))
        .collect()
}

pub fn kcat_produce(addr: &str, topic: &str, text: &str) {
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

pub fn kcat_consume(addr: &str, topic: &str) -> String {
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

pub const PY_CONSUME: &str = r#"
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

pub const PY_PRODUCE: &str = r#"
import sys
from kafka import KafkaProducer
addr, topic = sys.argv[1], sys.argv[2]
p = KafkaProducer(bootstrap_servers=addr, request_timeout_ms=10000, max_block_ms=10000)
for line in sys.stdin.read().splitlines():
    k, v = line.split(":", 1)
    p.send(topic, key=k.encode(), value=v.encode())
p.flush(timeout=30); p.close(timeout=5)
"#;

pub fn py(script: &str, args: &[&str], stdin: Option<&str>) -> String {
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

/// A 3 MiB segment made by `zclab sample --kafka` as topic `seg`'s log in
/// `home/logs`, and its `sample --dump --json`: (log folder, segment, dump).
pub fn generated_topic(home: &Path) -> (std::path::PathBuf, std::path::PathBuf, Value) {
    let logs = home.join("logs");
    let dir = logs.join("seg-0");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let seg = dir.join("00000000000000000000.log");
    common::zclab(home)
        .args(["sample", "--kafka", "--size", "3MiB", "-o"])
        .arg(&seg)
        .assert()
        .success();
    let dump = common::json_of(
        common::zclab(home)
            .args(["sample", "--json", "--dump"])
            .arg(&seg),
    );
    (logs, seg, dump)
}
