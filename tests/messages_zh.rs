//! Every message in the user's language: the real binary, asked for
//! Chinese by `--lang zh` or by a Chinese locale (`LANG=zh_CN.UTF-8`), says
//! why it refused or failed in Chinese, on one line, with the exit code of
//! the README's table (2 bad input, 1 run failed). The English side of the
//! same messages is asserted by the tests of each command.

mod common;

use std::time::Duration;

use common::{fails_with, file_of, more_than_free_space, temp_home, zclab};

/// Runs `cmd`, requires exit `code`, one line on stderr holding every
/// needle, no English sentence of zclab's, and no panic. Returns stderr.
fn says(cmd: &mut assert_cmd::Command, code: i32, needles: &[&str]) -> String {
    let stderr = fails_with(cmd, code, needles);
    assert!(
        stderr.starts_with("zclab："),
        "the Chinese prefix:\n{stderr}"
    );
    for english in ["zclab: ", "cannot ", " the ", "failed", "give "] {
        assert!(
            !stderr.contains(english),
            "English {english:?} in:\n{stderr}"
        );
    }
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line:\n{stderr}");
    stderr
}

/// A /proc file whose size (0) does not match what reading it gives:
/// refused before any run, as bad input.
#[test]
fn a_file_that_does_not_stay_still_is_refused_in_chinese() {
    let home = temp_home();
    says(
        zclab(home.path())
            .env("LANG", "zh_CN.UTF-8")
            .args(["compare", "/proc/self/status"]),
        2,
        &[
            "/proc/self/status 的大小与内容对不上",
            "文件大小显示 0 字节",
        ],
    );
}

/// The size cap of `zclab sample`, in both ways of asking for Chinese; no
/// file is made.
#[test]
fn the_sample_size_cap_speaks_chinese() {
    let home = temp_home();
    for (flag, locale) in [(true, ""), (false, "zh_CN.UTF-8")] {
        let mut cmd = zclab(home.path());
        if flag {
            cmd.args(["--lang", "zh"]);
        } else {
            cmd.env("LANG", locale);
        }
        says(
            cmd.args(["sample", "--size", "2TiB", "-o", "big.log"]),
            2,
            &["2.0 TiB", "的样本太大", "最多 1.0 TiB", "--size"],
        );
        assert!(!home.path().join("big.log").exists());
    }
}

/// More than the free space: refused with the numbers, in Chinese.
#[test]
fn a_sample_that_does_not_fit_is_refused_in_chinese() {
    let home = temp_home();
    let Some(size) = more_than_free_space(home.path()) else {
        eprintln!("skipped: more than 1 TiB free here, the size cap answers first");
        return;
    };
    let err = says(
        zclab(home.path()).args([
            "--lang",
            "zh",
            "sample",
            "--size",
            &size.to_string(),
            "-o",
            "big.log",
        ]),
        2,
        &["的剩余空间放不下", "字节）的样本", "但只剩"],
    );
    assert!(err.contains(&size.to_string()), "{err}");
    assert!(!home.path().join("big.log").exists());
}

/// A stalled transfer is a failed run (exit 1) and says what stalled.
#[test]
fn a_stalled_transfer_is_reported_in_chinese() {
    let home = temp_home();
    let file = file_of(home.path(), "data.bin", 48 << 20);
    says(
        zclab(home.path())
            .env("LANG", "zh_CN.UTF-8")
            .env("ZCLAB_FAULT_RECEIVER_STALL_AFTER", "65536")
            .env("ZCLAB_TEST_TIMEOUT_S", "2")
            .args(["compare", "--runs", "1", "--method", "sendfile"])
            .arg(&file),
        1,
        &[
            "传输停滞：发送线程的 sendfile",
            "2 秒没有进展",
            "接收线程读了 65536 字节后就不再读取",
        ],
    );
}

/// Bad values of several commands: each refusal in Chinese, exit 2.
#[test]
fn bad_input_of_every_command_is_refused_in_chinese() {
    let home = temp_home();
    let zh = |args: &[&str]| {
        let mut cmd = zclab(home.path());
        cmd.args(["--lang", "zh"]).args(args);
        cmd
    };
    says(
        &mut zh(&["trace", "--method", "all"]),
        2,
        &["--method all：trace 一次只能逐步演示一种方式"],
    );
    says(
        &mut zh(&["count", "--pid", "12x"]),
        2,
        &["--pid 12x：“12x”不是进程号"],
    );
    says(
        &mut zh(&["count", "--pid", "1", "--for", "soon"]),
        2,
        &["--for soon：不是一个时长"],
    );
    says(
        &mut zh(&["lesson", "99"]),
        2,
        &["`zclab lesson 99`：这里应当是课号"],
    );
    says(
        &mut zh(&["sweep", "--size", "4KiB,,8KiB"]),
        2,
        &["其中有一项是空的"],
    );
    says(
        zh(&["sweep", "--html"]).arg(home.path()),
        2,
        &["是一个文件夹：请给出文件名"],
    );
    let page = file_of(home.path(), "mine.html", 10);
    says(
        zh(&["compare", "--html"]).arg(&page),
        2,
        &["而且不是 zclab 生成的报告：zclab 不会覆盖它"],
    );
}

/// The cache folder of a user without HOME is refused when someone else
/// could write it, in Chinese.
#[test]
fn an_unsafe_cache_folder_is_refused_in_chinese() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = temp_home();
    let uid = nix::unistd::geteuid().as_raw();
    let cache = tmp.path().join(format!("zclab-{uid}"));
    std::fs::create_dir(&cache).expect("mkdir");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let mut cmd = assert_cmd::Command::cargo_bin("zclab").expect("binary");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TMPDIR", tmp.path())
        .env("LANG", "zh_CN.UTF-8")
        .current_dir(tmp.path())
        .args(["trace", "--json"]);
    says(
        &mut cmd,
        2,
        &["zclab 不会使用缓存文件夹", "它允许其他用户写入（权限 777）"],
    );
}

/// `--help` in Chinese: zclab's words and clap's (headings, built-in
/// flags, defaults, value lists); English help stays clap's.
#[test]
fn help_speaks_chinese_where_clap_allows_it() {
    let home = temp_home();
    let out = zclab(home.path())
        .args(["--lang", "zh", "compare", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{help}");
    for zh in [
        "用法：zclab compare",
        "参数：",
        "选项：",
        "打印帮助",
        "［默认：4096］",
        "［可选值：read-write、sendfile、mmap",
        // What each value means (clap's per-value help), in Chinese too.
        "各个取值的含义：",
        "- sendfile：用 sendfile(2) 把文件直接送到 Socket",
        "- all：全部六种方式（仅限 compare）",
        "- never：从不着色",
    ] {
        assert!(help.contains(zh), "missing {zh:?} in:\n{help}");
    }
    for en in ["straight to the socket", "All six methods", "Never colour"] {
        assert!(!help.contains(en), "English {en:?} in:\n{help}");
    }
    for en in [
        "Usage:",
        "Options:",
        "Arguments:",
        "Print help",
        "[default:",
        "Possible values",
    ] {
        assert!(!help.contains(en), "English {en:?} in:\n{help}");
    }
    let out = zclab(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .args(["--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for zh in ["子命令：", "打印版本号", "打印本帮助，或给定子命令的帮助"] {
        assert!(help.contains(zh), "missing {zh:?} in:\n{help}");
    }
    let out = zclab(home.path())
        .args(["compare", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Usage: zclab compare"), "{help}");
    assert!(help.contains("[default: 4096]"), "{help}");
    assert!(
        help.contains("sendfile(2) from the file straight to the socket"),
        "{help}"
    );
}

/// clap's own errors (an unknown flag, a value not in the list, no
/// subcommand): one Chinese line, exit code 2.
#[test]
fn command_line_errors_speak_chinese() {
    let home = temp_home();
    says(
        zclab(home.path())
            .env("LANG", "zh_CN.UTF-8")
            .args(["compare", "--bogus"]),
        2,
        &["zclab：无法识别的参数 --bogus"],
    );
    says(
        zclab(home.path()).args(["--lang", "zh", "compare", "--method", "nope"]),
        2,
        &[
            "nope 不是 --method <METHOD> 能取的值；可选值：",
            "read-write、sendfile",
        ],
    );
    says(
        zclab(home.path()).args(["--lang", "zh"]),
        2,
        &["请给出一个子命令"],
    );
    // English stays clap's.
    let out = zclab(home.path())
        .args(["compare", "--bogus"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: unexpected argument '--bogus' found"),
        "{stderr}"
    );
}

/// The broker's own failures (src/kafka/log.rs) come from the catalogue:
/// a log folder whose `demo-0` segment is a folder cannot be opened
/// (EISDIR, even for root). `kafka serve` fails at start with exit 1, one
/// line in the language asked for, and changes nothing in the folder.
#[test]
fn a_broken_log_folder_fails_the_broker_in_chinese() {
    let home = temp_home();
    let logs = home.path().join("logs");
    let segment = logs.join("demo-0").join("00000000000000000000.log");
    std::fs::create_dir_all(&segment).expect("mkdir");
    let zh = says(
        zclab(home.path())
            .args(["--lang", "zh", "kafka", "serve", "--port", "0", "--log-dir"])
            .arg(&logs),
        1,
        &[&format!("zclab：无法打开 {}：", segment.display())],
    );
    assert!(zh.contains("os error 21"), "the kernel's EISDIR:\n{zh}");
    // The same failure in English, worded as before.
    let out = zclab(home.path())
        .args(["--lang", "en", "kafka", "serve", "--port", "0"])
        .arg("--log-dir")
        .arg(&logs)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run zclab");
    let en = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{en}");
    assert!(
        en.starts_with(&format!("zclab: cannot open {}: ", segment.display())),
        "{en}"
    );
    assert_eq!(en.trim_end().lines().count(), 1, "{en}");
    assert!(segment.is_dir(), "the folder is left as it was");
    let left: Vec<_> = std::fs::read_dir(&segment).expect("list").collect();
    assert!(left.is_empty(), "nothing written into it: {left:?}");
}
