//! `zclab count` and `compare --verify`, through the real binary: the
//! tracer's counts against strace's and against what the kernel must have
//! done, exit statuses passed through, forks and threads followed.

mod common;

use std::collections::BTreeMap;

use assert_cmd::cargo::cargo_bin;
use common::{file_of, json_of, strace, temp_home, u, zclab};
use serde_json::Value;

const MIB: usize = 1024 * 1024;

/// name → (calls, errors) from `zclab count --json`.
fn counts_of(doc: &Value) -> BTreeMap<String, (u64, u64)> {
    doc["syscalls"]
        .as_array()
        .unwrap_or_else(|| panic!("no syscalls array in {doc}"))
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                (u(&s["calls"]), u(&s["errors"])),
            )
        })
        .collect()
}

/// Every call strace saw, the tracer saw as often, with as many errors;
/// the tracer may add only calls that never return (strace counts at exit)
/// and the calls in `timing_dependent`.
fn assert_agrees_with_strace(
    ours: &BTreeMap<String, (u64, u64)>,
    theirs: &BTreeMap<String, (u64, u64)>,
    timing_dependent: &[&str],
) {
    for (name, want) in theirs {
        if timing_dependent.contains(&name.as_str()) {
            continue;
        }
        let got = ours.get(name).copied().unwrap_or_default();
        assert_eq!(
            got, *want,
            "{name}: zclab count (calls, errors) vs strace -f -c"
        );
    }
    for name in ours.keys() {
        assert!(
            theirs.contains_key(name)
                || ["exit", "exit_group"].contains(&name.as_str())
                || timing_dependent.contains(&name.as_str()),
            "zclab count saw {name}, strace did not"
        );
    }
}

/// The per-thread parser the strace comparisons here and in `roads.rs`
/// rely on: a call interrupted by another thread's line and resumed later
/// counts once, on the thread that made it; signals and exits are no calls.
#[test]
fn strace_thread_log_counts_each_call_once() {
    let log = "\
101 read(3, \"\"..., 4096)       = 4096
102 write(4, \"\"..., 10 <unfinished ...>
101 read(3,  <unfinished ...>
102 <... write resumed>)          = 10
101 <... read resumed>\"\"..., 4096) = 0
102 --- SIGCHLD {si_signo=SIGCHLD} ---
102 +++ exited with 0 +++
not a line of strace
";
    let threads = strace::parse_threads(log);
    assert_eq!(threads.len(), 2);
    assert_eq!(strace::count(&threads[&101], "read"), 2);
    assert_eq!(strace::count(&threads[&101], "write"), 0);
    assert_eq!(threads[&102], ["write(4, \"\"..., 10 <unfinished ...>"]);
}

#[test]
fn dd_counts_equal_strace() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let if_arg = format!("if={}", f.display());
    // The full path: strace looks PATH up itself (one execve), zclab like a
    // shell (one execve per directory tried).
    let args = ["/usr/bin/dd", if_arg.as_str(), "of=/dev/null", "bs=4k"];
    let doc = json_of(
        zclab(home.path())
            .arg("count")
            .arg("--json")
            .arg("--")
            .args(args),
    );
    let ours = counts_of(&doc);
    assert_agrees_with_strace(&ours, &strace::summary(home.path(), &args), &[]);
    // What the kernel must have done: 256 reads of 4 KiB and one at EOF on
    // the file (plus the loader's), 256 writes of 4 KiB.
    assert!(ours["read"].0 >= 257);
    assert!(ours["write"].0 >= 256);
    assert!(u(&doc["bytes"]["into_user"]) >= MIB as u64);
    assert!(u(&doc["bytes"]["out_of_user"]) >= MIB as u64);
    assert_eq!(u(&doc["mode_switches"]), 2 * u(&doc["total_calls"]));
    assert_eq!(doc["exit_code"], 0);
}

#[test]
fn zclab_own_methods_count_equal_strace() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let bin = cargo_bin("zclab");
    let (bin, file) = (bin.to_string_lossy(), f.to_string_lossy());
    for method in ["read-write", "sendfile"] {
        let args = [
            &*bin, "compare", &*file, "--method", method, "--runs", "1", "--json",
        ];
        let out = zclab(home.path())
            .arg("count")
            .arg("--json")
            .arg("--")
            .args(args)
            .output()
            .expect("run zclab count");
        assert!(out.status.success(), "{out:?}");
        let doc: Value = serde_json::from_slice(&out.stdout).expect("count JSON");
        // With --json, the traced command's own stdout went to stderr.
        let inner: Value = serde_json::from_slice(&out.stderr).expect("compare JSON on stderr");
        let ours = counts_of(&doc);

        // Totals: every call but the timing-dependent ones. futex is lock
        // contention; rt_sigprocmask, madvise, munmap and sigaltstack belong
        // to thread teardown (glibc blocks signals and releases the stack,
        // Rust frees the signal stack), which can race the process exit once
        // the threads have been joined; read includes
        // the receiver's reads, whose number depends on how much data each
        // wake-up finds in the socket; glibc grows a thread's malloc arena
        // with mprotect, and how far it grows depends on how allocations
        // and frees interleave across the threads (seen: 46 against 47).
        let theirs = strace::summary(home.path(), &args);
        assert_agrees_with_strace(
            &ours,
            &theirs,
            &[
                "futex",
                "rt_sigprocmask",
                "madvise",
                "munmap",
                "sigaltstack",
                "read",
                "clock_nanosleep",
                "openat",
                "close",
                "statx",
                "lseek",
                "fcntl",
                "mprotect",
            ],
        );
        // A snapshot waits until the parked thread has left the CPU (its
        // schedstat is exact only then): each extra wait is one sleep
        // followed by one more read of its `stat`, which procfs does as
        // openat, statx, lseek (SEEK_CUR), read until EOF, close; in a debug
        // build (which `cargo test` runs) Rust's standard library also checks
        // on every close that the descriptor was open, with one
        // fcntl(F_GETFD). So the two runs may differ in these calls, but only
        // together: exactly one of each per extra sleep.
        let n = |m: &BTreeMap<String, (u64, u64)>, k: &str| m.get(k).map_or(0, |c| c.0) as i64;
        let extra_sleeps = n(&ours, "clock_nanosleep") - n(&theirs, "clock_nanosleep");
        let debug = i64::from(cfg!(debug_assertions));
        for (call, per_wait) in [
            ("openat", 1),
            ("close", 1),
            ("statx", 1),
            ("lseek", 1),
            ("fcntl", debug),
        ] {
            assert_eq!(
                n(&ours, call) - n(&theirs, call),
                extra_sleeps * per_wait,
                "{call}: zclab count vs strace -f -c differ by other than the snapshot's waits"
            );
        }

        // The sending thread, which both runs name in compare's JSON: its
        // data-moving calls are deterministic and must match strace's, and
        // compare's own count, exactly.
        // (strace -c has no per-thread breakdown.)
        let (per_tid, strace_stdout) =
            strace::per_thread(home.path(), &args, "read,write,sendfile");
        let strace_inner: Value = serde_json::from_str(&strace_stdout).expect("compare JSON");
        let strace_sender = &per_tid[&u(&common::method(&strace_inner, method)["sender_tid"])];
        let our_tid = u(&common::method(&inner, method)["sender_tid"]);
        let our_sender = doc["threads"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| u(&t["tid"]) == our_tid))
            .unwrap_or_else(|| panic!("sender {our_tid} not among {}", doc["threads"]));
        for name in ["read", "write", "sendfile"] {
            let theirs = strace::count(strace_sender, name);
            let got = our_sender["syscalls"][name]["calls"].as_u64().unwrap_or(0);
            let own = common::method(&inner, method)["syscalls"][name]
                .as_u64()
                .unwrap_or(0);
            assert_eq!(
                got, theirs,
                "{method}: sending thread's {name}, zclab count vs strace -f"
            );
            assert_eq!(
                got, own,
                "{method}: sending thread's {name}, tracer vs compare's own"
            );
        }
        match method {
            "sendfile" => assert_eq!(ours["sendfile"], (1, 0), "one sendfile for 1 MiB"),
            _ => assert_eq!(strace::count(strace_sender, "read"), 257, "256 reads + EOF"),
        }
    }
}

#[test]
fn compare_verify_agrees_for_both_methods() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--verify", "--json"])
            .arg(&f),
    );
    let v = &doc["verify"];
    assert_eq!(v["agrees"], true, "{v}");
    for m in v["methods"].as_array().expect("verify.methods") {
        assert_eq!(m["agrees"], true, "{m}");
        for (name, c) in m["calls"].as_object().expect("calls") {
            assert_eq!(c["own"], c["traced"], "{name} in {m}");
            assert_eq!(c["traced_errors"], 0);
        }
        match m["method"].as_str() {
            // 1 MiB in 4 KiB reads: 256 full reads and one at end of file;
            // every byte read is written.
            Some("read-write") => {
                assert_eq!(u(&m["calls"]["read"]["traced"]), 257);
                assert_eq!(u(&m["calls"]["write"]["traced"]), 256);
                assert_eq!(u(&m["calls"]["read"]["traced_bytes"]), MIB as u64);
                assert_eq!(u(&m["traced_user_copy_bytes"]), 2 * MIB as u64);
            }
            Some("sendfile") => {
                assert_eq!(u(&m["calls"]["sendfile"]["traced"]), 1);
                assert_eq!(u(&m["calls"]["sendfile"]["traced_bytes"]), MIB as u64);
                assert_eq!(u(&m["traced_user_copy_bytes"]), 0);
            }
            other => panic!("unexpected method {other:?}"),
        }
        // The sending thread does more than the transfer (futex, getrusage,
        // shutdown…); compare counts only the transfer.
        assert!(u(&m["sender_total_calls"]) > u(&m["procfs_syscr"]));
    }

    // The table says so, in both languages.
    let out = zclab(home.path())
        .args(["compare", "--runs", "1", "--verify"])
        .arg(&f)
        .output()
        .expect("run zclab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Both witnesses agree on every data-moving call"),
        "{text}"
    );
    assert_eq!(text.matches("agree ✓").count(), 3, "{text}");
    let out = zclab(home.path())
        .args([
            "compare", "--runs", "1", "--verify", "--lang", "zh", "--method", "sendfile",
        ])
        .arg(&f)
        .output()
        .expect("run zclab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("第二路核对") && text.contains("一致 ✓"),
        "{text}"
    );
}

#[test]
fn nonexistent_command_exits_127_with_a_clear_message() {
    let home = temp_home();
    let out = zclab(home.path())
        .args(["count", "--", "zclab-no-such-command"])
        .output()
        .expect("run zclab");
    assert_eq!(out.status.code(), Some(127));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        "zclab: command not found: zclab-no-such-command: check the spelling, or give its full path"
    );
    assert!(out.stdout.is_empty());
    let out = zclab(home.path())
        .args(["count", "--lang", "zh", "--", "zclab-no-such-command"])
        .output()
        .expect("run zclab");
    assert_eq!(out.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到命令：zclab-no-such-command"));
}

#[test]
fn non_executable_file_exits_126_and_no_command_is_a_usage_error() {
    let home = temp_home();
    let f = file_of(home.path(), "data.bin", 16);
    zclab(home.path())
        .arg("count")
        .arg("--")
        .arg(&f)
        .assert()
        .code(126)
        .stderr(predicates::str::contains("cannot execute"));
    zclab(home.path()).arg("count").assert().code(2);
}

#[test]
fn exit_status_and_signals_are_passed_through() {
    let home = temp_home();
    zclab(home.path())
        .args(["count", "--", "sh", "-c", "exit 7"])
        .assert()
        .code(7)
        .stdout(predicates::str::contains("exited with status 7"));
    zclab(home.path())
        .args(["count", "--", "sh", "-c", "kill -KILL $$"])
        .assert()
        .code(128 + 9)
        .stdout(predicates::str::contains("killed by SIGKILL"));
    let doc: Value = serde_json::from_slice(
        &zclab(home.path())
            .args(["count", "--json", "--", "sh", "-c", "kill -TERM $$"])
            .output()
            .expect("run zclab")
            .stdout,
    )
    .expect("JSON even when the command was killed");
    assert_eq!(doc["status"]["signal_name"], "SIGTERM");
    assert_eq!(doc["exit_code"], 128 + 15);
}

#[test]
fn forking_command_is_followed() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let script = format!(
        "cat '{0}' >/dev/null & cat '{0}' >/dev/null; wait",
        f.display()
    );
    let doc = json_of(
        zclab(home.path())
            .args(["count", "--json", "--", "sh", "-c"])
            .arg(&script),
    );
    let threads = doc["threads"].as_array().expect("threads");
    let mut pids: Vec<u64> = threads.iter().map(|t| u(&t["pid"])).collect();
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), 3, "sh and two cats: {threads:?}");
    let cats: Vec<&Value> = threads.iter().filter(|t| t["comm"] == "cat").collect();
    assert_eq!(cats.len(), 2);
    for cat in cats {
        assert!(u(&cat["syscalls"]["read"]["bytes"]) >= MIB as u64, "{cat}");
        assert!(u(&cat["syscalls"]["write"]["bytes"]) >= MIB as u64, "{cat}");
    }
}

#[test]
fn threaded_command_is_followed() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    // zclab compare itself: a main thread (which also reads the others'
    // /proc counters), a sending and a receiving thread (which checks what
    // it read inline: there is no fourth thread).
    let doc = json_of(
        zclab(home.path())
            .args(["count", "--json", "--"])
            .arg(cargo_bin("zclab"))
            .args(["compare", "--method", "sendfile", "--runs", "1", "--json"])
            .arg(&f),
    );
    let threads = doc["threads"].as_array().expect("threads");
    assert_eq!(threads.len(), 3, "{threads:?}");
    let pid = u(&threads[0]["pid"]);
    assert!(threads.iter().all(|t| u(&t["pid"]) == pid), "one process");
    let quiet: Vec<&Value> = threads
        .iter()
        .filter(|t| {
            ["read", "write", "sendfile", "pread64"]
                .iter()
                .all(|c| t["syscalls"][c]["calls"].as_u64().unwrap_or(0) == 0)
        })
        .collect();
    assert!(quiet.is_empty(), "every thread moves data: {quiet:?}");
    let senders: Vec<&Value> = threads
        .iter()
        .filter(|t| t["syscalls"]["sendfile"]["calls"] == 1)
        .collect();
    assert_eq!(senders.len(), 1, "exactly one thread called sendfile");
    assert_ne!(u(&senders[0]["tid"]), pid, "and it is not the main thread");
    assert_eq!(u(&senders[0]["syscalls"]["sendfile"]["bytes"]), MIB as u64);
    // The receiving thread read the whole file from its socket.
    assert!(threads.iter().any(
        |t| u(&t["tid"]) != pid && t["syscalls"]["read"]["bytes"].as_u64() == Some(MIB as u64)
    ));
}

#[test]
fn table_shows_data_moving_calls_first_in_both_languages() {
    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let out = zclab(home.path())
        .args(["count", "--hide-output", "--", "cat"])
        .arg(&f)
        .output()
        .expect("run zclab");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // --hide-output: the file itself is not on stdout.
    assert!(
        !text.contains(
            &String::from_utf8_lossy(&std::fs::read(&f).expect("read")[..64]).into_owned()
        )
    );
    let data = text.find("Data-moving system calls").expect("data table");
    let other = text.find("Other system calls").expect("other table");
    assert!(data < other);
    assert!(
        text.contains("[derived: 2 per system call (enter + leave)]"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when piped");
    let out = zclab(home.path())
        .args(["count", "--hide-output", "--lang", "zh", "--", "cat"])
        .arg(&f)
        .output()
        .expect("run zclab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("搬运数据的系统调用") && text.contains("推算：每次系统调用 2 次"),
        "{text}"
    );
}

/// Pids whose parent is `parent`, from /proc/*/stat.
fn children_of(parent: u32) -> Vec<(u32, String, char)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Some((ppid, comm, state)) = stat_of(pid)
            && ppid == parent
        {
            out.push((pid, comm, state));
        }
    }
    out
}

/// (ppid, comm, state) of `pid`, or None once it is gone.
fn stat_of(pid: u32) -> Option<(u32, String, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may contain spaces and parentheses.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_string();
    let mut rest = stat[close + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((ppid, comm, state))
}

#[test]
fn ctrl_c_kills_the_traced_command_and_leaves_nothing_stopped() {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::Pid;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::time::{Duration, Instant};

    // Ctrl-C on a terminal sends SIGINT to the whole foreground process
    // group; `kill -INT` sends it to zclab alone. Either way the traced
    // command must die with zclab (PTRACE_O_EXITKILL), not stay stopped.
    for whole_group in [true, false] {
        let mut cmd = std::process::Command::new(cargo_bin("zclab"));
        cmd.args(["count", "--", "sleep", "30"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0);
        // SAFETY: only signal(2), which is async-signal-safe, between fork
        // and exec. A test runner started in the background would otherwise
        // pass on an ignored SIGINT and the test would prove nothing.
        unsafe {
            cmd.pre_exec(|| {
                nix::libc::signal(nix::libc::SIGINT, nix::libc::SIG_DFL);
                Ok(())
            });
        }
        let mut zclab = cmd.spawn().expect("spawn zclab count");
        let pid = zclab.id();
        let deadline = Instant::now() + Duration::from_secs(10);
        let sleep_pid = loop {
            if let Some((p, _, _)) = children_of(pid).into_iter().find(|(_, c, _)| c == "sleep") {
                break p;
            }
            assert!(Instant::now() < deadline, "the traced sleep never started");
            std::thread::sleep(Duration::from_millis(20));
        };
        let zpid = Pid::from_raw(pid as i32);
        if whole_group {
            killpg(zpid, Signal::SIGINT).expect("SIGINT to the group");
        } else {
            kill(zpid, Signal::SIGINT).expect("SIGINT to zclab");
        }
        let status = zclab.wait().expect("wait for zclab");
        assert_eq!(status.signal(), Some(nix::libc::SIGINT), "{status:?}");
        // Gone, or a zombie waiting to be reaped by init: never stopped.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match stat_of(sleep_pid) {
                None | Some((_, _, 'Z')) | Some((_, _, 'X')) => break,
                Some((_, _, state)) => assert!(
                    Instant::now() < deadline,
                    "traced sleep {sleep_pid} still alive in state {state} (group: {whole_group})"
                ),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn zclab_under_another_tracer_says_only_one_tracer_is_allowed() {
    // strace -f attaches zclab's child before the child can ask zclab to
    // trace it: PTRACE_TRACEME fails with EPERM. The message must name the
    // real cause, not a seccomp profile.
    let home = temp_home();
    let out = std::process::Command::new("strace")
        .args(["-f", "-o", "/dev/null"])
        .arg(cargo_bin("zclab"))
        .args(["count", "--", "true"])
        .current_dir(home.path())
        .output()
        .expect("strace must be installed (.ci/run installs it)");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("zclab: zclab is itself being traced by strace (pid ")
            && err.contains("a process can have only one tracer")
            && err.lines().count() == 1,
        "{err}"
    );
}

/// A file whose name looks like a flag is still the file the traced re-run
/// measures: `--cold` once made the child measure the default sample cold
/// (and say "agree"), `-x` made it fail with a usage error.
#[test]
fn compare_verify_measures_files_named_like_flags() {
    let home = temp_home();
    for name in ["--cold", "-x"] {
        file_of(home.path(), name, MIB);
        let doc = json_of(zclab(home.path()).args([
            "compare",
            "--runs",
            "1",
            "--method",
            "read-write",
            "--verify",
            "--json",
            "--",
            name,
        ]));
        assert_eq!(doc["file"]["path"], name);
        let v = &doc["verify"];
        assert_eq!(v["agrees"], true, "{v}");
        let m = &v["methods"][0];
        // The re-run sent this 1 MiB file in 4 KiB reads, not another file.
        assert_eq!(u(&m["calls"]["read"]["traced"]), 257, "{m}");
        assert_eq!(u(&m["calls"]["read"]["traced_bytes"]), MIB as u64, "{m}");
    }
    // Nothing made the default sample.
    assert!(
        !home
            .path()
            .join("cache/zclab/segments/compare-256MiB-0/00000000000000000000.log")
            .exists()
    );
}

/// `zclab count -- CMD | head -1`: the reader goes away, the command and then
/// zclab's own table meet a closed pipe; zclab still exits with the
/// command's status.
#[test]
fn count_keeps_the_command_status_when_stdout_closes_early() {
    use std::io::Read;
    use std::process::Stdio;
    let home = temp_home();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zclab"))
        .env_clear()
        .envs(common::clean_env(home.path()))
        .current_dir(home.path())
        .args([
            "count",
            "--",
            "sh",
            "-c",
            "head -c 4000000 /dev/zero; exit 7",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn zclab");
    let mut out = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    out.read_exact(&mut first).expect("one byte");
    // Far more than a pipe holds is still unwritten: the command cannot
    // have ended, and neither can zclab's table have been written.
    drop(out);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(7), "{status:?}");
}

/// Nothing zclab starts outlives it, even when zclab is killed outright
/// (SIGKILL: no handler runs): the `--verify` child (held in its own run by
/// the test-only connect delay) and a command under `count` both die with
/// it, by PTRACE_O_EXITKILL.
#[test]
fn a_verify_child_or_traced_command_dies_with_a_killed_zclab() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::time::{Duration, Instant};

    let home = temp_home();
    let f = file_of(home.path(), "one-mib.bin", MIB);
    let runs: [(Vec<std::ffi::OsString>, &str); 2] = [
        (
            vec![
                "compare".into(),
                "--runs".into(),
                "1".into(),
                "--method".into(),
                "sendfile".into(),
                "--verify".into(),
                f.clone().into_os_string(),
            ],
            "zclab",
        ),
        (
            vec!["count".into(), "--".into(), "sleep".into(), "30".into()],
            "sleep",
        ),
    ];
    for (args, child_comm) in runs {
        let mut zclab = std::process::Command::new(cargo_bin("zclab"))
            .env_clear()
            .envs(common::clean_env(home.path()))
            .env("ZCLAB_TEST_CONNECT_DELAY_MS", "3000")
            .current_dir(home.path())
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn zclab");
        let pid = zclab.id();
        let deadline = Instant::now() + Duration::from_secs(60);
        let child = loop {
            if let Some((p, _, _)) = children_of(pid)
                .into_iter()
                .find(|(_, c, _)| c == child_comm)
            {
                break p;
            }
            assert!(
                Instant::now() < deadline,
                "{child_comm} never started under zclab {args:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("SIGKILL zclab");
        zclab.wait().expect("wait for zclab");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match stat_of(child) {
                None | Some((_, _, 'Z')) | Some((_, _, 'X')) => break,
                Some((_, comm, state)) => assert!(
                    Instant::now() < deadline,
                    "{comm} {child} outlived zclab (state {state})"
                ),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
