//! Shared helpers for the integration tests: the real `zclab` binary with a
//! clean environment, temp files of exact sizes, parsed `--json`, a
//! pseudo-terminal, and strace as a second witness ([`strace`]).

#![allow(dead_code)]

pub mod strace;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The clean environment every test command gets (after `env_clear`):
/// `PATH`, and `HOME` plus cache and state folders inside `home` so no test
/// touches the real ones; no locale (English), no colour variables.
pub fn clean_env(home: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    vec![
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("HOME", home.into()),
        ("XDG_CACHE_HOME", home.join("cache").into()),
        ("XDG_STATE_HOME", home.join("state").into()),
    ]
}

/// The `zclab` binary with [`clean_env`], run in `home`.
pub fn zclab(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zclab").expect("the zclab binary is built by cargo test");
    cmd.env_clear().envs(clean_env(home)).current_dir(home);
    cmd
}

/// A temp dir that non-root users can traverse (tests that drop
/// privileges need that).
pub fn temp_home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("cannot make a temp dir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod temp dir");
    dir
}

/// A file of exactly `size` bytes with varied content (so a digest catches
/// reordering).
pub fn file_of(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    let data: Vec<u8> = (0..size)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 8)) as u8)
        .collect();
    std::fs::write(&path, data).expect("cannot write test file");
    path
}

/// Runs the command, requires success, and parses stdout as JSON. On
/// failure shows the command's stdout and stderr.
pub fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("cannot run zclab");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "zclab failed ({:?})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{stdout}\nstderr:\n{stderr}"))
}

/// The object of one method in a compare document.
pub fn method<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["methods"]
        .as_array()
        .and_then(|a| a.iter().find(|m| m["method"] == name))
        .unwrap_or_else(|| panic!("no method {name} in {doc}"))
}

pub fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

/// Runs `zclab ARGS` on a pseudo-terminal (stdin, stdout and stderr),
/// typing `keys` one by one, 400 ms apart, each only once zclab has put the
/// terminal in raw mode (a key typed before that is flushed by the switch,
/// and zclab would wait for it forever). A run that does not end within
/// two minutes is killed and fails the test instead of hanging the suite.
/// Returns the exit status, everything shown, and whether the terminal
/// settings after the run equal those before.
pub fn on_a_pty(
    home: &Path,
    args: &[&str],
    keys: &[&str],
) -> (std::process::ExitStatus, String, bool) {
    use std::io::{Read, Write};
    use std::os::fd::OwnedFd;
    use std::process::Stdio;

    use nix::sys::termios::{LocalFlags, tcgetattr};

    let pty = nix::pty::openpty(None, None).expect("openpty");
    // openpty's fds are inheritable: without this, every zclab that another
    // test spawns meanwhile would inherit them (and number its files higher).
    for fd in [&pty.master, &pty.slave] {
        nix::fcntl::fcntl(
            fd,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        )
        .expect("FD_CLOEXEC");
    }
    let slave: OwnedFd = pty.slave;
    let before = tcgetattr(&slave).expect("tcgetattr");
    assert!(before.local_flags.contains(LocalFlags::ICANON));
    let stdio = || Stdio::from(slave.try_clone().expect("dup pty"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zclab"))
        .env_clear()
        .envs(clean_env(home))
        .current_dir(home)
        .args(args)
        .stdin(stdio())
        .stdout(stdio())
        .stderr(stdio())
        .spawn()
        .expect("spawn zclab");
    let master: OwnedFd = pty.master;
    let mut reader = std::fs::File::from(master.try_clone().expect("dup master"));
    let output = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        // Ends with EIO once every copy of the slave side is closed.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&all).into_owned()
    });
    let mut writer = std::fs::File::from(master);
    let raw = || tcgetattr(&slave).is_ok_and(|t| !t.local_flags.contains(LocalFlags::ICANON));
    for key in keys {
        std::thread::sleep(std::time::Duration::from_millis(400));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !raw() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        writer.write_all(key.as_bytes()).expect("type a key");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for zclab") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            drop(slave);
            drop(writer);
            let out = output.join().unwrap_or_default();
            panic!("zclab {args:?} did not end within 120 s on the pty; it showed:\n{out}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let after = tcgetattr(&slave).expect("tcgetattr");
    drop(slave);
    drop(writer);
    let out = output.join().expect("reader thread");
    (status, out, after.local_flags == before.local_flags)
}

/// Runs `cmd` (at most 120 s), requires exit `code`, no panic and every
/// needle on stderr; returns stderr.
pub fn fails_with(cmd: &mut Command, code: i32, needles: &[&str]) -> String {
    let out = cmd
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("cannot run zclab");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in:\n{stderr}");
    }
    stderr
}

/// A size that does not fit in `dir`'s free space (free space + 1 GiB, by
/// statvfs), or `None` when that is over 1 TiB (the size cap answers
/// first there).
pub fn more_than_free_space(dir: &Path) -> Option<u64> {
    let st = nix::sys::statvfs::statvfs(dir).expect("statvfs");
    let size = st.blocks_available() * st.fragment_size() + (1 << 30);
    (size <= 1 << 40).then_some(size)
}
