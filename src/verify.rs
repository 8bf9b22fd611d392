//! `compare --verify`: a second, independent witness for compare's counts.
//!
//! compare counts its own system calls in the sending thread's loop; a
//! skeptical reader may ask whether that loop counts what really happened.
//! Here each method is run once more, as a separate `zclab compare … --json`
//! process traced by [`crate::tracer`] (ptrace, the kernel's syscall-stop
//! mechanism, the same one strace uses). The child's JSON gives its own
//! counts and the id of its sending thread; the tracer gives what that thread
//! really did. Both describe the same run, so they must agree exactly.
//!
//! Measuring only: the result is plain data that `report::count` renders.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use nix::sys::memfd::{MFdFlags, memfd_create};
use serde_json::Value;

use crate::error::{ContextT, Localized, fail_t};
use crate::harness::Expected;
use crate::lang::Lang;
use crate::methods::Method;
use crate::text::verify as t;
use crate::tracer::{self, CommandStatus, SyscallStats, TraceOptions};

/// One data-moving system call, counted by both witnesses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallCheck {
    pub name: &'static str,
    /// compare's own count (its `Tally`), from the child's JSON.
    pub own: u64,
    /// The tracer's count on the child's sending thread.
    pub traced: u64,
    /// Bytes those calls returned, summed by the tracer.
    pub traced_bytes: u64,
    pub traced_errors: u64,
}

impl CallCheck {
    pub fn agrees(&self) -> bool {
        self.own == self.traced
    }
}

/// Both witnesses for one method.
#[derive(Clone, Debug)]
pub struct MethodCheck {
    pub method: Method,
    /// The child's sending ("broker") thread, as the child reported it.
    pub sender_tid: i32,
    /// The method's data-moving calls ([`Method::data_calls`]): read/write
    /// for read-write, sendfile for sendfile, mmap/write/munmap, splice,
    /// read/sendmsg/recvmsg, read/io_uring_enter.
    pub calls: Vec<CallCheck>,
    /// Bytes through the user-space buffer: compare's own count (in + out)
    /// and the tracer's (bytes returned by read + write on that thread).
    pub own_user_copy_bytes: u64,
    pub traced_user_copy_bytes: u64,
    /// Everything the tracer saw the sending thread do, set-up included
    /// (futex, getrusage, shutdown…), which compare does not count.
    pub sender_syscalls: BTreeMap<String, SyscallStats>,
    /// `/proc` syscr and syscw of the child's sending thread: a third view.
    pub procfs_syscr: u64,
    pub procfs_syscw: u64,
    /// Threads the tracer saw in the child (main, sender, receiver…).
    pub threads_seen: usize,
    /// Wall time of the traced child, tracer overhead included.
    pub elapsed: Duration,
}

impl MethodCheck {
    /// The witnesses agree on every data-moving call and on the bytes.
    pub fn agrees(&self) -> bool {
        self.calls.iter().all(CallCheck::agrees)
            && self.own_user_copy_bytes == self.traced_user_copy_bytes
    }

    /// All calls the tracer saw on the sending thread.
    pub fn sender_total_calls(&self) -> u64 {
        self.sender_syscalls.values().map(|s| s.calls).sum()
    }
}

/// The verification of a whole comparison.
#[derive(Clone, Debug)]
pub struct Verification {
    pub file_bytes: u64,
    pub buffer_bytes: usize,
    pub methods: Vec<MethodCheck>,
}

impl Verification {
    pub fn agrees(&self) -> bool {
        self.methods.iter().all(MethodCheck::agrees)
    }
}

/// Re-runs each method once under the tracer and collects both counts.
/// Call it when this process has no other children running: the tracer
/// waits for any child. `expected` is the file's length and CRC-32 as this
/// process read it: a child that measured anything else is refused.
pub fn verify(
    file: &Path,
    methods: &[Method],
    buffer_bytes: usize,
    expected: Expected,
) -> Result<Verification> {
    // /proc/self/exe would also do, but current_exe gives a readable path
    // for error messages.
    let exe = std::env::current_exe().context_t(t::OWN_EXE, &[])?;
    let mut checks = Vec::new();
    let mut file_bytes = 0;
    for &method in methods {
        let argv: Vec<OsString> = vec![
            exe.clone().into_os_string(),
            "compare".into(),
            "--method".into(),
            method.name().into(),
            "--runs".into(),
            "1".into(),
            "--buf".into(),
            buffer_bytes.to_string().into(),
            "--json".into(),
            "--color".into(),
            "never".into(),
            // The child's messages (its first error line is quoted to the
            // user) in the user's language.
            "--lang".into(),
            crate::lesson::lang_dir(crate::lang::chosen()).into(),
            // Whatever the file is called (`--cold`, `-x`), it is a path.
            "--".into(),
            file.as_os_str().to_owned(),
        ];
        let want = Wanted {
            path: file.display().to_string(),
            expected,
            method,
            buffer_bytes,
        };
        let (check, bytes) = verify_one(&want, &argv)?;
        file_bytes = bytes;
        checks.push(check);
    }
    Ok(Verification {
        file_bytes,
        buffer_bytes,
        methods: checks,
    })
}

/// What the traced child must have measured.
struct Wanted {
    path: String,
    expected: Expected,
    method: Method,
    buffer_bytes: usize,
}

/// Refuses a child document that measured another file or with other
/// options than asked: its counts would then say nothing about ours.
fn check_same_run(doc: &Value, want: &Wanted) -> Result<()> {
    let file = doc.get("file");
    let field = |v: Option<&Value>| v.map_or_else(|| "null".to_string(), Value::to_string);
    let mut diffs = Vec::new();
    let mut differs = |text, got: &dyn std::fmt::Display, want: &dyn std::fmt::Display| {
        diffs.push(Localized::new(text, &[("got", got), ("want", want)]));
    };
    let path = file.and_then(|f| f.get("path"));
    if path.and_then(Value::as_str) != Some(want.path.as_str()) {
        differs(t::DIFF_FILE, &field(path), &format_args!("{:?}", want.path));
    }
    let bytes = file.and_then(|f| f.get("bytes"));
    if bytes.and_then(Value::as_u64) != Some(want.expected.bytes) {
        differs(t::DIFF_BYTES, &field(bytes), &want.expected.bytes);
    }
    let crc = file.and_then(|f| f.get("crc32"));
    let want_crc = format!("{:08x}", want.expected.crc32);
    if crc.and_then(Value::as_str) != Some(want_crc.as_str()) {
        differs(t::DIFF_CRC, &field(crc), &want_crc);
    }
    if file.and_then(|f| f.get("default_sample")) != Some(&Value::Bool(false)) {
        differs(t::DIFF_DEFAULT_SAMPLE, &"", &"");
    }
    let buffer = doc.get("buffer_bytes");
    if buffer.and_then(Value::as_u64) != Some(want.buffer_bytes as u64) {
        differs(t::DIFF_BUFFER, &field(buffer), &want.buffer_bytes);
    }
    let runs = doc.get("runs");
    if runs.and_then(Value::as_u64) != Some(1) {
        differs(t::DIFF_RUNS, &field(runs), &1);
    }
    let cache = doc.get("page_cache");
    if cache.and_then(Value::as_str) != Some("warm") {
        differs(t::DIFF_CACHE, &field(cache), &"warm");
    }
    let methods: Vec<&str> = doc
        .get("methods")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|m| m.get("method")?.as_str()).collect())
        .unwrap_or_default();
    if methods != [want.method.name()] {
        differs(
            t::DIFF_METHODS,
            &format_args!("{methods:?}"),
            &format_args!("[{:?}]", want.method.name()),
        );
    }
    if diffs.is_empty() {
        return Ok(());
    }
    let join = |lang| {
        let sep = t::DIFF_SEPARATOR.get(lang);
        diffs
            .iter()
            .map(|d| d.get(lang))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let diffs = Localized {
        en: join(Lang::En),
        zh: join(Lang::Zh),
        usage: false,
    };
    Err(anyhow::Error::new(Localized::around(
        t::SOMETHING_ELSE,
        "diffs",
        &diffs,
        &[("method", &want.method.name())],
    )))
}

fn verify_one(want: &Wanted, argv: &[OsString]) -> Result<(MethodCheck, u64)> {
    let method = want.method;
    // Memory files, not pipes: the tracer's loop cannot drain a pipe while
    // it waits for the child, and a full pipe would block the child.
    let stdout = memfd("zclab-verify-stdout")?;
    let stderr = memfd("zclab-verify-stderr")?;
    let opts = TraceOptions {
        stdout: Some(stdout.as_raw_fd()),
        stderr: Some(stderr.as_raw_fd()),
    };
    let outcome = tracer::trace_command(argv, &opts)
        .map_err(|e| e.message())
        .context_t(t::RERUN, &[("method", &method.name())])?;
    let out = read_all(stdout)?;
    if outcome.status != CommandStatus::Exited(0) {
        let err = read_all(stderr).unwrap_or_default();
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(fail_t(
            t::RERUN_FAILED,
            &[
                ("method", &method.name()),
                ("code", &outcome.status.shell_exit_code()),
                ("error", &first),
            ],
        ));
    }
    let doc: Value =
        serde_json::from_str(&out).context_t(t::NO_JSON, &[("method", &method.name())])?;
    check_same_run(&doc, want)?;
    let m = doc
        .get("methods")
        .and_then(|v| v.get(0))
        .context_t(t::NO_NUMBER, &[("what", &"methods[0]")])?;
    let num = |v: Option<&Value>, what: &str| -> Result<u64> {
        v.and_then(Value::as_u64)
            .context_t(t::NO_NUMBER, &[("what", &what)])
    };
    let sender_tid = i32::try_from(num(m.get("sender_tid"), "methods[0].sender_tid")?)
        .context_t(t::NO_NUMBER, &[("what", &"methods[0].sender_tid")])?;
    let file_bytes = num(doc.get("file").and_then(|f| f.get("bytes")), "file.bytes")?;
    let sender = outcome
        .threads
        .iter()
        .find(|t| t.tid == sender_tid)
        .context_t(
            t::UNSEEN_THREAD,
            &[("tid", &sender_tid), ("method", &method.name())],
        )?;
    let calls = method
        .data_calls()
        .iter()
        .map(|&name| {
            let own = num(m.get("syscalls").and_then(|s| s.get(name)), name)?;
            let traced = sender.syscalls.get(name).copied().unwrap_or_default();
            Ok(CallCheck {
                name,
                own,
                traced: traced.calls,
                traced_bytes: traced.bytes,
                traced_errors: traced.errors,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let bytes_of = |name: &str| sender.syscalls.get(name).map_or(0, |s| s.bytes);
    let procfs = m.get("procfs");
    Ok((
        MethodCheck {
            method,
            sender_tid,
            calls,
            own_user_copy_bytes: num(m.get("user_copy_bytes"), "user_copy_bytes")?,
            traced_user_copy_bytes: bytes_of("read") + bytes_of("write"),
            sender_syscalls: sender.syscalls.clone(),
            procfs_syscr: num(procfs.and_then(|p| p.get("syscr")), "procfs.syscr")?,
            procfs_syscw: num(procfs.and_then(|p| p.get("syscw")), "procfs.syscw")?,
            threads_seen: outcome.threads.len(),
            elapsed: outcome.elapsed,
        },
        file_bytes,
    ))
}

fn memfd(name: &str) -> Result<OwnedFd> {
    memfd_create(name, MFdFlags::MFD_CLOEXEC).context_t(t::MEMFD, &[("name", &name)])
}

fn read_all(fd: OwnedFd) -> Result<String> {
    let mut f = File::from(fd);
    f.seek(SeekFrom::Start(0))
        .context_t(t::REWIND_OUTPUT, &[])?;
    let mut s = String::new();
    f.read_to_string(&mut s).context_t(t::READ_OUTPUT, &[])?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want() -> Wanted {
        Wanted {
            path: "--cold".to_string(),
            expected: Expected {
                bytes: 1024,
                crc32: 0xdeadbeef,
            },
            method: Method::Sendfile,
            buffer_bytes: 4096,
        }
    }

    fn doc() -> Value {
        serde_json::json!({
            "file": {"path": "--cold", "bytes": 1024, "crc32": "deadbeef", "default_sample": false},
            "buffer_bytes": 4096,
            "runs": 1,
            "page_cache": "warm",
            "methods": [{"method": "sendfile"}],
        })
    }

    #[test]
    fn the_same_run_passes() {
        check_same_run(&doc(), &want()).expect("same run");
    }

    #[test]
    fn any_difference_is_refused_and_named() {
        let cases: [(&str, Value, &str); 8] = [
            ("/file/path", serde_json::json!("other"), "file \"other\""),
            (
                "/file/bytes",
                serde_json::json!(268435456u64),
                "268435456 bytes",
            ),
            (
                "/file/crc32",
                serde_json::json!("00000000"),
                "CRC-32 \"00000000\"",
            ),
            (
                "/file/default_sample",
                serde_json::json!(true),
                "the default sample",
            ),
            ("/buffer_bytes", serde_json::json!(8192), "buffer 8192"),
            ("/runs", serde_json::json!(3), "3 runs"),
            (
                "/page_cache",
                serde_json::json!("cold"),
                "page cache \"cold\"",
            ),
            (
                "/methods",
                serde_json::json!([{"method": "read-write"}]),
                "methods [\"read-write\"]",
            ),
        ];
        for (pointer, value, says) in cases {
            let mut d = doc();
            *d.pointer_mut(pointer).expect("pointer") = value;
            let err = check_same_run(&d, &want()).expect_err(pointer).to_string();
            assert!(err.contains(says), "{pointer}: {err}");
            assert!(err.contains("nothing was verified"), "{err}");
        }
    }
}
