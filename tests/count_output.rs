//! `zclab count` on real commands: mapping is not moving (mmap and munmap
//! lengths are shown apart from the bytes moved, in the table and in JSON),
//! and the report starts on a line of its own only when the command's
//! output did not end with a newline.

mod common;

use common::{file_of, json_of, temp_home, u, zclab};
use serde_json::Value;

const SIZE: usize = 100_000;

fn row<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["syscalls"]
        .as_array()
        .expect("syscalls[]")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} row: {doc}"))
}

#[test]
fn bytes_moved_are_what_read_and_write_moved_and_mapped_bytes_stand_apart() {
    let home = temp_home();
    let file = file_of(home.path(), "data.log", SIZE);
    let doc = json_of(
        zclab(home.path())
            .args(["count", "--json", "--", "cat"])
            .arg(&file),
    );
    let rows = doc["syscalls"].as_array().expect("syscalls[]");
    // cat writes the file and nothing else: with write(), or inside the
    // kernel (copy_file_range, where the kernel allows it to a pipe). It
    // reads the file, and the dynamic loader a header or two of each
    // library.
    let out_of: u64 = rows
        .iter()
        .filter(|r| {
            [
                "write-family",
                "sendfile",
                "splice-tee-vmsplice",
                "copy_file_range",
            ]
            .contains(&r["group"].as_str().unwrap_or(""))
        })
        .map(|r| u(&r["bytes"]))
        .sum();
    assert_eq!(out_of, SIZE as u64, "{doc}");
    let write = u(&doc["bytes"]["out_of_user"]);
    let reads: u64 = rows
        .iter()
        .filter(|r| r["group"] == "read-family")
        .map(|r| u(&r["bytes"]))
        .sum();
    assert!(reads >= SIZE as u64, "{doc}");
    let moved: u64 = rows.iter().map(|r| u(&r["bytes"])).sum();
    assert_eq!(
        moved,
        reads + out_of,
        "only reading and writing moved bytes: {doc}"
    );
    assert_eq!(u(&doc["bytes"]["into_user"]), reads, "{doc}");
    assert_eq!(write + u(&doc["bytes"]["in_kernel"]), out_of, "{doc}");
    // A dynamically linked cat maps its libraries: those lengths are
    // mapped bytes, never bytes moved.
    let mmap = row(&doc, "mmap");
    assert_eq!(u(&mmap["bytes"]), 0, "{doc}");
    assert!(u(&mmap["mapped_bytes"]) > 0, "{doc}");
    let mapped: u64 = rows
        .iter()
        .filter(|r| r["name"] == "mmap")
        .map(|r| u(&r["mapped_bytes"]))
        .sum();
    assert_eq!(u(&doc["bytes"]["mapped"]), mapped, "{doc}");
    for r in rows.iter().filter(|r| r["group"] != "mmap-munmap") {
        assert_eq!(u(&r["mapped_bytes"]), 0, "{r}");
    }
    // Per thread the same split.
    let thread = &doc["threads"][0];
    assert_eq!(u(&thread["syscalls"]["mmap"]["bytes"]), 0, "{thread}");
    assert!(
        u(&thread["syscalls"]["mmap"]["mapped_bytes"]) > 0,
        "{thread}"
    );
    assert_eq!(u(&thread["bytes_moved"]), reads + out_of, "{thread}");
}

/// The cells of the table row whose first cell is `name`.
fn cells<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .map(|l| l.split(['│', '┆']).map(str::trim).collect::<Vec<_>>())
        .find(|c| c.get(1) == Some(&name))
        .unwrap_or_else(|| panic!("no {name} row:\n{text}"))
}

#[test]
fn the_table_shows_mapping_lengths_in_their_own_column() {
    let home = temp_home();
    let file = file_of(home.path(), "data.log", SIZE);
    for (lang, moved, mapping) in [
        ("en", "bytes moved", "mapping length"),
        ("zh", "搬运字节", "映射长度"),
    ] {
        let out = zclab(home.path())
            .env("COLUMNS", "120")
            .args(["count", "--hide-output", "--lang", lang, "--", "cat"])
            .arg(&file)
            .output()
            .expect("run zclab");
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let head = cells(&text, ctx_head(lang));
        let col = |title: &str| {
            head.iter()
                .position(|c| *c == title)
                .unwrap_or_else(|| panic!("no {title} column:\n{text}"))
        };
        let (b, m) = (col(moved), col(mapping));
        let mmap = cells(&text, "mmap");
        assert_eq!(mmap[b], "–", "mmap moves nothing:\n{text}");
        assert!(
            mmap[m].ends_with("KiB") || mmap[m].ends_with("MiB"),
            "{text}"
        );
        let write = cells(&text, "write");
        assert_eq!(write[b], "97.7 KiB", "cat wrote the 100,000 bytes:\n{text}");
        assert_eq!(write[m], "–", "{text}");
    }
}

fn ctx_head(lang: &str) -> &'static str {
    if lang == "en" {
        "system call"
    } else {
        "系统调用"
    }
}

fn stdout_of(home: &std::path::Path, command: &[&str]) -> String {
    let out = zclab(home)
        .arg("count")
        .arg("--")
        .args(command)
        .output()
        .expect("run zclab");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn the_report_starts_a_line_only_when_the_output_did_not_end_one() {
    let home = temp_home();
    // No newline at the end: the report starts on the next line.
    assert!(
        stdout_of(home.path(), &["printf", "abc"]).starts_with("abc\nzclab count"),
        "{}",
        stdout_of(home.path(), &["printf", "abc"])
    );
    // A newline at the end: no blank line before the report.
    let ended = stdout_of(home.path(), &["printf", "abc\\n"]);
    assert!(ended.starts_with("abc\nzclab count"), "{ended}");
    // No output at all: the report is the first line.
    let silent = stdout_of(home.path(), &["true"]);
    assert!(silent.starts_with("zclab count"), "{silent}");
    // What a child writes to a file it redirected its stdout to is not
    // the end of the output on ours.
    let target = home.path().join("elsewhere.txt");
    let script = format!("printf abc; echo x > '{}'", target.display());
    let redirected = stdout_of(home.path(), &["sh", "-c", &script]);
    assert!(redirected.starts_with("abc\nzclab count"), "{redirected}");
    assert_eq!(std::fs::read_to_string(&target).expect("written"), "x\n");
}

#[test]
fn writev_is_read_back_to_its_last_byte() {
    let home = temp_home();
    if std::process::Command::new("python3")
        .arg("-c")
        .arg("pass")
        .status()
        .map_or(true, |s| !s.success())
    {
        panic!("python3 is needed (apt-get install python3)");
    }
    let program =
        |parts: &str| format!("import os, sys; sys.stdout.flush(); os.writev(1, [{parts}])");
    let open = stdout_of(
        home.path(),
        &["python3", "-c", &program("b'ab', b'c', b''")],
    );
    assert!(open.starts_with("abc\nzclab count"), "{open}");
    let closed = stdout_of(
        home.path(),
        &["python3", "-c", &program("b'a', b'bc\\n', b''")],
    );
    assert!(closed.starts_with("abc\nzclab count"), "{closed}");
}

#[test]
fn output_sent_from_a_file_inside_the_kernel_is_read_back_from_that_file() {
    // With its output on a regular file, GNU cat may use copy_file_range
    // (and this kernel may allow it on a pipe): either way the end of the
    // output is the end of the file it copied.
    use assert_cmd::cargo::CommandCargoExt;
    let home = temp_home();
    for (content, expect) in [("abc", "abc\nzclab count"), ("abc\n", "abc\nzclab count")] {
        let input = home.path().join("in.txt");
        std::fs::write(&input, content).expect("write input");
        let output = home.path().join("out.txt");
        let out_file = std::fs::File::create(&output).expect("create output");
        let status = std::process::Command::cargo_bin("zclab")
            .expect("zclab binary")
            .env_clear()
            .envs(common::clean_env(home.path()))
            .args(["count", "--", "cat"])
            .arg(&input)
            .stdout(out_file)
            .status()
            .expect("run zclab");
        assert!(status.success());
        let text = std::fs::read_to_string(&output).expect("read output");
        assert!(text.starts_with(expect), "{content:?}:\n{text}");
    }
}
