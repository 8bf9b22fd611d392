//! [`VerifyView`]: `compare --verify`'s two counts of the same calls side by
//! side, with every verdict and difference computed once.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::methods::Method;
use crate::verify::Verification;
use crate::view::count::CallCounts;

/// `source` in JSON.
pub const SOURCE: &str = "each method re-run once in a child `zclab compare --json` under zclab's ptrace tracer; own = the child's count, traced = the tracer's count on the child's sending thread";

#[derive(Clone, Debug, Serialize)]
pub struct VerifyView {
    /// Both counts agree on every data-moving call of every method.
    pub agrees: bool,
    pub source: &'static str,
    pub methods: Vec<VerifyMethodView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyMethodView {
    pub method: Method,
    pub agrees: bool,
    pub sender_tid: i32,
    /// name → both counts, in the method's call order for the table.
    pub calls: BTreeMap<&'static str, CallPair>,
    #[serde(skip)]
    pub call_order: Vec<&'static str>,
    pub own_user_copy_bytes: u64,
    pub traced_user_copy_bytes: u64,
    pub sender_total_calls: u64,
    /// Of those, the data-moving calls compare counts…
    pub sender_data_calls: u64,
    /// …and the rest (set-up and synchronisation), most called first.
    pub sender_other_calls: u64,
    pub sender_other: Vec<(String, u64)>,
    pub sender_syscalls: BTreeMap<String, CallCounts>,
    pub procfs_syscr: u64,
    pub procfs_syscw: u64,
    pub threads_traced: usize,
    pub elapsed_s: f64,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct CallPair {
    pub own: u64,
    pub traced: u64,
    pub traced_bytes: u64,
    pub traced_errors: u64,
    pub agrees: bool,
    /// traced − own.
    pub difference: i64,
}

impl VerifyView {
    pub fn new(v: &Verification) -> VerifyView {
        VerifyView {
            agrees: v.agrees(),
            source: SOURCE,
            methods: v
                .methods
                .iter()
                .map(|m| {
                    let total = m.sender_total_calls();
                    let data: u64 = m.calls.iter().map(|c| c.traced).sum();
                    let mut other: Vec<(String, u64)> = m
                        .sender_syscalls
                        .iter()
                        .filter(|(n, _)| !m.calls.iter().any(|c| c.name == n.as_str()))
                        .map(|(n, s)| (n.clone(), s.calls))
                        .collect();
                    other.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    VerifyMethodView {
                        method: m.method,
                        agrees: m.agrees(),
                        sender_tid: m.sender_tid,
                        calls: m
                            .calls
                            .iter()
                            .map(|c| {
                                (
                                    c.name,
                                    CallPair {
                                        own: c.own,
                                        traced: c.traced,
                                        traced_bytes: c.traced_bytes,
                                        traced_errors: c.traced_errors,
                                        agrees: c.agrees(),
                                        difference: c.traced as i64 - c.own as i64,
                                    },
                                )
                            })
                            .collect(),
                        call_order: m.calls.iter().map(|c| c.name).collect(),
                        own_user_copy_bytes: m.own_user_copy_bytes,
                        traced_user_copy_bytes: m.traced_user_copy_bytes,
                        sender_total_calls: total,
                        sender_data_calls: data,
                        sender_other_calls: total.saturating_sub(data),
                        sender_other: other,
                        sender_syscalls: m
                            .sender_syscalls
                            .iter()
                            .map(|(n, s)| (n.clone(), CallCounts::of(n, s)))
                            .collect(),
                        procfs_syscr: m.procfs_syscr,
                        procfs_syscw: m.procfs_syscw,
                        threads_traced: m.threads_seen,
                        elapsed_s: m.elapsed.as_secs_f64(),
                    }
                })
                .collect(),
        }
    }
}
