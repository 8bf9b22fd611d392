//! `zclab sweep --html`: the page opened in a real browser (Debian's
//! chromium, headless). The DOM chromium builds must hold the charts (SVG,
//! one mark per measured point, axis labels) in the chosen language, and
//! chromium's own network log must show no request made by the page. One
//! screenshot is kept under target/ for a person to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{temp_home, u, zclab};
use serde_json::Value;

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("these tests need a real browser: apt-get install -y chromium (.ci/run does that)");
}

/// Runs headless chromium on `page` with a fresh profile and `extra`
/// arguments; returns stdout.
fn run_chromium(page: &Path, profile: &Path, extra: &[String]) -> String {
    let url = format!("file://{}", page.display());
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .output()
        .expect("cannot run chromium");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The DOM as chromium built it, and the URLs of the requests the page
/// itself made (chromium's own background requests, initiated by no
/// origin, left out).
fn load(page: &Path, work: &Path) -> (String, Vec<String>) {
    let netlog = work.join(format!(
        "{}.netlog.json",
        page.file_name().and_then(|n| n.to_str()).unwrap_or("page")
    ));
    let profile = tempfile::tempdir().expect("profile dir");
    let dom = run_chromium(
        page,
        profile.path(),
        &[
            format!("--log-net-log={}", netlog.display()),
            "--dump-dom".to_string(),
        ],
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&netlog).expect("net log"))
        .expect("net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let mut requests = Vec::new();
    for e in log["events"].as_array().expect("events") {
        let p = &e["params"];
        if e["type"] == start_job
            && let Some(url) = p["url"].as_str()
            && p["initiator"] != "not an origin"
        {
            requests.push(url.to_string());
        }
    }
    (dom, requests)
}

/// The text of one `<figure id=…>` element.
fn figure<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no figure {id}"));
    let end = start + dom[start..].find("</figure>").expect("figure end");
    &dom[start..end]
}

/// The text of every SVG `<text>` element in `fig`, trimmed.
fn svg_texts(fig: &str) -> Vec<String> {
    fig.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

fn embedded_json(dom: &str) -> Value {
    let tag = "id=\"zclab-data\">";
    let start = dom.find(tag).expect("embedded JSON") + tag.len();
    let end = start + dom[start..].find("</script>").expect("end of JSON");
    serde_json::from_str(&dom[start..end].replace("<\\/", "</")).expect("JSON")
}

fn assert_self_contained(html: &str) {
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "a URL in the page"
    );
    for banned in ["<link", "@import", "url(", "<img", "<iframe", "src="] {
        assert!(!html.contains(banned), "the page loads something: {banned}");
    }
    // The only script element is inert data.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script type=\"application/json\""));
}

#[test]
fn the_page_renders_in_chromium_with_one_mark_per_point_and_fetches_nothing() {
    let home = temp_home();
    let work = home.path();

    // Control: the net-log check sees a request a page makes.
    let control = work.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .expect("write control");
    let (_, reqs) = load(&control, work);
    assert!(
        reqs.iter().any(|u| u.contains("127.0.0.1:9")),
        "the net log missed the control page's request: {reqs:?}"
    );

    // English: a grid of 2 sizes × 3 buffers × 2 methods.
    zclab(work)
        .args([
            "sweep",
            "--size",
            "16KiB,48KiB",
            "--buf",
            "1KiB,4KiB,16KiB",
            "--runs",
            "1",
            "--html",
            "en.html",
        ])
        .assert()
        .success();
    let en = work.join("en.html");
    assert_self_contained(&std::fs::read_to_string(&en).expect("en page"));
    let (dom, reqs) = load(&en, work);
    assert!(reqs.is_empty(), "the page made requests: {reqs:?}");
    assert!(dom.contains("<html lang=\"en\">"));
    let doc = embedded_json(&dom);
    let points = doc["points"].as_array().expect("points");
    assert_eq!(points.len(), 12);
    let mut circles = 0;
    for (i, size) in [16u64 << 10, 48 << 10].iter().enumerate() {
        let fig = figure(&dom, &format!("throughput-{i}"));
        assert!(fig.contains("<svg"), "chromium kept the inline SVG");
        let here = fig.matches("<circle").count();
        let want = points
            .iter()
            .filter(|p| u(&p["file_bytes"]) == *size)
            .count();
        assert_eq!(here, want, "one circle per point of {size} bytes");
        circles += here;
        let texts = svg_texts(fig);
        for label in [
            "buffer size (log scale)",
            "throughput, MiB/s",
            "1 KiB",
            "4 KiB",
            "16 KiB",
        ] {
            assert!(
                texts.iter().any(|t| t == label),
                "no axis label {label:?} in {texts:?}"
            );
        }
    }
    assert_eq!(circles, points.len());
    let saving = figure(&dom, "saving");
    let ref_buf = u(&doc["charts"]["saving_buffer_bytes"]);
    assert_eq!(ref_buf, 4096);
    let bars = doc["savings"]
        .as_array()
        .expect("savings")
        .iter()
        .filter(|s| u(&s["buffer_bytes"]) == ref_buf)
        .count();
    assert_eq!(bars, 2);
    assert_eq!(
        saving.matches("fill=\"#1B7F3B\"").count(),
        bars,
        "one bar per file size"
    );
    assert!(
        svg_texts(saving)
            .iter()
            .any(|t| t == "time saved by sendfile, %")
    );
    for words in [
        "Where the time goes",
        "per call",
        "CPU",
        "Kernel",
        "zclab version",
    ] {
        assert!(dom.contains(words), "no {words:?}");
    }

    // Chinese, with IBM's table (sizes shrunk for the test).
    zclab(work)
        .env("ZCLAB_TEST_IBM_DIVISOR", "16384")
        .args([
            "sweep", "--ibm", "--runs", "1", "--lang", "zh", "--html", "zh.html",
        ])
        .assert()
        .success();
    let zh = work.join("zh.html");
    assert_self_contained(&std::fs::read_to_string(&zh).expect("zh page"));
    let (dom, reqs) = load(&zh, work);
    assert!(reqs.is_empty(), "the page made requests: {reqs:?}");
    assert!(dom.contains("<html lang=\"zh-CN\">"));
    let doc = embedded_json(&dom);
    let points = doc["points"].as_array().expect("points");
    assert_eq!(points.len(), 16);
    // One buffer: throughput against file size, one circle per point.
    let fig = figure(&dom, "throughput-0");
    assert_eq!(fig.matches("<circle").count(), 16);
    let texts = svg_texts(fig);
    assert!(
        texts.iter().any(|t| t == "文件大小（对数刻度）"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "吞吐量（MiB/s）"), "{texts:?}");
    let ibm = figure(&dom, "ibm");
    assert_eq!(
        ibm.matches("fill=\"#7A7A7A\"").count(),
        8,
        "one paper bar per row"
    );
    assert_eq!(
        ibm.matches("fill=\"#1B7F3B\"").count(),
        8,
        "one bar per row measured here"
    );
    let texts = svg_texts(ibm);
    for label in ["7MB", "1GB", "sendfile 节省的时间（%）"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no {label:?} in {texts:?}"
        );
    }
    for words in ["时间花在哪里", "每次调用", "18399", "8537", "回环", "出处"] {
        assert!(dom.contains(words), "no {words:?}");
    }

    // One picture for a person: target/tmp/sweep-report-en.png.
    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sweep-report-en.png");
    let _ = std::fs::remove_file(&png);
    let profile = tempfile::tempdir().expect("profile dir");
    run_chromium(
        &en,
        profile.path(),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2400".to_string(),
        ],
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000);
}

#[test]
fn compare_html_shows_the_four_rows_and_one_bar_per_method_in_chromium() {
    let home = temp_home();
    let work = home.path();
    let file = common::file_of(work, "data.bin", 256 << 10);
    for (lang, page, words) in [
        (
            "en",
            "cmp-en.html",
            ["CPU copies", "Mode switches", "Throughput", "[derived]"],
        ),
        (
            "zh",
            "cmp-zh.html",
            ["CPU 拷贝次数", "用户态/内核态切换", "吞吐量", "［推算］"],
        ),
    ] {
        zclab(work)
            .args(["compare", "--runs", "1", "--lang", lang, "--html", page])
            .arg(&file)
            .assert()
            .success();
        let path = work.join(page);
        assert_self_contained(&std::fs::read_to_string(&path).expect("page"));
        let (dom, reqs) = load(&path, work);
        assert!(reqs.is_empty(), "the page made requests: {reqs:?}");
        let doc = embedded_json(&dom);
        assert_eq!(u(&doc["file"]["bytes"]), 256 << 10);
        let table = figure_like(&dom, "four-rows", "</table>");
        assert_eq!(table.matches("<tr>").count(), 5, "a header and four rows");
        for w in words {
            assert!(dom.contains(w), "{lang}: no {w:?}");
        }
        for id in [
            "chart-copies",
            "chart-switches",
            "chart-cpu",
            "chart-throughput",
        ] {
            let fig = figure(&dom, id);
            let bars =
                fig.matches("fill=\"#C76A00\"").count() + fig.matches("fill=\"#1B7F3B\"").count();
            assert_eq!(bars, 2, "{lang} {id}: one bar per method");
            assert!(svg_texts(fig).iter().any(|t| t == "read-write"));
            assert!(svg_texts(fig).iter().any(|t| t == "sendfile"));
        }
    }
}

/// The text from `id="…"` to the next `end`.
fn figure_like<'a>(dom: &'a str, id: &str, end: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let stop = start + dom[start..].find(end).expect("end");
    &dom[start..stop]
}
