//! The tracer module against the kernel and against strace, on real
//! commands, through its library API (`tests/count.rs` drives the binary).
//!
//! The tracer waits for *any* child of the test process, so tests that fork
//! must not overlap: each holds `SERIAL` for its whole run. Tests that need
//! python3 say so and pass without it (the CI image may not have it); the
//! core ones use only sh, cat and dd.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use zclab::tracer::{
    CommandStatus, SyscallGroup, TraceError, TraceOptions, TraceOutcome, trace_command,
};

static SERIAL: Mutex<()> = Mutex::new(());

const MIB: u64 = 1024 * 1024;

fn serial() -> std::sync::MutexGuard<'static, ()> {
    // A panicking test poisons the lock; the next test can still run.
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether python3 is on PATH; tests that need it print why they skip.
fn have_python3(test: &str) -> bool {
    let ok = Command::new("python3")
        .arg("-c")
        .arg("pass")
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("{test}: skipped, python3 is not installed");
    }
    ok
}

fn argv(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn trace(args: &[&str]) -> TraceOutcome {
    trace_command(&argv(args), &TraceOptions::default())
        .unwrap_or_else(|e| panic!("tracing {args:?} failed: {e}"))
}

/// A 1 MiB file of non-zero bytes in a fresh directory.
fn one_mib_file(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zclab-tracer-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join("one-mib.bin");
    let data: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8 + 1).collect();
    std::fs::write(&path, data).expect("write 1 MiB file");
    path
}

/// `strace -f -c` on the same command, in this process's own environment
/// and directory (as `trace_command` runs it): name → (calls, errors).
fn strace_counts(args: &[&str]) -> BTreeMap<String, (u64, u64)> {
    let out = std::env::temp_dir().join(format!("zclab-strace-{}.txt", std::process::id()));
    common::strace::summary_of(Command::new("strace"), &out, args)
}

/// strace's -c counts at syscall exit, so calls that never return are not
/// in its table; the tracer counts them at entry.
const NEVER_RETURN: [&str; 2] = ["exit", "exit_group"];

fn assert_same_as_strace(ours: &TraceOutcome, theirs: &BTreeMap<String, (u64, u64)>) {
    for (name, (calls, errors)) in theirs {
        let got = ours.totals.get(name).copied().unwrap_or_default();
        assert_eq!(
            (got.calls, got.errors),
            (*calls, *errors),
            "{name}: tracer (calls, errors) vs strace"
        );
    }
    for name in ours.totals.keys() {
        assert!(
            theirs.contains_key(name) || NEVER_RETURN.contains(&name.as_str()),
            "tracer saw {name}, strace did not"
        );
    }
}

#[test]
fn dd_counts_equal_strace() {
    let _g = serial();
    let file = one_mib_file("dd");
    let if_arg = format!("if={}", file.display());
    // The full path, because strace resolves PATH itself (one execve) while
    // the tracer uses execvp like a shell (one execve per PATH entry tried).
    let args = ["/usr/bin/dd", if_arg.as_str(), "of=/dev/null", "bs=4k"];
    let theirs = strace_counts(&args);
    let ours = trace(&args);
    assert_eq!(ours.status, CommandStatus::Exited(0));
    assert_same_as_strace(&ours, &theirs);
    // 256 full 4 KiB blocks plus the read that finds EOF, at least.
    assert!(
        ours.calls("read") >= 257,
        "read calls: {}",
        ours.calls("read")
    );
    assert!(ours.totals["write"].bytes >= MIB);
    assert!(ours.totals["read"].bytes >= MIB);
}

#[test]
fn forking_command_is_followed_and_matches_strace_on_data_calls() {
    let _g = serial();
    let file = one_mib_file("fork");
    let script = format!(
        "cat {0} >/dev/null & cat {0} >/dev/null; wait",
        file.display()
    );
    let args = ["/bin/sh", "-c", script.as_str()];
    let ours = trace(&args);
    assert_eq!(ours.status, CommandStatus::Exited(0));
    assert_eq!(
        ours.process_count(),
        3,
        "sh and two cats: {:?}",
        ours.threads
    );
    let cats: Vec<_> = ours.threads.iter().filter(|t| t.comm == "cat").collect();
    assert_eq!(cats.len(), 2);
    for cat in cats {
        assert!(
            cat.syscalls["read"].bytes >= MIB,
            "each cat reads the whole file"
        );
    }
    // wait4 can be interrupted by SIGCHLD, so only the data-moving calls are
    // deterministic enough to compare with a second run under strace.
    let theirs = strace_counts(&args);
    for name in [
        "read",
        "write",
        "pread64",
        "sendfile",
        "copy_file_range",
        "splice",
    ] {
        let (calls, errors) = theirs.get(name).copied().unwrap_or_default();
        let got = ours.totals.get(name).copied().unwrap_or_default();
        assert_eq!((got.calls, got.errors), (calls, errors), "{name} vs strace");
    }
}

#[test]
fn threaded_command_is_followed() {
    let _g = serial();
    if !have_python3("threaded_command_is_followed") {
        return;
    }
    let file = one_mib_file("threads");
    let code = format!(
        "import threading, os\n\
         def f():\n    fd = os.open({:?}, os.O_RDONLY)\n    while os.read(fd, 65536): pass\n    os.close(fd)\n\
         ts = [threading.Thread(target=f) for _ in range(3)]\n\
         [t.start() for t in ts]\n[t.join() for t in ts]\n",
        file.display().to_string()
    );
    let ours = trace(&["python3", "-c", &code]);
    assert_eq!(ours.status, CommandStatus::Exited(0));
    // The last process is the real interpreter (python3 may be a pyenv shim
    // that execs it): its main thread plus three workers.
    let python = ours.threads.last().map(|t| t.tgid).expect("threads seen");
    let threads: Vec<_> = ours.threads.iter().filter(|t| t.tgid == python).collect();
    assert!(threads.len() >= 4, "main + 3 workers: {threads:?}");
    let readers = threads
        .iter()
        .filter(|t| t.tid != python && t.syscalls.get("read").is_some_and(|s| s.bytes >= MIB))
        .count();
    assert_eq!(readers, 3, "each worker thread read the whole file");
    // Per-thread counts add up to the totals.
    let sum: u64 = ours
        .threads
        .iter()
        .map(|t| t.syscalls.values().map(|s| s.calls).sum::<u64>())
        .sum();
    assert_eq!(sum, ours.total_calls());
}

#[test]
fn sendfile_bytes_are_measured_from_return_values() {
    let _g = serial();
    if !have_python3("sendfile_bytes_are_measured_from_return_values") {
        return;
    }
    let file = one_mib_file("sendfile");
    let dst = file.with_extension("copy");
    let code = format!(
        "import shutil; shutil.copyfile({:?}, {:?})",
        file.display().to_string(),
        dst.display().to_string()
    );
    let ours = trace(&["python3", "-c", &code]);
    assert_eq!(ours.status, CommandStatus::Exited(0));
    let sf = ours.totals.get("sendfile").copied().unwrap_or_default();
    assert_eq!(sf.bytes, MIB, "shutil.copyfile uses sendfile on Linux");
    let groups = ours.by_group();
    assert!(
        groups
            .iter()
            .any(|(g, s)| *g == SyscallGroup::Sendfile && s.calls == sf.calls)
    );
}

#[test]
fn nonexistent_command_is_reported_not_found() {
    let _g = serial();
    let err = trace_command(
        &argv(&["zclab-no-such-command-xyz"]),
        &TraceOptions::default(),
    )
    .expect_err("must fail");
    assert_eq!(
        err,
        TraceError::CommandNotFound {
            program: "zclab-no-such-command-xyz".into()
        }
    );
    assert_eq!(err.exit_code(), 127);
    assert!(
        err.to_string()
            .contains("command not found: zclab-no-such-command-xyz")
    );
}

#[test]
fn non_executable_file_is_reported_cannot_execute() {
    let _g = serial();
    let file = one_mib_file("noexec");
    let err = trace_command(&[file.clone().into_os_string()], &TraceOptions::default())
        .expect_err("a data file cannot be executed");
    assert!(matches!(err, TraceError::CannotExecute { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 126);
}

#[test]
fn failed_execve_attempts_are_counted_as_errors() {
    let _g = serial();
    // execvp tries each PATH directory in turn; every miss is a failed execve.
    let ours = trace(&["true"]);
    let execve = ours.totals["execve"];
    assert!(execve.calls >= 1);
    assert_eq!(
        execve.errors,
        execve.calls - 1,
        "all but the last attempt fail"
    );
}

#[test]
fn killed_by_signal_is_reported_with_the_signal() {
    let _g = serial();
    let ours = trace(&["/bin/sh", "-c", "kill -KILL $$"]);
    assert_eq!(
        ours.status,
        CommandStatus::Signaled {
            signal: 9,
            core_dumped: false
        }
    );
    assert_eq!(ours.status.shell_exit_code(), 137);
    assert_eq!(ours.status.signal_name().as_deref(), Some("SIGKILL"));
}

#[test]
fn exit_status_is_passed_through() {
    let _g = serial();
    let ours = trace(&["/bin/sh", "-c", "exit 42"]);
    assert_eq!(ours.status, CommandStatus::Exited(42));
    assert_eq!(ours.status.shell_exit_code(), 42);
}

#[test]
fn signals_reach_the_tracee_including_stop_and_realtime() {
    let _g = serial();
    // SIGSTOP must not wedge the run (group-stop is resumed, like strace), a
    // handled signal must reach its handler, and a real-time signal (which
    // nix's Signal enum cannot represent) must still be delivered.
    let ours = trace(&[
        "/bin/sh",
        "-c",
        "kill -STOP $$; trap 'exit 3' USR1; kill -USR1 $$; sleep 5",
    ]);
    assert_eq!(ours.status, CommandStatus::Exited(3));
    // By number, with the shell's builtin kill: neither python3 nor
    // /bin/kill (procps) need be installed.
    let rtmin2 = nix::libc::SIGRTMIN() + 2;
    let script = format!("kill -{rtmin2} $$; sleep 5");
    let rt = trace(&["/bin/sh", "-c", &script]);
    match rt.status {
        CommandStatus::Signaled { signal, .. } => assert_eq!(signal, nix::libc::SIGRTMIN() + 2),
        other => panic!("expected death by SIGRTMIN+2, got {other:?}"),
    }
}

#[test]
fn bad_arguments_are_rejected_before_forking() {
    let _g = serial();
    assert_eq!(
        trace_command(&[], &TraceOptions::default()),
        Err(TraceError::EmptyCommand)
    );
    let nul = trace_command(&[OsString::from("a\0b")], &TraceOptions::default());
    assert!(matches!(nul, Err(TraceError::NulInArgument { .. })));
}

#[test]
fn output_can_be_captured_and_thread_renames_are_seen() {
    let _g = serial();
    if !have_python3("output_can_be_captured_and_thread_renames_are_seen") {
        return;
    }
    use std::os::fd::AsRawFd;
    let file = one_mib_file("stdout");
    let out_path = file.with_extension("out");
    let out = std::fs::File::create(&out_path).expect("create capture file");
    let opts = TraceOptions {
        stdout: Some(out.as_raw_fd()),
        stderr: None,
    };
    let code =
        "import ctypes, sys; ctypes.CDLL(None).prctl(15, b'renamed', 0, 0, 0); print('hello')";
    let got = trace_command(&argv(&["python3", "-c", code]), &opts).expect("trace python3");
    assert_eq!(got.status, CommandStatus::Exited(0));
    assert_eq!(
        std::fs::read_to_string(&out_path).expect("read capture"),
        "hello\n"
    );
    assert!(
        got.threads.iter().any(|t| t.comm == "renamed"),
        "comm re-read after prctl(PR_SET_NAME): {:?}",
        got.threads.iter().map(|t| &t.comm).collect::<Vec<_>>()
    );
}

#[test]
fn ptrace_refusal_message_says_why_and_what_to_do() {
    let msg = TraceError::PtraceRefused {
        errno: nix::errno::Errno::EPERM,
    }
    .to_string();
    for needle in [
        "seccomp",
        "CAP_SYS_PTRACE",
        "ptrace_scope",
        "--cap-add=SYS_PTRACE",
    ] {
        assert!(msg.contains(needle), "{needle} missing from: {msg}");
    }
    assert!(!msg.contains('\n'), "one line: {msg}");
}
