//! The JSON contract of the runs a lesson can make (compare: issue 2 item 9;
//! trace: issue 3), as far as predicts need it: which pointers name a number
//! that a given run command will produce. Checked statically so a typo in a
//! lesson fails `lesson --check`, not a student's session; the runner checks
//! again against the real output. The JSON documents are serialised from
//! view types that need a real run to exist, so this is a copy of their
//! contract, held to them by a test: every pointer [`RunShape::pointers`]
//! lists must name a number in real `compare --json` and `trace --json`
//! output (tests/lesson.rs).

use crate::error::Localized;
use crate::text::lesson_check as t;

/// The subcommands a lesson may run and whose `--json` shape is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Compare,
    Trace,
    /// `zclab kafka` (the demo): no sample, its own `--json` document.
    Kafka,
}

/// What the static check needs to know about a run command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunShape {
    pub kind: RunKind,
    /// Methods in output order: `methods[i]` for compare, the one method for
    /// trace.
    pub methods: Vec<String>,
}

/// The article's two methods: what a compare run measures by default.
const METHODS: [&str; 2] = ["read-write", "sendfile"];

/// Every method a lesson may name (`all` names them all, for compare).
fn known_method(name: &str) -> bool {
    crate::methods::Method::EVERY
        .iter()
        .any(|m| m.name() == name)
}

/// Flags the lesson runner adds itself; a lesson must not set them.
const RUNNER_FLAGS: [&str; 4] = ["--json", "--lang", "--color", "--auto"];

impl RunShape {
    pub fn from_args(args: &[String]) -> Result<RunShape, Localized> {
        let kind = match args.first().map(String::as_str) {
            Some("compare") => RunKind::Compare,
            Some("trace") => RunKind::Trace,
            Some("kafka") => RunKind::Kafka,
            Some(other) => return Err(Localized::new(t::RUN_KIND, &[("other", &other)])),
            None => return Err(Localized::new(t::EMPTY_COMMAND, &[])),
        };
        let mut methods = Vec::new();
        let mut it = args[1..].iter();
        let mut after_flag = false;
        while let Some(a) = it.next() {
            // A bare word right after `--flag` is taken as that flag's value;
            // the real CLI parser (the caller's validator) has the last word.
            if !a.starts_with('-') && after_flag {
                after_flag = false;
                continue;
            }
            after_flag = a.starts_with("--") && !a.contains('=');
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (a.as_str(), None),
            };
            if RUNNER_FLAGS.contains(&flag) {
                return Err(Localized::new(t::RUNNER_FLAG, &[("flag", &flag)]));
            }
            if !flag.starts_with('-') {
                return Err(Localized::new(t::NO_FILE, &[("arg", a)]));
            }
            if flag == "--method" || flag == "-m" {
                after_flag = false;
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| Localized::new(t::METHOD_VALUE, &[]))?,
                };
                if v == "all" && kind == RunKind::Compare {
                    methods.extend(
                        crate::methods::Method::EVERY
                            .iter()
                            .map(|m| m.name().to_string()),
                    );
                    continue;
                }
                if !known_method(&v) {
                    return Err(Localized::new(t::UNKNOWN_METHOD, &[("method", &v)]));
                }
                methods.push(v);
            }
        }
        match kind {
            RunKind::Compare if methods.is_empty() => {
                methods = METHODS.iter().map(|m| m.to_string()).collect();
            }
            RunKind::Trace if methods.is_empty() => methods.push("read-write".to_string()),
            RunKind::Trace if methods.len() > 1 => {
                return Err(Localized::new(t::TRACE_ONE_METHOD, &[]));
            }
            // The demo serves every pass both ways; its columns are in
            // this order.
            RunKind::Kafka => methods = METHODS.iter().map(|m| m.to_string()).collect(),
            _ => {}
        }
        Ok(RunShape { kind, methods })
    }

    /// Every pointer this check accepts (with step 0 for the per-step
    /// ones): a test holds them against real `--json` output, so this copy
    /// of the JSON contract cannot drift from zclab's output types unseen.
    pub fn pointers(&self) -> Vec<String> {
        let mut out = vec!["/buffer_bytes".to_string()];
        if self.kind != RunKind::Kafka {
            out.push("/file/bytes".to_string());
        }
        let method = |prefix: &str, i: usize, m: &str, out: &mut Vec<String>| {
            for name in syscalls_of(m) {
                out.push(format!("{prefix}/methods/{i}/syscalls/{name}"));
            }
            for f in PROCFS {
                out.push(format!("{prefix}/methods/{i}/procfs/{f}"));
            }
            for f in METHOD_NUMBERS {
                out.push(format!("{prefix}/methods/{i}/{f}"));
            }
        };
        match self.kind {
            RunKind::Compare => {
                out.push("/runs".to_string());
                for (i, m) in self.methods.iter().enumerate() {
                    method("", i, m, &mut out);
                }
            }
            RunKind::Trace => {
                for name in syscalls_of(&self.methods[0]) {
                    out.push(format!("/totals/syscalls/{name}"));
                }
                for f in TRACE_TOTALS {
                    out.push(format!("/totals/{f}"));
                }
                out.push("/calls".to_string());
                out.push("/steps/0/result".to_string());
                out.push("/steps/0/mode_switches/0".to_string());
                out.push("/steps/0/mode_switches/1".to_string());
                out.push("/summary/file/bytes".to_string());
                out.push("/summary/buffer_bytes".to_string());
                method("/summary", 0, &self.methods[0], &mut out);
            }
            RunKind::Kafka => {
                for f in KAFKA_TOTALS {
                    out.push(format!("/{f}"));
                }
                for i in 0..self.methods.len() {
                    for f in KAFKA_COLUMN {
                        out.push(format!("/columns/{i}/{f}"));
                    }
                }
            }
        }
        debug_assert!(out.iter().all(|p| self.check_pointer(p).is_ok()));
        out
    }

    /// Is `pointer` a number this run's `--json` output will contain?
    pub fn check_pointer(&self, pointer: &str) -> Result<(), Localized> {
        let segs: Vec<String> = pointer
            .strip_prefix('/')
            .ok_or_else(|| Localized::new(t::NOT_POINTER, &[("pointer", &pointer)]))?
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let ok = match (self.kind, segs.as_slice()) {
            (_, ["buffer_bytes"]) => true,
            (RunKind::Compare | RunKind::Trace, ["file", "bytes"]) => true,
            (RunKind::Kafka, [f]) => KAFKA_TOTALS.contains(f),
            (RunKind::Kafka, ["columns", i, f]) => {
                i.parse::<usize>().is_ok_and(|i| i < self.methods.len()) && KAFKA_COLUMN.contains(f)
            }
            (RunKind::Compare, ["runs"]) => true,
            (RunKind::Compare, ["methods", i, rest @ ..]) => {
                let method = i
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.methods.get(i))
                    .ok_or_else(|| {
                        Localized::new(
                            t::NO_SUCH_METHOD,
                            &[
                                ("pointer", &pointer),
                                ("count", &self.methods.len()),
                                ("methods", &self.methods.join(", ")),
                                ("i", i),
                            ],
                        )
                    })?;
                match rest {
                    ["syscalls", name] => syscalls_of(method).contains(name),
                    // Each road's own evidence.
                    ["minflt"] => method == "mmap",
                    ["pipe_bytes"] => method == "splice",
                    ["zerocopy", "sent" | "copied" | "completions" | "covered"] => {
                        method == "msg-zerocopy" || method == "io-uring"
                    }
                    ["procfs", field] => PROCFS.contains(field),
                    [f] => METHOD_NUMBERS.contains(f),
                    _ => false,
                }
            }
            (RunKind::Trace, ["totals", "syscalls", name]) => {
                syscalls_of(&self.methods[0]).contains(name)
            }
            (RunKind::Trace, ["totals", f]) => TRACE_TOTALS.contains(f),
            (RunKind::Trace, ["calls"]) => true,
            (RunKind::Trace, ["steps", i, "result"]) => i.parse::<usize>().is_ok(),
            (RunKind::Trace, ["steps", i, "mode_switches", "0" | "1"]) => {
                i.parse::<usize>().is_ok()
            }
            // trace's `summary` is compare's document for this one run.
            (RunKind::Trace, ["summary", rest @ ..]) => {
                let one = RunShape {
                    kind: RunKind::Compare,
                    methods: self.methods.clone(),
                };
                return one
                    .check_pointer(&format!("/{}", rest.join("/")))
                    .map_err(|e| Localized::around(t::UNDER_SUMMARY, "reason", &e, &[]));
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            let (command, example) = match self.kind {
                RunKind::Compare => ("compare", t::EXAMPLE_COMPARE),
                RunKind::Trace => ("trace", t::EXAMPLE_TRACE),
                RunKind::Kafka => ("kafka", t::EXAMPLE_KAFKA),
            };
            Err(Localized::around(
                t::NOT_A_NUMBER,
                "example",
                &Localized::new(example, &[]),
                &[("pointer", &pointer), ("command", &command)],
            ))
        }
    }
}

/// Number fields of the `--json` documents that no rendered table shows
/// under that name (the `/proc` counters are shown under their kernel
/// names, so they are not here).
pub fn json_only_fields() -> impl Iterator<Item = &'static str> {
    METHOD_NUMBERS.into_iter().chain(
        TRACE_TOTALS
            .into_iter()
            .filter(|f| !METHOD_NUMBERS.contains(f)),
    )
}

fn syscalls_of(method: &str) -> &'static [&'static str] {
    crate::methods::Method::EVERY
        .iter()
        .find(|m| m.name() == method)
        .map_or(&["read", "write"], |m| m.syscall_names())
}

/// Numbers at the top of `zclab kafka --json`.
const KAFKA_TOTALS: [&str; 4] = [
    "produced_bytes",
    "produced_records",
    "produced_batches",
    "produce_requests",
];

/// Numbers of each column (`/columns/I/…`) of `zclab kafka --json`.
const KAFKA_COLUMN: [&str; 18] = [
    "fetches",
    "record_bytes",
    "cpu_copies",
    "dma_copies",
    "user_space_bytes",
    "syscalls",
    "header_writes",
    "header_bytes",
    "sendfile_calls",
    "read_calls",
    "write_calls",
    "proc_syscalls",
    "proc_rchar",
    "proc_wchar",
    "cpu_us",
    "mib_s",
    "sendfile_calls_per_fetch",
    "syscalls_per_fetch",
];

const METHOD_NUMBERS: [&str; 7] = [
    "mode_switches",
    "cpu_ns",
    "user_copy_bytes",
    "cpu_user_us",
    "cpu_sys_us",
    "elapsed_s",
    "throughput_mib_s",
];

const PROCFS: [&str; 15] = [
    "rchar",
    "wchar",
    "syscr",
    "syscw",
    "read_bytes",
    "write_bytes",
    "minflt",
    "majflt",
    "voluntary_ctxt_switches",
    "nonvoluntary_ctxt_switches",
    "cancelled_write_bytes",
    "utime",
    "stime",
    "sum_exec_runtime",
    "run_delay",
];

const TRACE_TOTALS: [&str; 4] = [
    "mode_switches",
    "cpu_copies",
    "dma_copies",
    "user_copy_bytes",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str) -> Result<RunShape, Localized> {
        let v: Vec<String> = s.split_whitespace().map(str::to_string).collect();
        RunShape::from_args(&v)
    }

    #[test]
    fn compare_pointers_follow_method_order() {
        let s = shape("compare --runs 1 --method sendfile --method read-write").expect("ok");
        assert!(s.check_pointer("/methods/0/syscalls/sendfile").is_ok());
        assert!(s.check_pointer("/methods/1/syscalls/read").is_ok());
        assert!(s.check_pointer("/methods/0/syscalls/read").is_err());
        assert!(s.check_pointer("/methods/2/mode_switches").is_err());
        assert!(s.check_pointer("/methods/1/procfs/rchar").is_ok());
        assert!(s.check_pointer("/methods/1/procfs/bogus").is_err());
        let d = shape("compare").expect("ok");
        assert_eq!(d.methods, ["read-write", "sendfile"]);
    }

    #[test]
    fn trace_pointers() {
        let s = shape("trace --method=sendfile --buf 4096").expect("ok");
        assert!(s.check_pointer("/totals/syscalls/sendfile").is_ok());
        assert!(s.check_pointer("/totals/syscalls/read").is_err());
        assert!(s.check_pointer("/totals/mode_switches").is_ok());
        assert!(s.check_pointer("/methods/0/mode_switches").is_err());
        assert!(s.check_pointer("/summary/methods/0/procfs/rchar").is_ok());
        assert!(s.check_pointer("/summary/methods/1/procfs/rchar").is_err());
        assert!(s.check_pointer("/steps/0/mode_switches/1").is_ok());
        assert!(s.check_pointer("/steps/0/mode_switches").is_err());
    }

    #[test]
    fn every_listed_pointer_is_accepted() {
        for line in [
            "compare",
            "compare --method sendfile",
            "trace --method sendfile",
            "trace",
        ] {
            let s = shape(line).expect("ok");
            for p in s.pointers() {
                assert!(s.check_pointer(&p).is_ok(), "{line}: {p}");
            }
        }
    }

    #[test]
    fn runner_flags_and_files_are_rejected() {
        assert!(shape("compare --json").is_err());
        assert!(shape("trace samples/x.log").is_err());
        assert!(shape("count ls").is_err());
        assert!(shape("trace --method mmap-ish").is_err());
        assert!(shape("trace --method all").is_err());
        assert_eq!(
            shape("compare --method all").map(|s| s.methods.len()),
            Ok(6)
        );
    }
}
