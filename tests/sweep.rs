//! `zclab sweep`: the real binary on real sample files in a temp cache.
//! Every figure checked here is one the kernel or the file fixes (counts,
//! bytes, verification, the paper's numbers), never a speed.

mod common;

use std::path::Path;

use common::{json_of, temp_home, u, zclab};
use serde_json::Value;

fn points(doc: &Value) -> &Vec<Value> {
    doc["points"].as_array().expect("points[]")
}

#[test]
fn the_grid_visits_every_point_and_every_run_is_verified() {
    let home = temp_home();
    let doc = json_of(zclab(home.path()).args([
        "sweep",
        "--size",
        "64KiB,200KiB",
        "--buf",
        "1KiB,4KiB,16KiB",
        "--runs",
        "2",
        "--json",
    ]));
    assert_eq!(doc["kind"], "sweep");
    assert_eq!(doc["complete"], true);
    assert_eq!(doc["stopped_by_user"], false);
    assert_eq!(doc["verified"], true);
    assert_eq!(u(&doc["points_planned"]), 12);
    assert_eq!(u(&doc["points_measured"]), 12);
    let pts = points(&doc);
    assert_eq!(pts.len(), 12);
    for size in [64u64 << 10, 200 << 10] {
        for buf in [1u64 << 10, 4 << 10, 16 << 10] {
            for method in ["read-write", "sendfile"] {
                let p = pts
                    .iter()
                    .find(|p| {
                        p["method"] == method
                            && u(&p["file_bytes"]) == size
                            && u(&p["buffer_bytes"]) == buf
                    })
                    .unwrap_or_else(|| panic!("no point {method} {size} {buf}"));
                assert_eq!(p["verified"], true, "{p}");
                assert_eq!(u(&p["runs"]), 2);
                assert_eq!(p["elapsed_ns"].as_array().map(Vec::len), Some(2));
                let (lo, med, hi) = (u(&p["min_ns"]), u(&p["median_ns"]), u(&p["max_ns"]));
                assert!(lo <= med && med <= hi && lo > 0, "{p}");
                // The calls the kernel must have seen: one read per chunk
                // plus the read that finds the end, one write per chunk;
                // one sendfile for a file this small.
                let calls = if method == "read-write" {
                    2 * size.div_ceil(buf) + 1
                } else {
                    1
                };
                assert_eq!(u(&p["calls"]), calls, "{p}");
                assert_eq!(u(&p["mode_switches"]), 2 * calls);
            }
        }
    }
    // Savings for every (size, buffer), consistent with the medians.
    let savings = doc["savings"].as_array().expect("savings[]");
    assert_eq!(savings.len(), 6);
    for s in savings {
        let rw = u(&s["read_write_ns"]) as f64;
        let sf = u(&s["sendfile_ns"]) as f64;
        let pct = s["saving_pct"].as_f64().expect("saving_pct");
        assert!((pct - (1.0 - sf / rw) * 100.0).abs() < 1e-9, "{s}");
    }
    // The samples: in the cache, exactly the sizes asked, and the same
    // bytes `zclab sample` makes.
    let dir = home.path().join("cache/zclab");
    for (name, size) in [
        ("kafka-sample-64KiB.log", 64 << 10),
        ("kafka-sample-200KiB.log", 200 << 10),
    ] {
        let got = std::fs::read(dir.join(name)).expect("the sample is in the cache");
        assert_eq!(got.len(), size);
        zclab(home.path())
            .args([
                "sample",
                "--kafka",
                "--size",
                &size.to_string(),
                "-o",
                "ref.log",
            ])
            .assert()
            .success();
        let want = std::fs::read(home.path().join("ref.log")).expect("ref sample");
        assert!(got == want, "{name} differs from zclab sample's bytes");
        std::fs::remove_file(home.path().join("ref.log")).expect("rm ref");
    }
}

#[test]
fn the_fitted_model_reproduces_the_points_within_its_stated_error() {
    let home = temp_home();
    let doc = json_of(zclab(home.path()).args([
        "sweep",
        "--size",
        "32KiB,128KiB",
        "--buf",
        "512,2KiB,8KiB",
        "--runs",
        "1",
        "--json",
    ]));
    assert_eq!(doc["model"]["basis"], "derived");
    let fits = doc["model"]["fits"].as_array().expect("fits[]");
    assert_eq!(fits.len(), 2, "{doc}");
    for f in fits {
        let method = f["method"].as_str().expect("method");
        let a = f["per_call_ns"].as_f64().expect("per_call_ns");
        let b = f["per_byte_ns"].as_f64().expect("per_byte_ns");
        let max = f["max_error_pct"].as_f64().expect("max_error_pct");
        let rms = f["rms_error_pct"].as_f64().expect("rms_error_pct");
        assert!(a >= 0.0 && b >= 0.0 && rms <= max + 1e-9, "{f}");
        let mine: Vec<&Value> = points(&doc)
            .iter()
            .filter(|p| p["method"] == method)
            .collect();
        assert_eq!(u(&f["points"]), mine.len() as u64);
        let mut sq = 0.0;
        for p in &mine {
            let t = u(&p["median_ns"]) as f64;
            let model = u(&p["calls"]) as f64 * a + u(&p["file_bytes"]) as f64 * b;
            let rel = ((model - t) / t).abs() * 100.0;
            assert!(rel <= max + 1e-6, "{method}: {rel}% > stated {max}% at {p}");
            sq += (rel / 100.0).powi(2);
        }
        let rms_here = (sq / mine.len() as f64).sqrt() * 100.0;
        assert!((rms_here - rms).abs() < 1e-6, "{rms_here} vs {rms}");
        if method == "read-write" {
            assert_eq!(f["calls_per_chunk"].as_f64(), Some(2.0), "{f}");
        } else {
            assert!(f["calls_per_chunk"].is_null(), "{f}");
            assert!(f["crossover_buffer_bytes"].is_null());
        }
    }
}

#[test]
fn ibm_rows_carry_the_papers_numbers_and_this_machines() {
    let home = temp_home();
    // 1 GiB / 2^14 = 64 KiB: the whole table in about a second.
    let doc = json_of(
        zclab(home.path())
            .env("ZCLAB_TEST_IBM_DIVISOR", "16384")
            .args(["sweep", "--ibm", "--runs", "1", "--json"]),
    );
    let ibm = &doc["ibm"];
    assert_eq!(u(&ibm["size_divisor"]), 16384);
    assert_eq!(u(&ibm["buffer_bytes"]), 4096);
    assert_eq!(ibm["unit"], "MiB");
    let rows = ibm["rows"].as_array().expect("rows[]");
    let paper = [
        ("7MB", 7u64, 156u64, 45u64),
        ("21MB", 21, 337, 128),
        ("63MB", 63, 843, 387),
        ("98MB", 98, 1320, 617),
        ("200MB", 200, 2124, 1150),
        ("350MB", 350, 3631, 1762),
        ("700MB", 700, 13498, 4422),
        ("1GB", 1024, 18399, 8537),
    ];
    assert_eq!(rows.len(), 8);
    for (row, (label, mib, trad, zc)) in rows.iter().zip(paper) {
        assert_eq!(row["label"], label);
        assert_eq!(u(&row["traditional_ms"]), trad);
        assert_eq!(u(&row["transfer_to_ms"]), zc);
        assert_eq!(u(&row["file_bytes"]), (mib << 20) / 16384);
        let saving = row["paper_saving_pct"].as_f64().expect("paper saving");
        assert!((saving - (1.0 - zc as f64 / trad as f64) * 100.0).abs() < 1e-9);
        assert!(
            row["here_read_write_ms"].as_f64().is_some_and(|x| x > 0.0),
            "{row}"
        );
        assert!(
            row["here_sendfile_ms"].as_f64().is_some_and(|x| x > 0.0),
            "{row}"
        );
        assert!(row["verdict"].is_string(), "{row}");
    }
    assert!(doc["verified"] == true);
    assert_eq!(u(&doc["points_measured"]), 16);

    // The table as a person reads it: the paper's numbers, the caveat, the
    // unit, the citation, in both languages.
    for (lang, words) in [
        (
            "en",
            [
                "18399",
                "8537",
                "loopback",
                "MiB and GiB",
                "developerWorks",
                "Test run",
            ],
        ),
        (
            "zh",
            [
                "18399",
                "8537",
                "回环",
                "MiB、GiB",
                "developerWorks",
                "测试运行",
            ],
        ),
    ] {
        let out = zclab(home.path())
            .env("ZCLAB_TEST_IBM_DIVISOR", "16384")
            .env("COLUMNS", "80")
            .args(["sweep", "--ibm", "--runs", "1", "--lang", lang])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        for w in words {
            assert!(text.contains(w), "{lang}: no {w:?} in\n{text}");
        }
        for line in text.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "{lang}: line wider than 80 columns: {line:?}"
            );
        }
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_and_the_html_pages_json_hold_the_same_numbers() {
    let home = temp_home();
    let out = zclab(home.path())
        .args([
            "sweep",
            "--size",
            "16KiB,48KiB",
            "--buf",
            "1KiB,8KiB",
            "--runs",
            "1",
            "--csv",
            "--html",
            "page.html",
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(home.path().join("page.html")).expect("page written");
    let start =
        page.find("id=\"zclab-data\">").expect("embedded JSON") + "id=\"zclab-data\">".len();
    let end = start + page[start..].find("</script>").expect("end of JSON");
    let doc: Value = serde_json::from_str(&page[start..end].replace("<\\/", "</")).expect("JSON");
    let rows = csv_rows(&String::from_utf8_lossy(&out.stdout));
    let header = &rows[0];
    assert_eq!(header[0], "file_bytes");
    let pts = points(&doc);
    assert_eq!(rows.len() - 1, pts.len());
    for (row, p) in rows[1..].iter().zip(pts) {
        for (i, name) in header.iter().enumerate() {
            let cell = &row[i];
            let want = &p[name.as_str()];
            match want {
                Value::String(s) => assert_eq!(cell, s),
                Value::Bool(b) => assert_eq!(cell, &b.to_string()),
                Value::Number(n) => {
                    let got: f64 = cell.parse().expect("a number");
                    assert_eq!(got, n.as_f64().expect("f64"), "{name}");
                }
                other => panic!("{name}: unexpected {other}"),
            }
        }
    }
}

#[test]
fn markdown_tables_hold_the_json_numbers() {
    let home = temp_home();
    let out = zclab(home.path())
        .args([
            "sweep",
            "--size",
            "16KiB",
            "--buf",
            "1KiB,8KiB",
            "--runs",
            "1",
            "--md",
            "--html",
            "p.html",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout).to_string();
    let page = std::fs::read_to_string(home.path().join("p.html")).expect("page");
    let start = page.find("id=\"zclab-data\">").expect("JSON") + "id=\"zclab-data\">".len();
    let end = start + page[start..].find("</script>").expect("end");
    let doc: Value = serde_json::from_str(&page[start..end]).expect("JSON");
    // The first table: one row per point, in the JSON's order.
    let rows: Vec<Vec<String>> = md
        .lines()
        .skip_while(|l| !l.starts_with("| file"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let pts = points(&doc);
    assert_eq!(rows.len(), pts.len(), "{md}");
    for (r, p) in rows.iter().zip(pts) {
        assert_eq!(r[2], p["method"].as_str().expect("method"));
        let median_ms: f64 = r[3].parse().expect("median");
        assert!(
            (median_ms - u(&p["median_ns"]) as f64 / 1e6).abs() <= 0.0005 + 1e-12,
            "{r:?}"
        );
        let (lo, hi) = r[4].split_once('–').expect("range");
        assert!(
            (lo.parse::<f64>().expect("min") - u(&p["min_ns"]) as f64 / 1e6).abs()
                <= 0.0005 + 1e-12
        );
        assert!(
            (hi.parse::<f64>().expect("max") - u(&p["max_ns"]) as f64 / 1e6).abs()
                <= 0.0005 + 1e-12
        );
        let mib: f64 = r[5].parse().expect("MiB/s");
        assert!((mib - p["throughput_mib_s"].as_f64().expect("tp")).abs() <= 0.05 + 1e-9);
        assert_eq!(r[6].parse::<u64>().expect("calls"), u(&p["calls"]));
    }
}

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_is_overwritten() {
    let home = temp_home();
    for args in [
        &["sweep", "--size", "0"][..],
        &["sweep", "--size", "100"],
        &["sweep", "--size", "12parsecs"],
        &["sweep", "--buf", "0"],
        &["sweep", "--buf", "4KiB,,8KiB"],
        &["sweep", "--ibm", "--size", "1MiB"],
        &["sweep", "--json", "--csv"],
        &["sweep", "--runs", "0"],
    ] {
        let out = zclab(home.path()).args(args).output().expect("run");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
    }
    let mine = home.path().join("notes.html");
    std::fs::write(&mine, "my own notes").expect("write");
    let out = zclab(home.path())
        .args([
            "sweep",
            "--size",
            "4KiB",
            "--buf",
            "1KiB",
            "--html",
            "notes.html",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("will not overwrite"));
    assert_eq!(
        std::fs::read_to_string(&mine).expect("read"),
        "my own notes"
    );
    // Nothing was measured or made before the refusal.
    assert!(
        !home
            .path()
            .join("cache/zclab/kafka-sample-4KiB.log")
            .exists()
    );
}

#[test]
fn ctrl_c_stops_between_transfers_and_prints_what_was_measured() {
    use std::process::{Command, Stdio};
    let home = temp_home();
    // Make the samples first, so the interrupt lands in the measuring.
    zclab(home.path())
        .args([
            "sweep", "--size", "8MiB", "--buf", "64KiB", "--runs", "1", "--json",
        ])
        .assert()
        .success();
    let bin = assert_cmd::cargo::cargo_bin("zclab");
    let child = Command::new(bin)
        .env_clear()
        .envs(common::clean_env(home.path()))
        .current_dir(home.path())
        .args([
            "sweep",
            "--size",
            "8MiB",
            "--buf",
            "256,512,1KiB,2KiB,4KiB,8KiB,16KiB,32KiB",
            "--runs",
            "9",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("kill");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON after Ctrl-C");
    assert_eq!(doc["stopped_by_user"], true);
    assert_eq!(doc["complete"], false);
    let measured = u(&doc["points_measured"]);
    assert!(measured < u(&doc["points_planned"]));
    assert_eq!(points(&doc).len() as u64, measured);
    for p in points(&doc) {
        assert_eq!(p["verified"], true);
        assert_eq!(u(&p["runs"]), 9);
    }
    // Nothing half-written is left in the cache.
    let left: Vec<String> = std::fs::read_dir(home.path().join("cache/zclab"))
        .expect("cache")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("zclab-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn samples_are_reused_and_the_text_fits_80_columns_in_both_languages() {
    let home = temp_home();
    let args = [
        "sweep",
        "--size",
        "8KiB,24KiB",
        "--buf",
        "512,4KiB",
        "--runs",
        "1",
    ];
    let first = zclab(home.path()).args(args).output().expect("run");
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stderr).contains("made the sample"));
    for lang in ["en", "zh"] {
        let out = zclab(home.path())
            .env("COLUMNS", "80")
            .args(args)
            .args(["--lang", lang])
            .output()
            .expect("run");
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("made the sample") && !err.contains("已生成样本"),
            "{err}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains('\u{1b}'), "colour off a terminal");
        for line in text.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "{lang}: {line:?}"
            );
        }
        assert!(text.contains('█'), "{text}");
        assert!(
            text.contains(if lang == "en" {
                "per call"
            } else {
                "每次调用"
            }),
            "{text}"
        );
    }
    assert!(Path::new(&home.path().join("cache/zclab/kafka-sample-24KiB.log")).exists());
}
