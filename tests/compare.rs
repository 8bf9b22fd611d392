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
    // A genuine Kafka segment, named and placed as Kafka names it.
    let path = home
        .path()
        .join("cache/zclab/segments/compare-256MiB-0/00000000000000000000.log");
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
    let dump = json_of(
        zclab(home.path())
            .args(["sample", "--json", "--dump"])
            .arg(&path),
    );
    assert_eq!(dump["crc_failures"], 0);
    assert_eq!(u(&dump["batches"][0]["base_offset"]), 0);
    assert_eq!(dump["batches"].as_array().map(Vec::len), Some(16384));
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

/// The CPU figure is the scheduler's exact runtime: `cpu_ns` is the
/// `sum_exec_runtime` delta of the same thread in the `procfs` object, for
/// the sender and the consumer, in every run, and it is never 0 where a
/// thread ran, even on a 1-byte file (getrusage showed 0.0 ms there).
#[test]
fn cpu_is_the_schedulers_exact_runtime() {
    let home = temp_home();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/kafka-segment-1MiB.log");
    let one = file_of(home.path(), "one", 1);
    for path in [sample, one] {
        let doc = json_of(
            zclab(home.path())
                .args(["compare", "--runs", "2", "--json"])
                .arg(&path),
        );
        for name in ["read-write", "sendfile"] {
            let m = method(&doc, name);
            let ctx = format!("{} {name}", path.display());
            let cpu = u(&m["cpu_ns"]);
            assert!(cpu > 0, "{ctx}: sender cpu_ns 0");
            assert_eq!(cpu, u(&m["procfs"]["sum_exec_runtime"]), "{ctx}");
            let consumer = u(&m["consumer"]["cpu_ns"]);
            assert!(consumer > 0, "{ctx}: consumer cpu_ns 0");
            assert_eq!(
                consumer,
                u(&m["consumer"]["procfs"]["sum_exec_runtime"]),
                "{ctx}"
            );
            assert_eq!(u(&m["cpu_ns_with_consumer"]), cpu + consumer, "{ctx}");
            // The consumer's check of what it received is part of its CPU
            // time, timed apart: it shows on a megabyte (a CRC over a byte
            // may take less than the clock resolves), never all of it.
            let check = u(&m["consumer"]["check_ns"]);
            if u(&m["consumer"]["received_bytes"]) >= 1 << 20 {
                assert!(check > 0, "{ctx}: check_ns 0 over a MiB");
            }
            assert!(check < consumer, "{ctx}: check {check} of {consumer}");
            let median = u(&m["median_run"]) as usize;
            assert_eq!(u(&m["all_runs"][median]["cpu_ns"]), cpu, "{ctx}");
            assert_eq!(
                u(&m["all_runs"][median]["consumer_cpu_ns"]),
                consumer,
                "{ctx}"
            );
            // Runs this short never show getrusage's tick-apportioned split.
            assert_eq!(m["cpu_split_meaningful"], false, "{ctx}");
        }
    }
    // On screen: the exact figure with its source, and no ratio of noise.
    let out = zclab(home.path())
        .args(["compare", "--runs", "1"])
        .arg(home.path().join("one"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("[schedstat]"), "{text}");
    assert!(text.contains("(< 1 ms)"), "{text}");
    assert!(!text.contains("[ticks]"), "{text}");
}

/// An empty file: nothing is sent, no copy happens and no hop is measured;
/// the table says so, and there is no throughput (JSON null with a reason).
#[test]
fn an_empty_file_sends_nothing_and_says_so() {
    let home = temp_home();
    let path = file_of(home.path(), "empty.log", 0);
    let doc = json_of(
        zclab(home.path())
            .args(["compare", "--runs", "1", "--json"])
            .arg(&path),
    );
    for name in ["read-write", "sendfile"] {
        let m = method(&doc, name);
        assert_eq!(m["copies"].as_array().map(Vec::len), Some(0), "{name}");
        assert!(m["throughput_mib_s"].is_null(), "{name}");
        assert!(m["throughput_mib_s_min"].is_null(), "{name}");
        assert_eq!(m["throughput_missing"], "nothing_sent", "{name}");
        assert_eq!(u(&m["consumer"]["received_bytes"]), 0, "{name}");
    }
    for (lang, nothing) in [("en", "no data was sent"), ("zh", "没有发送任何数据")] {
        let out = zclab(home.path())
            .args(["compare", "--runs", "1", "--lang", lang])
            .arg(&path)
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains(nothing), "{lang}: {text}");
        for kind in ["CPU", "DMA"] {
            assert!(!text.contains(&format!("{kind} [measured]")), "{text}");
            assert!(!text.contains(&format!("{kind} ［实测］")), "{text}");
        }
        assert!(!text.contains("MiB/s"), "{lang}: {text}");
        // The one-line verdict says why there is nothing to compare, and
        // counts the one read() that found the end (2 mode switches).
        // (Compared without whitespace: wrapped lines may break anywhere.)
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        let verdict = squeeze(&text);
        let (empty, counts) = match lang {
            "en" => (
                "the file is empty",
                "made 2 mode switches to find the end of the file, sendfile 0.",
            ),
            _ => (
                "文件是空的",
                "仍有 2 次用户态/内核态切换，sendfile 为 0 次。",
            ),
        };
        assert!(verdict.contains(&squeeze(empty)), "{lang}: {text}");
        assert!(verdict.contains(&squeeze(counts)), "{lang}: {text}");
        assert!(!text.contains("moved the file"), "{lang}: {text}");
        if lang == "en" {
            assert!(text.contains("CPU copies 0 → 0"), "{text}");
            let details = zclab(home.path())
                .args(["compare", "--runs", "1", "--details"])
                .arg(&path)
                .output()
                .expect("run");
            let details = String::from_utf8_lossy(&details.stdout);
            assert!(details.contains("sendfile    no calls"), "{details}");
            assert!(details.contains("no hop to measure"), "{details}");
        }
    }
}

/// `--cold` on tmpfs: the file cannot leave the page cache (it lives
/// there), so zclab says so in one line and runs warm, marked warm.
#[test]
fn cold_on_tmpfs_says_it_cannot_evict_and_runs_warm() {
    use nix::sys::statfs::{TMPFS_MAGIC, statfs};
    let shm = std::path::Path::new("/dev/shm");
    let on_tmpfs = statfs(shm).is_ok_and(|s| s.filesystem_type() == TMPFS_MAGIC);
    assert!(on_tmpfs, "this test needs /dev/shm mounted as tmpfs");
    let dir = tempfile::tempdir_in(shm).expect("temp dir in /dev/shm");
    let path = file_of(dir.path(), "shm.log", 64 * 1024);
    let home = temp_home();
    let out = zclab(home.path())
        .args(["compare", "--cold", "--runs", "1", "--json"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["page_cache"], "warm");
    assert_eq!(doc["cold_refused"]["reason"], "memory_filesystem");
    assert_eq!(doc["cold_refused"]["fs"], "tmpfs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("--cold")).count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("keeps files in memory: there is no disk to read from; the runs were warm"),
        "{stderr}"
    );
    for name in ["read-write", "sendfile"] {
        let m = method(&doc, name);
        assert_eq!(u(&m["procfs"]["read_bytes"]), 0, "{name}");
        assert_eq!(m["copies"][0]["evidence"], "modelled", "{name}");
    }
    let text = zclab(home.path())
        .args(["compare", "--cold", "--runs", "1"])
        .arg(&path)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("page cache WARM: --cold cannot evict"),
        "{text}"
    );
    assert!(!text.contains("page cache cold"), "{text}");
    assert!(!text.contains("that hop is measured"), "{text}");
}

/// On a disk file system, a cold run right after a sendfile of the same
/// file reads exactly the file's page-rounded size from the disk, in every
/// run (sendfile's socket buffers no longer keep pages behind).
#[test]
fn cold_after_sendfile_reads_the_whole_file_from_disk() {
    use nix::sys::statfs::{TMPFS_MAGIC, statfs};
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir in target/");
    let fs = statfs(dir.path()).expect("statfs").filesystem_type();
    assert!(fs != TMPFS_MAGIC, "target/ must be on a disk file system");
    let size = 100_000u64;
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .unwrap_or(4096) as u64;
    let rounded = size.div_ceil(page) * page;
    let path = file_of(dir.path(), "cold.log", size as usize);
    let home = temp_home();
    for round in 0..3 {
        let warm = zclab(home.path())
            .args(["compare", "--runs", "1", "--method", "sendfile"])
            .arg(&path)
            .output()
            .expect("run");
        assert!(warm.status.success());
        let doc = json_of(
            zclab(home.path())
                .args(["compare", "--cold", "--runs", "2", "--json"])
                .arg(&path),
        );
        assert_eq!(doc["page_cache"], "cold", "round {round}");
        for name in ["read-write", "sendfile"] {
            let m = method(&doc, name);
            for (i, run) in m["all_runs"].as_array().expect("runs").iter().enumerate() {
                assert_eq!(
                    u(&run["read_bytes"]),
                    rounded,
                    "round {round}, {name} run {i}: {run}"
                );
                assert_eq!(u(&run["resident_before_bytes"]), 0, "{name} run {i}");
            }
            assert_eq!(m["copies"][0]["evidence"], "measured", "{name}");
        }
    }
}
