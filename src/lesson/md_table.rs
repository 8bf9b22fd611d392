//! Markdown tables in a lesson step: columns aligned by display width, and
//! a table wider than the screen narrowed, its cells wrapped.

use super::render::str_width;

/// A Markdown table with its columns aligned by display width (a Chinese
/// character takes two columns), whatever the spacing in the source. A
/// table wider than `width` has its widest columns narrowed and their
/// cells wrapped (with the prose rules of [`crate::report::wrap`]).
pub(super) fn table(lines: &[&str], width: usize) -> String {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let t = l.trim();
            let t = t.strip_prefix('|').unwrap_or(t);
            let t = t.strip_suffix('|').unwrap_or(t);
            t.split('|').map(|c| c.trim().to_string()).collect()
        })
        .collect();
    let is_rule = |r: &Vec<String>| {
        r.iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
    };
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows.iter().filter(|r| !is_rule(r)) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(str_width(c));
        }
    }
    // "| a | b |": three columns of rule and padding per cell, one more.
    let budget = width.saturating_sub(3 * cols + 1);
    while widths.iter().sum::<usize>() > budget {
        let Some(widest) = widths.iter_mut().max() else {
            break;
        };
        if *widest <= 6 {
            break;
        }
        *widest -= 1;
    }
    let mut out = String::new();
    for r in &rows {
        if is_rule(r) {
            out.push('|');
            for w in &widths {
                out.push_str(&format!("-{}-|", "-".repeat(*w)));
            }
            out.push('\n');
            continue;
        }
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(k, w)| {
                let cell = r.get(k).map(String::as_str).unwrap_or("");
                crate::report::wrap(cell, *w, "", 0)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for n in 0..height {
            out.push('|');
            for (k, w) in widths.iter().enumerate() {
                let cell = cells[k].get(n).map(String::as_str).unwrap_or("");
                let pad = w.saturating_sub(str_width(cell));
                out.push_str(&format!(" {cell}{} |", " ".repeat(pad)));
            }
            out.push('\n');
        }
    }
    out
}
