//! Snapshots of the compare report from a hand-built view: both languages,
//! 80 and 120 columns, colour off.

use std::collections::BTreeMap;

use super::{Detail, render};
use crate::counters::Snapshot;
use crate::ctx::Ctx;
use crate::lang::Lang;
use crate::methods::Method;
use crate::model::{self, HopFacts};
use crate::view::compare::*;

const MIB: u64 = 1 << 20;

fn method(m: Method, calls: &[(&'static str, u64)], cpu_us: u64, secs: f64) -> MethodView {
    let total: u64 = calls.iter().map(|c| c.1).sum();
    let user = if m == Method::ReadWrite { 2 * MIB } else { 0 };
    let copies = model::evaluate(
        m,
        &HopFacts {
            bytes_into_user: user / 2,
            bytes_out_of_user: user / 2,
            read_bytes: 0,
            file_bytes: MIB,
            ..HopFacts::default()
        },
    );
    let snap = Snapshot {
        rchar: MIB,
        wchar: MIB,
        syscr: calls[0].1,
        syscw: calls.last().map(|c| c.1).unwrap_or(0),
        voluntary_ctxt_switches: 3,
        ..Snapshot::default()
    };
    let procfs: BTreeMap<&'static str, u64> = snap.fields().into_iter().collect();
    let units = if m == Method::ReadWrite { 256 } else { total };
    MethodView {
        method: m,
        syscalls: calls.iter().copied().collect(),
        syscalls_total: total,
        mode_switches: 2 * total,
        mode_switches_basis: MODE_SWITCHES_BASIS,
        unit: if m == Method::ReadWrite {
            Unit::Chunk
        } else {
            Unit::Call
        },
        units,
        mode_switches_per_unit: Some(2.0 * total as f64 / units as f64),
        user_copy_bytes: user,
        short_writes: 0,
        interrupted_calls: 0,
        procfs: procfs.clone(),
        procfs_agrees: true,
        cpu_ns: cpu_us * 1000,
        cpu_basis: CPU_BASIS,
        cpu_user_us: cpu_us / 10,
        cpu_sys_us: cpu_us - cpu_us / 10,
        cpu_split_meaningful: false,
        cpu_ms: cpu_us as f64 / 1000.0,
        cpu_ns_with_consumer: cpu_us * 1000 + 3_500_000,
        cpu_core_percent: cpu_us as f64 / 1e6 / secs * 100.0,
        elapsed_s: secs,
        throughput_mib_s: Some(1.0 / secs),
        throughput_missing: None,
        throughput_mib_s_min: Some(0.9 / secs),
        throughput_mib_s_max: Some(1.1 / secs),
        copy_counts: CopyCounts::of(&copies),
        copies,
        consumer: ConsumerView {
            received_bytes: MIB,
            copy_bytes: MIB,
            read_calls: 17,
            cpu_ns: 3_500_000,
            check_ns: 40_000,
            cpu_user_us: 100,
            cpu_sys_us: 900,
            procfs,
        },
        verified: true,
        runs_verified: 3,
        stopped_early: false,
        received_crc32: "1badcafe".into(),
        sender_tid: 4242,
        median_run: 1,
        all_runs: (0..3)
            .map(|_| RunView {
                elapsed_s: secs,
                throughput_mib_s: Some(1.0 / secs),
                cpu_ns: cpu_us * 1000,
                consumer_cpu_ns: 3_500_000,
                cpu_user_us: 0,
                cpu_sys_us: cpu_us,
                syscalls: total,
                verified: true,
                resident_before_bytes: None,
                read_bytes: 0,
            })
            .collect(),
        minflt: None,
        pipe_bytes: None,
        zerocopy: None,
    }
}

/// A 1 MiB file sent with a 4 KiB buffer: 257 reads (the last one at end
/// of file) and 256 writes against one sendfile call and its end.
pub(crate) fn sample_view() -> CompareView {
    let rw = method(
        Method::ReadWrite,
        &[("read", 257), ("write", 256)],
        12_000,
        0.040,
    );
    let sf = method(Method::Sendfile, &[("sendfile", 2)], 4_000, 0.020);
    let versus = Versus::new(&rw, &sf);
    CompareView {
        zclab_version: "0.0.0",
        file: FileView {
            path: "samples/kafka-segment-1MiB.log".into(),
            bytes: MIB,
            crc32: "1badcafe".into(),
            default_sample: false,
        },
        buffer_bytes: 4096,
        runs: 3,
        page_cache: PageCache::Warm,
        cold_refused: None,
        methods: vec![rw, sf],
        verified: true,
        runs_total: 6,
        all_runs_complete_and_verified: true,
        versus: Some(versus),
        pinned_after_eviction: vec![],
        notes: vec![
            Note::ModeSwitchesDerived,
            Note::ContextSwitches,
            Note::SendfileProcfs,
            Note::ConsumerCopy,
            Note::LoopbackNic,
            Note::WarmCache,
            Note::CpuSource,
            Note::ConsumerCheck {
                check_ns: 40_000,
                share_percent: 1.142857,
            },
        ],
    }
}

fn check_width(text: &str, width: usize) {
    for line in text.lines() {
        let w = unicode_width::UnicodeWidthStr::width(line);
        assert!(w <= width, "line of {w} columns > {width}:\n{line}");
    }
    crate::report::assert_typeset(text, width);
}

#[test]
fn compare_snapshots() {
    let view = sample_view();
    for lang in [Lang::En, Lang::Zh] {
        for width in [80, 120] {
            let ctx = Ctx::plain(lang, width);
            let brief = render(&view, &ctx, "zclab compare", Detail::Brief);
            let full = render(&view, &ctx, "zclab compare", Detail::Full);
            check_width(&brief, width);
            check_width(&full, width);
            let name = format!("{lang:?}_{width}").to_lowercase();
            insta::assert_snapshot!(format!("compare_brief_{name}"), brief);
            insta::assert_snapshot!(format!("compare_details_{name}"), full);
        }
    }
}

#[test]
fn the_default_fits_a_projector() {
    for lang in [Lang::En, Lang::Zh] {
        let ctx = Ctx::plain(lang, 100);
        let brief = render(&sample_view(), &ctx, "zclab compare", Detail::Brief);
        check_width(&brief, 100);
        assert!(
            brief.lines().count() <= 40,
            "{} lines:\n{brief}",
            brief.lines().count()
        );
    }
}

#[test]
fn json_carries_the_verdicts() {
    let doc = serde_json::to_value(sample_view()).expect("json");
    assert_eq!(doc["methods"][0]["method"], "read-write");
    assert_eq!(doc["methods"][0]["procfs_agrees"], true);
    assert_eq!(doc["methods"][0]["mode_switches"], 2 * 513);
    assert_eq!(doc["versus"]["throughput"]["verdict"], "faster");
    assert_eq!(doc["versus"]["cpu"]["verdict"], "less");
    assert_eq!(doc["versus"]["cpu_with_consumer"]["verdict"], "less");
    assert_eq!(doc["methods"][0]["cpu_ns"], 12_000_000);
    assert_eq!(doc["page_cache"], "warm");
}

/// Runs under 0.5 ms are not compared for speed (nearly all fixed cost),
/// in both languages, in the table and in the one-line verdict; at 0.5 ms
/// they are.
#[test]
fn speeds_of_runs_under_half_a_millisecond_are_not_compared() {
    let rw = method(
        Method::ReadWrite,
        &[("read", 2), ("write", 1)],
        50,
        0.000_180,
    );
    let sf = method(Method::Sendfile, &[("sendfile", 2)], 40, 0.000_120);
    let versus = Versus::new(&rw, &sf);
    assert!(matches!(versus.throughput, SpeedVerdict::TooShort));
    let mut view = sample_view();
    view.methods = vec![rw.clone(), sf];
    view.versus = Some(versus);
    for (lang, cell, line) in [
        (
            Lang::En,
            "(a run took < 0.5 ms)",
            "too short to compare speeds (under 0.5 ms)",
        ),
        (
            Lang::Zh,
            "（有一次运行不到 0.5 ms）",
            "运行时间太短（不到 0.5 ms），无法比较速度",
        ),
    ] {
        let text = render(
            &view,
            &Ctx::plain(lang, 120),
            "zclab compare",
            Detail::Brief,
        );
        let flat: String = text.split_whitespace().collect();
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert!(flat.contains(&squeeze(cell)), "{text}");
        assert!(flat.contains(&squeeze(line)), "{text}");
        assert!(text.contains("0.18 ms"), "{text}");
    }
    let rw_at_limit = method(
        Method::ReadWrite,
        &[("read", 2), ("write", 1)],
        50,
        0.000_600,
    );
    let sf_at_limit = method(Method::Sendfile, &[("sendfile", 2)], 40, 0.000_500);
    assert!(matches!(
        Versus::new(&rw_at_limit, &sf_at_limit).throughput,
        SpeedVerdict::Faster { .. }
    ));
}

/// The same 1 MiB file sent by all six methods (`--method all`), each road
/// with its own evidence as the kernel would give it over loopback.
fn six_view() -> CompareView {
    let mut v = sample_view();
    let road = |m: Method, calls: &[(&'static str, u64)], user: u64| {
        let mut r = method(m, calls, 6_000, 0.030);
        r.user_copy_bytes = user;
        r.unit = Unit::Chunk;
        r.units = 256;
        r.mode_switches_per_unit = Some(r.mode_switches as f64 / 256.0);
        r.copies = model::evaluate(
            m,
            &HopFacts {
                bytes_into_user: if user == MIB { MIB } else { 0 },
                bytes_out_of_user: if m == Method::Mmap { MIB } else { 0 },
                file_bytes: MIB,
                zc_sent: 256,
                zc_copied: 256,
                zc_code: model::zerocopy_code(m),
                ..HopFacts::default()
            },
        );
        r.copy_counts = CopyCounts::of(&r.copies);
        r
    };
    let mut mmap = road(
        Method::Mmap,
        &[("mmap", 1), ("write", 256), ("munmap", 1)],
        MIB,
    );
    mmap.minflt = Some(17);
    let mut splice = road(
        Method::Splice,
        &[("pipe2", 1), ("fcntl", 1), ("splice", 513)],
        0,
    );
    splice.pipe_bytes = Some(8192);
    for (k, val) in splice.procfs.iter_mut() {
        if matches!(*k, "rchar" | "wchar" | "syscr" | "syscw") {
            *val = 0;
        }
    }
    let zc = |code| ZeroCopyView {
        sent: 256,
        copied: 256,
        completions: 3,
        covered: 256,
        code,
        enobufs_retries: 0,
    };
    let mut msg = road(
        Method::MsgZerocopy,
        &[
            ("setsockopt", 1),
            ("read", 257),
            ("sendmsg", 256),
            ("poll", 1),
            ("recvmsg", 4),
        ],
        MIB,
    );
    msg.zerocopy = Some(zc("SO_EE_CODE_ZEROCOPY_COPIED"));
    let mut uring = road(
        Method::IoUring,
        &[
            ("io_uring_setup", 1),
            ("read", 257),
            ("io_uring_enter", 258),
        ],
        MIB,
    );
    uring.zerocopy = Some(ZeroCopyView {
        completions: 256,
        ..zc("IORING_NOTIF_USAGE_ZC_COPIED")
    });
    v.methods.extend([mmap, splice, msg, uring]);
    v.notes
        .extend([Note::Mmap, Note::Splice, Note::ZeroCopy, Note::IoUring]);
    v
}

#[test]
fn six_methods_snapshots() {
    let view = six_view();
    for lang in [Lang::En, Lang::Zh] {
        for width in [80, 120] {
            let ctx = Ctx::plain(lang, width);
            let brief = render(&view, &ctx, "zclab compare", Detail::Brief);
            let full = render(&view, &ctx, "zclab compare", Detail::Full);
            check_width(&brief, width);
            check_width(&full, width);
            // One table is split into groups that fit: no versus column.
            let tables = brief.matches('┌').count();
            assert_eq!(tables, if width == 80 { 3 } else { 2 }, "{brief}");
            assert!(!brief.contains(ctx.t(crate::text::compare::HEAD_VERSUS)));
            let name = format!("{lang:?}_{width}").to_lowercase();
            insta::assert_snapshot!(format!("six_methods_brief_{name}"), brief);
            insta::assert_snapshot!(format!("six_methods_details_{name}"), full);
        }
    }
    let doc = serde_json::to_value(&view).expect("json");
    assert_eq!(doc["methods"][2]["minflt"], 17);
    assert_eq!(doc["methods"][3]["pipe_bytes"], 8192);
    assert_eq!(doc["methods"][4]["zerocopy"]["copied"], 256);
    assert_eq!(doc["methods"][5]["zerocopy"]["sent"], 256);
    assert!(doc["methods"][0].get("zerocopy").is_none());
}
