//! The lesson renderer on English and Chinese Markdown at several widths.

use super::*;

#[test]
fn wraps_english_on_spaces_and_chinese_anywhere() {
    let en = markdown(
        "one two three four five six seven eight nine ten eleven twelve",
        40,
        false,
    );
    assert!(en.lines().all(|l| str_width(l) <= 40), "{en}");
    let zh = markdown(&"零拷贝让数据直接从页缓存进入网卡。".repeat(5), 40, false);
    assert!(
        zh.lines().count() > 1 && zh.lines().all(|l| str_width(l) <= 40),
        "{zh}"
    );
    assert!(!zh.lines().any(|l| l.starts_with('。')), "{zh}");
}

#[test]
fn markdown_pieces_without_colour() {
    let r = markdown(
        "# Title\n\nSome **bold** and `code`.\n\n- item one\n  continues\n\n```c\nint x;\n```",
        80,
        false,
    );
    assert!(r.contains("Title\n====="), "{r}");
    assert!(r.contains("Some bold and `code`."), "{r}");
    assert!(r.contains("• item one continues"), "{r}");
    assert!(r.contains("    int x;"), "{r}");
    assert_eq!(join_lines(&["页缓存", "里"]), "页缓存里");
}

#[test]
fn an_opening_bracket_moves_to_the_next_line_with_its_content() {
    let r = markdown(
        "把文件从页缓存中清掉（`posix_fadvise(POSIX_FADV_DONTNEED)`），于是",
        40,
        false,
    );
    assert!(r.lines().all(|l| !l.ends_with('（')), "{r}");
    assert!(r.contains("\n（`posix_fadvise"), "{r}");
}

#[test]
fn tables_align_by_display_width() {
    let r = markdown(
        "| 项目 | read |\n|---|---|\n| 数据拷贝次数 | 4 次 |",
        80,
        false,
    );
    assert_eq!(
        r,
        "| 项目         | read |\n|--------------|------|\n| 数据拷贝次数 | 4 次 |\n"
    );
}

#[test]
fn a_table_wider_than_the_screen_wraps_its_widest_cells() {
    let md = "| 方式 | 证据 |\n|---|---|\n| read + write | 自计数的用户空间字节数，外加 /proc 的 rchar 与 wchar，两路计数一致 |";
    for width in 40..=60 {
        let r = markdown(md, width, false);
        for line in r.lines() {
            assert!(str_width(line) <= width, "{width}:\n{r}");
            assert!(line.starts_with('|') && line.ends_with('|'), "{r}");
        }
        let cells: String = r.lines().map(|l| l.replace(['|', ' '], "")).collect();
        assert!(
            cells.contains("自计数的用户空间字节数，外加/proc的rchar"),
            "{r}"
        );
    }
}

#[test]
fn a_number_keeps_its_unit() {
    let text = "nginx 把文件一段一段地读进它的 `output_buffers`（默认 2 个 32 KiB 的缓冲区），再写出 4 KiB。";
    for width in 40..=60 {
        let r = markdown(text, width, false);
        for line in r.lines() {
            assert!(
                !line.starts_with("KiB") && !line.starts_with('个'),
                "{width}:\n{r}"
            );
        }
    }
}

#[test]
fn chinese_typography() {
    // No space next to full-width punctuation, across source lines too.
    assert_eq!(join_lines(&["日志段，", "4 KiB"]), "日志段，4 KiB");
    assert_eq!(join_lines(&["读完。", "Linux 也"]), "读完。Linux 也");
    assert_eq!(join_lines(&["数据进入", "Socket"]), "数据进入 Socket");
    assert_eq!(
        join_lines(&["并不能让", "*文件*那一侧"]),
        "并不能让*文件*那一侧"
    );
    let r = markdown("放进：**Socket 缓冲区**。 Linux", 80, false);
    assert_eq!(r, "放进：Socket 缓冲区。Linux\n");
    // No line ends with an opening bracket or quote, none starts with a
    // closing one or with a comma or full stop.
    for width in 40..=60 {
        let text = "零拷贝（zero copy）让数据直接从页缓存进入网卡，“不经过用户空间”。".repeat(4);
        let r = markdown(&text, width, false);
        for line in r.lines() {
            assert!(
                line.chars().all(|c| c != ' ') || line.contains("zero copy"),
                "{r}"
            );
            let (f, l) = (line.chars().next(), line.chars().last());
            assert!(!matches!(f, Some('）' | '”' | '，' | '。')), "{width}: {r}");
            assert!(!matches!(l, Some('（' | '“')), "{width}: {r}");
        }
    }
}
