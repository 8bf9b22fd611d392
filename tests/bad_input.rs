//! Bad input: a clear one-line error naming the thing, exit code 2 for
//! usage and input errors, 1 for failures at run time, never a panic.

mod common;

use common::{fails_with, file_of, temp_home, zclab};

#[test]
fn missing_file() {
    let home = temp_home();
    let err = fails_with(
        zclab(home.path()).args(["compare", "nope.log"]),
        2,
        &["nope.log", "no such file", "zclab sample"],
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line:\n{err}");
}

#[test]
fn directory() {
    let home = temp_home();
    fails_with(
        zclab(home.path()).args(["compare"]).arg(home.path()),
        2,
        &["is a directory"],
    );
}

#[test]
fn fifo_does_not_hang() {
    let home = temp_home();
    let fifo = home.path().join("pipe");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o644)).expect("mkfifo");
    fails_with(
        zclab(home.path()).args(["compare"]).arg(&fifo),
        2,
        &["FIFO"],
    );
}

#[test]
fn device() {
    let home = temp_home();
    fails_with(
        zclab(home.path()).args(["compare", "/dev/null"]),
        2,
        &["/dev/null", "character device"],
    );
}

/// Root reads any file, so as root the test runs zclab as `nobody`.
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let home = temp_home();
    let path = file_of(home.path(), "secret", 100);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut bin = assert_cmd::cargo::cargo_bin("zclab");
    let as_root = nix::unistd::geteuid().is_root();
    if as_root {
        // `nobody` may not be able to reach the build folder (e.g. under
        // /root): run a copy from the world-readable temp dir.
        let copy = home.path().join("zclab");
        std::fs::copy(&bin, &copy).expect("copy the binary");
        bin = copy;
    }
    let mut cmd = std::process::Command::new(&bin);
    cmd.args(["compare"])
        .arg(&path)
        .env_clear()
        .env("HOME", home.path());
    if as_root {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("permission denied"), "{stderr}");
}

/// A /proc file says size 0 but reads as text: a file whose content does
/// not match its size must not be "verified". zclab refuses it before any
/// run, so it is bad input: exit 2, like the other refused files.
#[test]
fn file_whose_size_does_not_match_its_content() {
    let home = temp_home();
    for path in ["/proc/self/status", "/proc/cpuinfo"] {
        fails_with(
            zclab(home.path()).args(["compare", path]),
            2,
            &["does not stay still", path],
        );
    }
}

#[test]
fn receiver_dying_early_is_a_runtime_failure() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 32 << 20);
    for m in ["read-write", "sendfile"] {
        let err = fails_with(
            zclab(home.path())
                .env("ZCLAB_FAULT_RECEIVER_CLOSE_AFTER", "1000")
                .args(["compare", "--runs", "1", "--method", m])
                .arg(&path),
            1,
            &[m],
        );
        assert!(
            err.contains("failed") || err.contains("NOT verified"),
            "{err}"
        );
    }
}

#[test]
fn bad_flags() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 10);
    fails_with(
        zclab(home.path())
            .args(["compare", "--buf", "0"])
            .arg(&path),
        2,
        &["--buf"],
    );
    fails_with(
        zclab(home.path())
            .args(["compare", "--buf", "lots"])
            .arg(&path),
        2,
        &["--buf", "not a size"],
    );
    fails_with(
        zclab(home.path())
            .args(["compare", "--buf", "1GiB"])
            .arg(&path),
        2,
        &["64 MiB"],
    );
    fails_with(
        zclab(home.path())
            .args(["compare", "--runs", "0"])
            .arg(&path),
        2,
        &["--runs"],
    );
    fails_with(
        zclab(home.path())
            // (mmap became a method with issue 11: an unknown name instead.)
            .args(["compare", "--method", "mmap-ish"])
            .arg(&path),
        2,
        &["--method"],
    );
    fails_with(
        zclab(home.path())
            .args(["compare", "--lang", "fr"])
            .arg(&path),
        2,
        &["--lang"],
    );
}

#[test]
fn the_users_file_is_not_modified() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 70_000);
    let before = std::fs::read(&path).expect("read");
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let out = zclab(home.path())
        .args(["compare", "--runs", "1"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(std::fs::read(&path).expect("read"), before);
    assert_eq!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime
    );
}

#[test]
fn errors_speak_chinese_with_lang_zh_or_a_chinese_locale() {
    let home = temp_home();
    let err = fails_with(
        zclab(home.path()).args(["--lang", "zh", "compare", "nope.log"]),
        2,
        &["zclab：无法打开 nope.log：文件不存在", "zclab sample"],
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line:\n{err}");
    fails_with(
        zclab(home.path())
            .env("LANG", "zh_CN.UTF-8")
            .args(["compare", "--buf", "4x"]),
        2,
        &["zclab：--buf：", "单位"],
    );
    fails_with(
        zclab(home.path())
            .env("LANG", "zh_CN.UTF-8")
            .args(["compare"])
            .arg(home.path()),
        2,
        &["是一个目录", "普通文件"],
    );
    let f = file_of(home.path(), "exists.log", 10);
    fails_with(
        zclab(home.path())
            .args(["sample", "--lang", "zh", "--size", "1KiB", "-o"])
            .arg(&f),
        2,
        &["已经存在", "--force"],
    );
    // English stays English.
    fails_with(
        zclab(home.path()).args(["compare", "--buf", "0"]),
        2,
        &["zclab: --buf 0: the buffer must be between 1 byte and 64 MiB"],
    );
}
