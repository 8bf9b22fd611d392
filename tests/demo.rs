//! `zclab demo nginx` against the real nginx (CI installs it): sendfile
//! calls from the worker with `sendfile on` and none with `off`, every body
//! verified, and no nginx left behind — after a normal run and after Ctrl-C.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{temp_home, u};
use serde_json::Value;

fn nginx_installed() -> bool {
    let found = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if !found && std::env::var_os("CI").is_some() {
        panic!("CI must install nginx (see .ci/run)");
    }
    if !found {
        eprintln!("nginx is not installed: skipping (CI installs it)");
    }
    found
}

fn zc(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("zclab"));
    cmd.env_clear()
        .envs(common::clean_env(home))
        .current_dir(home);
    cmd
}

/// No process is left whose command line names this zclab's temp root,
/// and the root itself is gone.
fn nothing_left(zclab_pid: u32) {
    let marker = format!("zclab-nginx-{zclab_pid}-");
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(
            !text.contains(&marker),
            "left running: pid {:?}: {text}",
            e.file_name()
        );
    }
    let tmp = std::env::temp_dir();
    for e in std::fs::read_dir(&tmp).expect("tmp").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(&marker), "left behind: {name}");
    }
}

fn syscall(run: &Value, name: &str) -> (u64, u64) {
    run["worker"]["syscalls"]
        .as_array()
        .expect("syscalls")
        .iter()
        .find(|s| s["name"] == name)
        .map_or((0, 0), |s| (u(&s["calls"]), u(&s["bytes"])))
}

#[test]
fn sendfile_on_uses_sendfile_and_off_does_not() {
    if !nginx_installed() {
        return;
    }
    let home = temp_home();
    let child = zc(home.path())
        .args([
            "demo",
            "nginx",
            "--requests",
            "4",
            "--size",
            "300KiB",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zclab");
    let pid = child.id();
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    let body = 4 * 300 * 1024;
    let (on, off) = (&runs[0], &runs[1]);
    assert_eq!(on["sendfile"], true);
    assert_eq!(off["sendfile"], false);
    for r in runs {
        assert_eq!(u(&r["verified_responses"]), 8, "{r}");
    }
    // On: the body goes out by sendfile, all of it; nothing read into user space.
    let (calls, bytes) = syscall(on, "sendfile");
    assert!(calls >= 4, "{on}");
    assert_eq!(bytes, body as u64, "{on}");
    assert_eq!(syscall(on, "pread64").1 + syscall(on, "read").1, 0, "{on}");
    // Off: no sendfile; the body is read into nginx's buffers and written out.
    assert_eq!(syscall(off, "sendfile").0, 0, "{off}");
    let read_in = syscall(off, "pread64").1 + syscall(off, "read").1;
    assert_eq!(read_in, body as u64, "{off}");
    let written = syscall(off, "writev").1 + syscall(off, "write").1;
    assert!(written >= body as u64, "{off}");
    nothing_left(pid);
}

#[test]
fn ctrl_c_stops_nginx_and_removes_everything() {
    if !nginx_installed() {
        return;
    }
    let home = temp_home();
    let mut child = zc(home.path())
        .args(["demo", "nginx", "--requests", "100000", "--size", "64KiB"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zclab");
    let pid = child.id();
    let err = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(err).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = lines
            .next()
            .expect("zclab ended before serving")
            .expect("stderr");
        // nginx is up and serving the first, untraced pass.
        if line.contains("requests untraced") {
            break;
        }
        assert!(Instant::now() < deadline, "never started serving");
    }
    std::thread::sleep(Duration::from_millis(300));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("SIGINT");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("nginx stopped")), "{rest:?}");
    nothing_left(pid);
}

#[test]
fn missing_nginx_says_how_to_install_it() {
    let home = temp_home();
    let out = zc(home.path())
        .env("ZCLAB_NGINX", home.path().join("no-nginx-here"))
        .args(["demo", "nginx"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("apt-get install nginx"), "{err}");
}
