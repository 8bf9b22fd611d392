//! A local stranger on zclab's loopback port, and a transfer that stalls.
//!
//! The stranger finds zclab's listening socket the way any local process
//! could: a LISTEN row of `/proc/net/tcp` on 127.0.0.1 whose inode is one of
//! zclab's open sockets. The test-only hook `ZCLAB_TEST_CONNECT_DELAY_MS`
//! holds zclab's own `connect` back so the stranger is always first.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{clean_env, file_of, temp_home};

/// Inodes of the sockets `pid` has open.
fn socket_inodes(pid: u32) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return out;
    };
    for entry in dir.flatten() {
        if let Ok(target) = std::fs::read_link(entry.path()) {
            let t = target.to_string_lossy();
            if let Some(n) = t
                .strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse().ok())
            {
                out.insert(n);
            }
        }
    }
    out
}

/// Ports on 127.0.0.1 in state LISTEN whose socket inode is in `inodes`.
fn listening_ports(inodes: &BTreeSet<u64>) -> Vec<u16> {
    let text = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    let mut ports = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 10 || cols[3] != "0A" {
            continue;
        }
        let Some((ip, port)) = cols[1].split_once(':') else {
            continue;
        };
        let inode: u64 = cols[9].parse().unwrap_or(0);
        // 127.0.0.1 in /proc/net/tcp's little-endian hex.
        if ip == "0100007F" && inodes.contains(&inode) {
            ports.push(u16::from_str_radix(port, 16).expect("hex port"));
        }
    }
    ports
}

/// Runs `zclab compare FILE --json` with zclab's connect delayed, and acts
/// as a stranger on every listener it opens: `junk` = send junk and close,
/// else connect and stay silent until zclab ends. Returns (status, stdout,
/// stderr, strangers who got in). `locale` sets `LANG`.
fn compare_with_stranger(
    junk: bool,
    locale: &str,
) -> (std::process::ExitStatus, String, String, usize) {
    let home = temp_home();
    let file = file_of(home.path(), "data.bin", 3 << 20);
    let child = Command::new(env!("CARGO_BIN_EXE_zclab"))
        .env_clear()
        .envs(clean_env(home.path()))
        .env("LANG", locale)
        .env("ZCLAB_TEST_CONNECT_DELAY_MS", "1500")
        .env("ZCLAB_TEST_TIMEOUT_S", "20")
        .current_dir(home.path())
        .args(["compare", "--runs", "1", "--json"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn zclab");
    let pid = child.id();
    let mut seen = BTreeSet::new();
    let mut held = Vec::new();
    let start = Instant::now();
    // Watch until the process is gone (its /proc entry has no fds).
    while std::fs::metadata(format!("/proc/{pid}/fd")).is_ok()
        && start.elapsed() < Duration::from_secs(120)
    {
        for port in listening_ports(&socket_inodes(pid)) {
            if seen.insert(port) {
                let mut s = TcpStream::connect(("127.0.0.1", port)).expect("stranger connects");
                if junk {
                    s.write_all(b"GET / HTTP/1.0\r\n\r\nnot zclab's data")
                        .expect("stranger writes");
                    drop(s);
                } else {
                    held.push(s);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
        if matches!(
            std::fs::read_to_string(format!("/proc/{pid}/stat")),
            Ok(s) if s.contains(") Z ")
        ) {
            break;
        }
    }
    let out = child.wait_with_output().expect("wait for zclab");
    drop(held);
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        seen.len(),
    )
}

fn assert_ignored_and_verified(junk: bool) {
    let (status, stdout, stderr, strangers) = compare_with_stranger(junk, "C");
    assert!(status.success(), "{status:?}\n{stderr}");
    // One listener per run: read-write and sendfile.
    assert_eq!(strangers, 2, "{stderr}");
    assert_eq!(
        stderr
            .matches("closed a connection from 127.0.0.1:")
            .count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("which is not zclab's own"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    for name in ["read-write", "sendfile"] {
        let m = common::method(&doc, name);
        assert_eq!(m["verified"], true, "{name}: {m}");
        assert_eq!(
            common::u(&m["consumer"]["copy_bytes"]),
            3 << 20,
            "{name}: {m}"
        );
    }
}

#[test]
fn a_silent_stranger_is_closed_and_the_run_verifies() {
    assert_ignored_and_verified(false);
}

#[test]
fn a_stranger_sending_junk_is_closed_and_the_run_verifies() {
    assert_ignored_and_verified(true);
}

/// The same warning, in a Chinese locale: one line each, in Chinese.
#[test]
fn the_stranger_warning_speaks_chinese_in_a_chinese_locale() {
    let (status, _, stderr, strangers) = compare_with_stranger(true, "zh_CN.UTF-8");
    assert!(status.success(), "{status:?}\n{stderr}");
    assert_eq!(strangers, 2, "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("zclab：警告：回环传输：已关闭来自 127.0.0.1:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    for w in warnings {
        assert!(
            w.contains("这不是 zclab 自己的连接（后者来自 127.0.0.1:"),
            "{w}"
        );
        assert!(!w.contains("closed a connection"), "{w}");
    }
}

#[test]
fn a_stalled_transfer_fails_within_the_limit_and_says_what_stalled() {
    let home = temp_home();
    // Far more than the loopback socket buffers hold, so the sender blocks.
    let file = file_of(home.path(), "data.bin", 48 << 20);
    for method in ["read-write", "sendfile"] {
        let out = common::zclab(home.path())
            .env("ZCLAB_FAULT_RECEIVER_STALL_AFTER", "65536")
            .env("ZCLAB_TEST_TIMEOUT_S", "2")
            .args(["compare", "--runs", "1", "--method", method])
            .arg(&file)
            .timeout(Duration::from_secs(120))
            .output()
            .expect("run zclab");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{method}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "the transfer stalled: the sending thread's {method} made no progress for 2 s"
            )),
            "{method}: {stderr}"
        );
        assert!(
            stderr.contains("the receiving thread read 65536 bytes and stopped reading"),
            "{method}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{method}: one line: {stderr}");
    }
}
