//! `zclab count --pid`: attach to a running process, count what it does in
//! the window, detach and leave it running. The target is this test binary
//! itself, re-run as a helper process that reads and writes a file on
//! command and reports its own counts over a Unix socket (with send/recv,
//! so that its control traffic never shows up as read or write).

mod common;

use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{temp_home, u};
use serde_json::Value;

const ROLE: &str = "ZCLAB_ATTACH_TEST_ROLE";
const SOCK: &str = "ZCLAB_ATTACH_TEST_SOCK";
const FILE: &str = "ZCLAB_ATTACH_TEST_FILE";
const CHUNK: usize = 4096;
/// Every wait in these tests gives up after this long.
const PATIENCE: Duration = Duration::from_secs(60);

// ---- the helper process ------------------------------------------------

fn send_all(fd: i32, msg: &[u8]) {
    let mut done = 0;
    while done < msg.len() {
        match nix::sys::socket::send(fd, &msg[done..], nix::sys::socket::MsgFlags::empty()) {
            Ok(n) => done += n,
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => panic!("helper send: {e}"),
        }
    }
}

fn recv_exact(fd: i32, buf: &mut [u8]) -> bool {
    let mut got = 0;
    while got < buf.len() {
        match nix::sys::socket::recv(fd, &mut buf[got..], nix::sys::socket::MsgFlags::empty()) {
            Ok(0) => return false,
            Ok(n) => got += n,
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => panic!("helper recv: {e}"),
        }
    }
    true
}

/// Not a test: the target process the tests below start and attach to.
/// Commands (12 bytes: tag + two u32): `work N` does N × (lseek, write
/// 4 KiB, lseek, read 4 KiB) and answers with its own counts; `thrd K M`
/// starts K threads that each make M pread64 calls and answers with their
/// thread ids; `ping` answers `pong`; `quit` exits 0.
#[test]
#[ignore = "helper process for the attach tests, which start it themselves"]
fn attach_helper_target() {
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::os::unix::fs::FileExt;
    let (Some(sock), Some(path)) = (std::env::var_os(SOCK), std::env::var_os(FILE)) else {
        return;
    };
    if std::env::var_os(ROLE).is_none() {
        return;
    }
    let stream = UnixStream::connect(sock).expect("helper connect");
    let fd = stream.as_raw_fd();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .expect("helper file");
    let out = vec![7u8; CHUNK];
    let mut inb = vec![0u8; CHUNK];
    loop {
        let mut cmd = [0u8; 12];
        if !recv_exact(fd, &mut cmd) {
            return;
        }
        let a = u32::from_le_bytes([cmd[4], cmd[5], cmd[6], cmd[7]]);
        let b = u32::from_le_bytes([cmd[8], cmd[9], cmd[10], cmd[11]]);
        match &cmd[..4] {
            b"work" => {
                let (mut reads, mut writes, mut rbytes, mut wbytes) = (0u64, 0u64, 0u64, 0u64);
                for _ in 0..a {
                    file.seek(SeekFrom::Start(0)).expect("seek");
                    wbytes += file.write(&out).expect("write") as u64;
                    writes += 1;
                    file.seek(SeekFrom::Start(0)).expect("seek");
                    rbytes += file.read(&mut inb).expect("read") as u64;
                    reads += 1;
                }
                let mut reply = b"done".to_vec();
                for v in [reads, writes, rbytes, wbytes] {
                    reply.extend_from_slice(&v.to_le_bytes());
                }
                send_all(fd, &reply);
            }
            b"thrd" => {
                let file = &file;
                let tids: Vec<i32> = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..a)
                        .map(|_| {
                            s.spawn(move || {
                                let mut buf = vec![0u8; 64];
                                for _ in 0..b {
                                    let _ = file.read_at(&mut buf, 0);
                                }
                                nix::unistd::gettid().as_raw()
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("thread"))
                        .collect()
                });
                let mut reply = b"tids".to_vec();
                reply.extend_from_slice(&(tids.len() as u32).to_le_bytes());
                for t in tids {
                    reply.extend_from_slice(&t.to_le_bytes());
                }
                send_all(fd, &reply);
            }
            b"ping" => send_all(fd, b"pong"),
            _ => std::process::exit(0),
        }
    }
}

// ---- the test side -------------------------------------------------------

/// A running helper and our end of its control socket.
struct Helper {
    child: Child,
    conn: UnixStream,
}

impl Helper {
    fn start(dir: &Path) -> Helper {
        let sock = dir.join("ctl.sock");
        let listener = UnixListener::bind(&sock).expect("bind");
        let child = Command::new(std::env::current_exe().expect("test exe"))
            .args([
                "attach_helper_target",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(ROLE, "1")
            .env(SOCK, &sock)
            .env(FILE, dir.join("data.bin"))
            .stdout(Stdio::null())
            .spawn()
            .expect("start helper");
        listener.set_nonblocking(true).expect("nonblocking");
        let deadline = Instant::now() + PATIENCE;
        let conn = loop {
            match listener.accept() {
                Ok((c, _)) => break c,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "helper never connected");
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("accept: {e}"),
            }
        };
        conn.set_nonblocking(false).expect("blocking");
        conn.set_read_timeout(Some(PATIENCE)).expect("timeout");
        Helper { child, conn }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn ask(&mut self, tag: &[u8; 4], a: u32, b: u32, reply_len: usize) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut cmd = tag.to_vec();
        cmd.extend_from_slice(&a.to_le_bytes());
        cmd.extend_from_slice(&b.to_le_bytes());
        self.conn.write_all(&cmd).expect("send command");
        let mut reply = vec![0u8; reply_len];
        self.conn.read_exact(&mut reply).expect("helper reply");
        reply
    }

    /// The helper answers, so it runs and is not stopped.
    fn ping(&mut self) {
        assert_eq!(self.ask(b"ping", 0, 0, 4), b"pong");
    }

    fn quit(mut self) -> std::process::ExitStatus {
        use std::io::Write;
        let _ = self.conn.write_all(b"quit\0\0\0\0\0\0\0\0");
        wait_bounded(&mut self.child)
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_bounded(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("process {} did not exit in time", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn word(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[4 + 8 * i..12 + 8 * i]);
    u64::from_le_bytes(w)
}

/// `zclab count --pid PID --json …`, started; returns once it says it has
/// attached (its stderr banner), with the rest of stderr still flowing.
struct Attached {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

/// The real binary, clean environment, as a plain std Command.
fn zc(home: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("zclab"));
    cmd.env_clear()
        .envs(common::clean_env(home))
        .current_dir(home);
    cmd
}

fn attach(home: &Path, pid: i32, extra: &[&str]) -> Attached {
    let mut child = zc(home)
        .args(["count", "--json", "--pid", &pid.to_string()])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start zclab");
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("attached to") => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("zclab never attached to {pid}");
            }
        }
    }
    Attached { child, stderr: rx }
}

impl Attached {
    /// Ctrl-C (SIGINT), then the JSON report.
    fn interrupt(self) -> Value {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGINT,
        )
        .expect("SIGINT");
        self.finish()
    }

    fn finish(mut self) -> Value {
        use std::io::Read;
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read report");
        let status = wait_bounded(&mut self.child);
        let err: Vec<String> = self.stderr.try_iter().collect();
        assert!(status.success(), "zclab {status:?}: {err:?}\n{out}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
}

fn total(doc: &Value, name: &str) -> (u64, u64) {
    doc["syscalls"]
        .as_array()
        .expect("syscalls")
        .iter()
        .find(|s| s["name"] == name)
        .map_or((0, 0), |s| (u(&s["calls"]), u(&s["bytes"])))
}

fn traced_by(pid: i32) -> Option<(char, i32)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map(|v| v.trim().to_string())
    };
    Some((
        field("State:")?.chars().next()?,
        field("TracerPid:")?.parse().ok()?,
    ))
}

#[test]
fn counts_equal_what_the_target_made_and_it_runs_on_after_detach() {
    let home = temp_home();
    let mut helper = Helper::start(home.path());
    helper.ping();
    let z = attach(home.path(), helper.pid(), &[]);
    let reply = helper.ask(b"work", 300, 0, 36);
    assert_eq!(&reply[..4], b"done");
    let (reads, writes, rbytes, wbytes) = (
        word(&reply, 0),
        word(&reply, 1),
        word(&reply, 2),
        word(&reply, 3),
    );
    assert_eq!((reads, writes), (300, 300));
    let doc = z.interrupt();
    assert_eq!(doc["mode"], "attach");
    assert_eq!(doc["end"], "stopped");
    assert_eq!(doc["targets"][0]["pid"], helper.pid());
    assert_eq!(total(&doc, "read"), (reads, rbytes), "{doc}");
    assert_eq!(total(&doc, "write"), (writes, wbytes), "{doc}");
    assert_eq!(total(&doc, "lseek").0, 600, "{doc}");
    // Detached: no tracer, not stopped, and it still answers.
    let (state, tracer) = traced_by(helper.pid()).expect("helper alive");
    assert_eq!(tracer, 0);
    assert_ne!(state, 't');
    assert_ne!(state, 'T');
    helper.ping();
    let reply = helper.ask(b"work", 5, 0, 36);
    assert_eq!(word(&reply, 0), 5);
    assert!(helper.quit().success());
}

#[test]
fn threads_born_during_the_trace_are_counted() {
    let home = temp_home();
    let mut helper = Helper::start(home.path());
    let z = attach(home.path(), helper.pid(), &[]);
    let reply = helper.ask(b"thrd", 3, 40, 8 + 3 * 4);
    assert_eq!(&reply[..4], b"tids");
    let tids: Vec<i64> = (0..3)
        .map(|i| {
            let o = 8 + 4 * i;
            i32::from_le_bytes([reply[o], reply[o + 1], reply[o + 2], reply[o + 3]]) as i64
        })
        .collect();
    let doc = z.interrupt();
    assert_eq!(total(&doc, "pread64").0, 120, "{doc}");
    let threads = doc["threads"].as_array().expect("threads");
    for tid in tids {
        let t = threads
            .iter()
            .find(|t| t["tid"].as_i64() == Some(tid))
            .unwrap_or_else(|| panic!("thread {tid} not in the report: {doc}"));
        assert_eq!(t["pid"], helper.pid());
        assert_eq!(u(&t["syscalls"]["pread64"]["calls"]), 40, "{t}");
    }
    helper.ping();
    assert!(helper.quit().success());
}

#[test]
fn a_target_that_exits_is_reported_up_to_its_exit() {
    let home = temp_home();
    let mut helper = Helper::start(home.path());
    let pid = helper.pid();
    let z = attach(home.path(), pid, &["--for", "10m"]);
    helper.ask(b"work", 20, 0, 36);
    use std::io::Write;
    helper
        .conn
        .write_all(b"quit\0\0\0\0\0\0\0\0")
        .expect("quit");
    let doc = z.finish();
    assert_eq!(doc["end"], "targets-exited", "{doc}");
    assert_eq!(doc["targets"][0]["exited"], 0, "{doc}");
    assert_eq!(total(&doc, "write").0, 20, "{doc}");
    assert_eq!(total(&doc, "read").0, 20, "{doc}");
    assert!(total(&doc, "exit_group").0 >= 1, "{doc}");
    let status = wait_bounded(&mut helper.child);
    assert!(status.success(), "{status:?}");
}

#[test]
fn for_duration_detaches_by_itself() {
    let home = temp_home();
    let mut helper = Helper::start(home.path());
    let z = attach(home.path(), helper.pid(), &["--for", "300ms"]);
    let doc = z.finish();
    assert_eq!(doc["end"], "time-up", "{doc}");
    assert!(doc["window_s"].as_f64().unwrap_or(0.0) >= 0.3, "{doc}");
    helper.ping();
    assert!(helper.quit().success());
}

/// One line on stderr, the exit code, and the words that say what to do.
fn refused(cmd: &mut Command, code: i32, words: &[&str]) {
    let out = cmd.output().expect("run zclab");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for w in words {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn a_second_tracer_is_refused_and_the_first_carries_on() {
    let home = temp_home();
    let mut helper = Helper::start(home.path());
    let z = attach(home.path(), helper.pid(), &[]);
    refused(
        zc(home.path()).args(["count", "--pid", &helper.pid().to_string()]),
        1,
        &["already traced by zclab", "only one tracer"],
    );
    let reply = helper.ask(b"work", 10, 0, 36);
    assert_eq!(word(&reply, 0), 10);
    let doc = z.interrupt();
    assert_eq!(total(&doc, "write").0, 10, "{doc}");
    helper.ping();
    assert!(helper.quit().success());
}

#[test]
fn a_process_that_does_not_exist_is_bad_input() {
    let home = temp_home();
    let mut gone = Command::new("true").spawn().expect("true");
    let pid = gone.id();
    gone.wait().expect("wait");
    refused(
        zc(home.path()).args(["count", "--pid", &pid.to_string()]),
        2,
        &["no such process", "ps -e"],
    );
    refused(
        zc(home.path()).args(["count", "--pid", "12ab"]),
        2,
        &["not a process id"],
    );
    refused(
        zc(home.path()).args(["count", "--pid", "1", "--for", "soon"]),
        2,
        &["--for soon"],
    );
}

/// PID 1 belongs to root: an unprivileged user may not trace it. As root,
/// the test runs zclab as `nobody` (like tests/bad_input.rs does).
#[test]
fn init_is_refused_to_an_unprivileged_user() {
    use std::os::unix::process::CommandExt;
    let home = temp_home();
    let mut bin = assert_cmd::cargo::cargo_bin("zclab");
    let as_root = nix::unistd::geteuid().is_root();
    if as_root {
        let copy = home.path().join("zclab");
        std::fs::copy(&bin, &copy).expect("copy the binary");
        bin = copy;
    }
    let mut cmd = Command::new(&bin);
    cmd.args(["count", "--pid", "1"])
        .env_clear()
        .env("HOME", home.path());
    if as_root {
        cmd.uid(65534).gid(65534);
    }
    refused(&mut cmd, 2, &["--pid 1", "permission denied", "sudo"]);
}
