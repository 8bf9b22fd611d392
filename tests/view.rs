//! What the redesigned output promises, on the real binary: `compare`'s
//! default fits a projector (40 lines at 100 columns), no line is wider
//! than the width it was laid out for (80 columns included, both
//! languages), and `--details` keeps everything the full report had.

mod common;

use common::{temp_home, zclab};
use unicode_width::UnicodeWidthStr;

fn compare(home: &std::path::Path, width: &str, extra: &[&str]) -> String {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-1MiB.log");
    let out = zclab(home)
        .env("COLUMNS", width)
        .args(["compare", "--runs", "1"])
        .args(extra)
        .arg(&file)
        .output()
        .expect("run zclab");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn widest(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn the_default_fits_a_projector_and_details_keep_everything() {
    let home = temp_home();
    for lang in ["en", "zh"] {
        let brief = compare(home.path(), "100", &["--lang", lang]);
        assert!(
            brief.lines().count() <= 40,
            "{} lines:\n{brief}",
            brief.lines().count()
        );
        assert!(widest(&brief) <= 100, "{brief}");
        for width in ["80", "120"] {
            let full = compare(home.path(), width, &["--lang", lang, "--details"]);
            assert!(widest(&full) <= width.parse().expect("width"), "{full}");
        }
    }
    let brief = compare(home.path(), "100", &[]);
    assert!(brief.contains("--details"), "{brief}");
    assert!(!brief.contains("How to read this:"), "{brief}");
    let full = compare(home.path(), "100", &["--details"]);
    for needle in [
        "System calls of the sending thread",
        "/proc counters",
        "Data path of each method",
        "runs verified",
        "How to read this:",
        "voluntary_ctxt_switches",
    ] {
        assert!(full.contains(needle), "--details lost {needle:?}:\n{full}");
    }
}

#[test]
fn json_carries_the_procfs_verdict() {
    let home = temp_home();
    let text = compare(home.path(), "100", &["--json"]);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for m in doc["methods"].as_array().expect("methods") {
        // syscr/syscw must have moved by exactly the method's own calls.
        assert_eq!(m["procfs_agrees"], true, "{m}");
        assert_eq!(
            m["mode_switches"].as_u64(),
            m["syscalls_total"].as_u64().map(|n| 2 * n)
        );
    }
    assert!(doc["versus"]["throughput"]["verdict"].is_string(), "{doc}");
}
