//! Snapshots of `--verify`'s section from hand-built views: both languages,
//! 80 and 120 columns, colour off; the counts agreeing and differing.

use std::collections::BTreeMap;

use super::render;
use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::methods::Method;
use crate::view::verify::*;

fn pair(own: u64, traced: u64, bytes: u64) -> CallPair {
    CallPair {
        own,
        traced,
        traced_bytes: bytes,
        traced_errors: 0,
        agrees: own == traced,
        difference: traced as i64 - own as i64,
    }
}

fn method(m: Method, calls: &[(&'static str, CallPair)]) -> VerifyMethodView {
    let data: u64 = calls.iter().map(|c| c.1.traced).sum();
    let other = vec![("futex".to_string(), 3), ("getrusage".to_string(), 2)];
    VerifyMethodView {
        method: m,
        agrees: calls.iter().all(|c| c.1.agrees),
        sender_tid: 4242,
        calls: calls.iter().copied().collect(),
        call_order: calls.iter().map(|c| c.0).collect(),
        own_user_copy_bytes: if m == Method::ReadWrite { 2 << 20 } else { 0 },
        traced_user_copy_bytes: if m == Method::ReadWrite { 2 << 20 } else { 0 },
        sender_total_calls: data + 5,
        sender_data_calls: data,
        sender_other_calls: 5,
        sender_other: other,
        sender_syscalls: BTreeMap::new(),
        procfs_syscr: calls[0].1.own,
        procfs_syscw: calls.last().map(|c| c.1.own).unwrap_or(0),
        threads_traced: 3,
        elapsed_s: 0.05,
    }
}

pub(crate) fn sample_view(differ: bool) -> VerifyView {
    let write = if differ {
        pair(256, 257, 1 << 20)
    } else {
        pair(256, 256, 1 << 20)
    };
    let methods = vec![
        method(
            Method::ReadWrite,
            &[("read", pair(257, 257, 1 << 20)), ("write", write)],
        ),
        method(Method::Sendfile, &[("sendfile", pair(2, 2, 1 << 20))]),
    ];
    VerifyView {
        agrees: methods.iter().all(|m| m.agrees),
        source: SOURCE,
        methods,
    }
}

#[test]
fn verify_snapshots() {
    for differ in [false, true] {
        let view = sample_view(differ);
        for lang in [Lang::En, Lang::Zh] {
            for width in [80, 120] {
                let text = render(&view, &Ctx::plain(lang, width));
                for line in text.lines() {
                    assert!(
                        unicode_width::UnicodeWidthStr::width(line) <= width,
                        "{line}"
                    );
                }
                crate::report::assert_typeset(&text, width);
                let name = format!(
                    "verify_{}{lang:?}_{width}",
                    if differ { "differ_" } else { "" }
                )
                .to_lowercase();
                insta::assert_snapshot!(name, text);
            }
        }
    }
}

#[test]
fn verify_says_when_the_counts_agree_and_when_they_differ() {
    let text = render(&sample_view(false), &Ctx::plain(Lang::En, 100));
    assert!(text.contains("agree ✓"), "{text}");
    assert!(text.contains("Both witnesses agree"), "{text}");
    let text = render(&sample_view(false), &Ctx::plain(Lang::Zh, 100));
    assert!(
        text.contains("一致 ✓") && text.contains("两路计数"),
        "{text}"
    );
    let v = sample_view(true);
    assert!(!v.agrees);
    let text = render(&v, &Ctx::plain(Lang::En, 100));
    assert!(text.contains("DIFFER by +1"), "{text}");
    assert!(text.contains("The witnesses DIFFER"), "{text}");
}

#[test]
fn compare_json_keeps_its_fields_and_gains_verify() {
    let compare = crate::report::compare::tests::sample_view();
    let verify = sample_view(true);
    let json = crate::report::json::comparison_with(&compare, Some(&verify)).expect("JSON");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("parse");
    assert_eq!(doc["verify"]["agrees"], false);
    assert_eq!(doc["verify"]["methods"][0]["calls"]["write"]["traced"], 257);
    assert_eq!(
        doc["verify"]["methods"][0]["calls"]["write"]["difference"],
        1
    );
    assert_eq!(doc["verify"]["methods"][1]["method"], "sendfile");
    assert_eq!(
        doc["methods"][1]["method"], "sendfile",
        "compare's fields kept"
    );
    let plain = crate::report::json::comparison_with(&compare, None).expect("JSON");
    assert!(!plain.contains("\"verify\""));
}
