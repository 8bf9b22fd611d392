//! `zclab compare` on real files: what the kernel must have done.

mod common;

use common::{file_of, json_of, method, temp_home, u, zclab};

/// Sizes around the buffer edges, for both methods and two buffers:
/// read-write makes ceil(size/buf) data reads + 1 EOF read and (without
/// short writes) ceil(size/buf) writes; every byte passes user space twice;
/// sendfile passes none; /proc's syscr/syscw agree with zclab's own counts.
#[test]
fn counts_match_what_the_kernel_must_do() {
    let home = temp_home();
    for size in [0usize, 1, 4095, 4096, 4097, (1 << 20) + 13] {
        let path = file_of(home.path(), &format!("f{size}"), size);
        for buf in [512u64, 4096] {
            let doc = json_of(
                zclab(home.path())
                    .args(["compare", "--runs", "1", "--json", "--buf"])
                    .arg(buf.to_string())
                    .arg(&path),
            );
            let ctx = format!("size {size}, buf {buf}");
            assert_eq!(u(&doc["file"]["bytes"]), size as u64, "{ctx}");
            assert_eq!(u(&doc["buffer_bytes"]), buf, "{ctx}");
            assert_eq!(doc["verified"], true, "{ctx}");
            let chunks = (size as u64).div_ceil(buf);

            let rw = method(&doc, "read-write");
            assert_eq!(rw["verified"], true, "{ctx}");
            let reads = u(&rw["syscalls"]["read"]);
            let writes = u(&rw["syscalls"]["write"]);
            assert_eq!(reads, chunks + 1, "{ctx}: data reads + 1 EOF read");
            assert_eq!(
                writes,
                chunks + u(&rw["short_writes"]),
                "{ctx}: one write per chunk plus retries"
            );
            assert_eq!(u(&rw["user_copy_bytes"]), 2 * size as u64, "{ctx}");
            assert_eq!(u(&rw["mode_switches"]), 2 * (reads + writes), "{ctx}");
            assert_eq!(u(&rw["procfs"]["syscr"]), reads, "{ctx}: /proc syscr");
            assert_eq!(u(&rw["procfs"]["syscw"]), writes, "{ctx}: /proc syscw");
            assert_eq!(u(&rw["procfs"]["rchar"]), size as u64, "{ctx}");
            assert_eq!(u(&rw["procfs"]["wchar"]), size as u64, "{ctx}");
            assert_eq!(u(&rw["consumer"]["received_bytes"]), size as u64, "{ctx}");

            let sf = method(&doc, "sendfile");
            assert_eq!(sf["verified"], true, "{ctx}");
            let calls = u(&sf["syscalls"]["sendfile"]);
            assert_eq!(
                calls,
                if size == 0 { 0 } else { 1 } + u(&sf["interrupted_calls"]),
                "{ctx}"
            );
            assert_eq!(u(&sf["user_copy_bytes"]), 0, "{ctx}");
            assert_eq!(u(&sf["mode_switches"]), 2 * calls, "{ctx}");
            // sendfile is accounted as one read and one write per call, and
            // its bytes as both read and written, though none enter user
            // space.
            assert_eq!(u(&sf["procfs"]["syscr"]), calls, "{ctx}");
            assert_eq!(u(&sf["procfs"]["syscw"]), calls, "{ctx}");
            assert_eq!(u(&sf["procfs"]["rchar"]), size as u64, "{ctx}");
            assert_eq!(u(&sf["procfs"]["wchar"]), size as u64, "{ctx}");
        }
    }
}

#[test]
fn sixteen_kib_with_four_kib_buffer_is_five_reads_and_four_writes() {
    let home = temp_home();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-16KiB.log");
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "2", "--json", "--method", "read-write"])
            .arg(&sample),
    );
    assert_eq!(doc["methods"].as_array().map(Vec::len), Some(1));
    let rw = method(&doc, "read-write");
    assert_eq!(u(&rw["syscalls"]["read"]), 5);
    assert_eq!(u(&rw["syscalls"]["write"]), 4);
    assert_eq!(u(&rw["mode_switches"]), 18);
    assert_eq!(rw["all_runs"].as_array().map(Vec::len), Some(2));
    let copies = rw["copies"].as_array().expect("copies");
    let path: Vec<(&str, &str, &str)> = copies
        .iter()
        .map(|h| {
            (
                h["from"].as_str().unwrap_or(""),
                h["kind"].as_str().unwrap_or(""),
                h["evidence"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        path,
        [
            ("disk", "dma", "modelled"),
            ("page_cache", "cpu", "measured"),
            ("user_buffer", "cpu", "measured"),
            ("socket_buffer", "dma", "modelled")
        ]
    );
}

#[test]
fn method_order_follows_the_flags() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 10_000);
    let doc = json_of(
        zclab(home.path())
            .args([
                "compare",
                "--runs",
                "1",
                "--json",
                "--method",
                "sendfile",
                "--method",
                "read-write",
                "--method",
                "sendfile",
            ])
            .arg(&path),
    );
    let names: Vec<&str> = doc["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(names, ["sendfile", "read-write"]);
}

/// One sendfile call moves at most 0x7ffff000 bytes: a file over 2 GiB
/// needs a second call. A sparse file keeps the test off the disk.
#[test]
fn sendfile_over_two_gib_takes_two_calls() {
    let home = temp_home();
    let path = home.path().join("big.sparse");
    let size: u64 = (2u64 << 30) + 4096;
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(size).expect("set_len");
    drop(f);
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json", "--method", "sendfile"])
            .arg(&path),
    );
    let sf = method(&doc, "sendfile");
    assert_eq!(sf["verified"], true);
    assert_eq!(
        u(&sf["syscalls"]["sendfile"]) - u(&sf["interrupted_calls"]),
        2
    );
    assert_eq!(u(&sf["consumer"]["received_bytes"]), size);
    assert_eq!(u(&sf["procfs"]["wchar"]), size);
}

#[test]
fn table_renders_in_english_and_chinese_without_colour_when_piped() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 50_000);
    let en = zclab(home.path())
        .args(["compare", "--runs", "1"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(en.status.success());
    let en = String::from_utf8_lossy(&en.stdout);
    for needle in [
        "Data copies",
        "Mode switches",
        "(user ↔ kernel)",
        "CPU usage",
        "Throughput",
        "article: 4",
        "[derived]",
        "[measured]",
        "[modelled]",
        "runs verified",
    ] {
        assert!(en.contains(needle), "missing {needle:?} in:\n{en}");
    }
    assert!(!en.contains('\x1b'), "colour escape in piped output");

    let zh = zclab(home.path())
        .args(["compare", "--runs", "1", "--lang", "zh"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(zh.status.success());
    let zh = String::from_utf8_lossy(&zh.stdout);
    for needle in [
        "数据拷贝次数",
        "用户态/内核态切换",
        "CPU 占用",
        "吞吐量",
        "文章：4 次",
        "［实测］",
        "［模型］",
    ] {
        assert!(zh.contains(needle), "missing {needle:?} in:\n{zh}");
    }

    // LANG decides when --lang is absent.
    let env_zh = zclab(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .args(["compare", "--runs", "1"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&env_zh.stdout).contains("数据拷贝次数"));

    let forced = zclab(home.path())
        .args(["compare", "--runs", "1", "--color", "always"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&forced.stdout).contains('\x1b'),
        "--color always must colour"
    );
    let no_color = zclab(home.path())
        .env("NO_COLOR", "1")
        .args(["compare", "--runs", "1"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&no_color.stdout).contains('\x1b'));
}

#[test]
fn empty_file_is_verified_with_one_eof_read() {
    let home = temp_home();
    let path = file_of(home.path(), "empty", 0);
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json"])
            .arg(&path),
    );
    let rw = method(&doc, "read-write");
    assert_eq!(u(&rw["syscalls"]["read"]), 1);
    assert_eq!(u(&rw["syscalls"]["write"]), 0);
    assert_eq!(method(&doc, "sendfile")["verified"], true);
}

#[test]
fn default_sample_is_made_once_then_reused() {
    let home = temp_home();
    let first = zclab(home.path())
        .args(["compare", "--runs", "1", "--json", "--method", "sendfile"])
        .output()
        .expect("run");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("made the default sample"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout).expect("json");
    assert_eq!(doc["file"]["default_sample"], true);
    assert_eq!(u(&doc["file"]["bytes"]), 256 << 20);
    let path = home.path().join("cache/zclab/kafka-sample-256MiB.log");
    assert_eq!(doc["file"]["path"], path.display().to_string());
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("sample exists");

    let second = zclab(home.path())
        .args(["compare", "--runs", "1", "--json", "--method", "sendfile"])
        .output()
        .expect("run");
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("using the default sample"));
    assert_eq!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("still there"),
        mtime,
        "the sample was rewritten"
    );
}

#[test]
fn closed_stdout_is_a_clean_exit() {
    let home = temp_home();
    let path = file_of(home.path(), "f", 100_000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zclab"))
        .args(["compare", "--runs", "1"])
        .arg(&path)
        .env("HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// `--cold` drops the file from the page cache before each run, so the
/// disk → page cache hop shows in `read_bytes` and is measured, not
/// modelled. The file lives under the build folder (a real disk; tmpfs
/// pages cannot be dropped).
#[test]
fn cold_runs_measure_the_disk_read() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir in target/");
    let path = file_of(dir.path(), "cold.bin", 4 << 20);
    let home = temp_home();
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--cold", "--runs", "1", "--json"])
            .arg(&path),
    );
    assert_eq!(doc["page_cache"], "cold");
    for name in ["read-write", "sendfile"] {
        let m = method(&doc, name);
        assert_eq!(m["verified"], true);
        let read_bytes = u(&m["procfs"]["read_bytes"]);
        // Readahead may read a little past the end; a socket may pin a few
        // pages: at least half the file must come from the disk.
        assert!(read_bytes >= 2 << 20, "{name}: read_bytes {read_bytes}");
        assert_eq!(m["copies"][0]["from"], "disk");
        assert_eq!(m["copies"][0]["evidence"], "measured", "{name}");
    }
    // A warm run of the same file reads nothing from disk and models the hop.
    let warm = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json"])
            .arg(&path),
    );
    assert_eq!(warm["page_cache"], "warm");
    for name in ["read-write", "sendfile"] {
        let m = method(&warm, name);
        assert_eq!(u(&m["procfs"]["read_bytes"]), 0, "{name}");
        assert_eq!(m["copies"][0]["evidence"], "modelled");
    }
}
