//! Pure renderers of a [`SweepView`](super::view::SweepView): each takes
//! the view and a [`Ctx`](super::view::Ctx) and returns text. None of them
//! measures or derives a number the view does not hold.

pub mod compare_page;
pub mod csv;
pub mod html;
pub mod md;
pub mod term;

use unicode_width::UnicodeWidthStr;

use super::ibm::Verdict;
use super::view::OptionsView;
use crate::lang::Lang;
use crate::text::sweep as st;

/// A duration given in ns, with three significant figures: `812 µs`,
/// `4.21 ms`, `1.23 s`.
pub fn duration(ns: f64) -> String {
    if ns == 0.0 {
        "0".to_string()
    } else if ns >= 1e9 {
        format!("{} s", sig3(ns / 1e9))
    } else if ns >= 1e6 {
        format!("{} ms", sig3(ns / 1e6))
    } else if ns >= 1e3 {
        format!("{} µs", sig3(ns / 1e3))
    } else {
        format!("{} ns", sig3(ns))
    }
}

/// Three significant figures, no exponent.
pub fn sig3(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".to_string()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else if a >= 0.1 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// A percentage without decimals: `57%`.
pub fn pct(v: f64) -> String {
    format!("{v:.0}%")
}

/// Bytes as zclab prints sizes (`4.0 KiB`), whole units without the `.0`
/// when exact (`4 KiB`, `64 MiB`).
pub fn size(bytes: u64) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    crate::size::format_bytes(bytes)
}

/// Pads `s` with spaces to `w` display columns (left-aligned).
pub fn pad(s: &str, w: usize) -> String {
    let n = s.width();
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

/// Pads `s` on the left to `w` display columns (right-aligned).
pub fn rpad(s: &str, w: usize) -> String {
    let n = s.width();
    format!("{}{s}", " ".repeat(w.saturating_sub(n)))
}

pub fn verdict_word(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Holds => st::VERDICT_HOLDS.get(lang),
        Verdict::HoldsLarger => st::VERDICT_HOLDS_LARGER.get(lang),
        Verdict::HoldsSmaller => st::VERDICT_HOLDS_SMALLER.get(lang),
        Verdict::NoClearDifference => st::VERDICT_NO_CLEAR.get(lang),
        Verdict::Reversed => st::VERDICT_REVERSED.get(lang),
    }
}

/// What was swept, in one sentence (the same on every output): how many
/// methods, sizes and buffers, runs per point, warm or cold page cache.
pub fn swept(o: &OptionsView, lang: Lang) -> String {
    let cache = if o.page_cache == "cold" {
        st::COLD.get(lang)
    } else {
        st::WARM.get(lang)
    };
    super::text::fill(
        st::HEADER.get(lang),
        &[
            &o.methods.len().to_string(),
            &o.sizes_bytes.len().to_string(),
            &o.buffers_bytes.len().to_string(),
            &o.runs.to_string(),
            cache,
        ],
    )
}

pub fn verdict_sentence(v: Verdict, then: f64, now: f64, lang: Lang) -> String {
    let t = match v {
        Verdict::Holds => st::VERDICT_SENTENCE_HOLDS.get(lang),
        Verdict::HoldsLarger => st::VERDICT_SENTENCE_LARGER.get(lang),
        Verdict::HoldsSmaller => st::VERDICT_SENTENCE_SMALLER.get(lang),
        Verdict::NoClearDifference => st::VERDICT_SENTENCE_NO_CLEAR.get(lang),
        Verdict::Reversed => st::VERDICT_SENTENCE_REVERSED.get(lang),
    };
    super::text::fill(t, &[&pct(then), &pct(now)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(duration(812_000.0), "812 µs");
        assert_eq!(duration(4_214_000.0), "4.21 ms");
        assert_eq!(duration(1.234e9), "1.23 s");
        assert_eq!(duration(0.28), "0.280 ns");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1 << 30), "1 GiB");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(rpad("中文", 6), "  中文");
    }
}

#[cfg(test)]
mod snapshot_tests;
