//! Byte sizes as people type them (`4096`, `4KiB`, `64MiB`, `1GiB`) and as
//! zclab prints them.

use crate::error::Localized;
use crate::text::errors;

/// Parses a size: a whole number with an optional unit. `K`/`KiB`, `M`/`MiB`,
/// `G`/`GiB`, `T`/`TiB` are powers of 1024; `KB`, `MB`, `GB`, `TB` powers of
/// 1000; `B` or nothing means bytes. Units are case-insensitive.
///
/// The error is worded in both languages and marked as bad input; its
/// `Display` is the English one.
pub fn parse_size(text: &str) -> Result<u64, Localized> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let too_large = || Localized::new(errors::SIZE_TOO_LARGE, &[("text", &text)]).usage();
    if digits.is_empty() {
        return Err(Localized::new(errors::NOT_A_SIZE, &[("text", &text)]).usage());
    }
    let n: u64 = digits.parse().map_err(|_| too_large())?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => {
            return Err(
                Localized::new(errors::UNKNOWN_UNIT, &[("text", &text), ("unit", &other)]).usage(),
            );
        }
    };
    n.checked_mul(mult).ok_or_else(too_large)
}

/// Formats bytes with binary units, one decimal: `512 B`, `4.0 KiB`,
/// `256.0 MiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Formats a rate given in MiB/s with enough digits that a slow run never
/// reads as 0: `2385 MiB/s`, `3.4 MiB/s`, `512 KiB/s`, `0.38 KiB/s`.
pub fn format_rate(mib_s: f64) -> String {
    let kib_s = mib_s * 1024.0;
    if mib_s >= 10.0 {
        format!("{mib_s:.0} MiB/s")
    } else if mib_s >= 1.0 {
        format!("{mib_s:.1} MiB/s")
    } else if kib_s >= 10.0 {
        format!("{kib_s:.0} KiB/s")
    } else if kib_s >= 0.01 {
        format!("{kib_s:.2} KiB/s")
    } else {
        format!("{:.0} B/s", kib_s * 1024.0)
    }
}

/// Formats a CPU time given in ns as milliseconds with enough digits for
/// short runs: `141 ms`, `12.3 ms`, `0.748 ms`.
pub fn format_cpu_ns(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

/// Formats a wall-clock duration given in seconds so a short run never
/// reads as 0: `0.324 s` from 10 ms on, `1.39 ms` and `0.14 ms` below.
pub fn format_secs(secs: f64) -> String {
    if secs >= 0.01 {
        format!("{secs:.3} s")
    } else {
        format!("{:.2} ms", secs * 1e3)
    }
}

/// Formats an integer with thousands separators: `131,073`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("4KiB"), Ok(4096));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("3GB"), Ok(3_000_000_000));
        assert_eq!(parse_size(" 7 B"), Ok(7));
    }

    #[test]
    fn rejects_nonsense() {
        assert!(parse_size("").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("-4").is_err());
        assert!(parse_size("1.5GiB").is_err());
        assert!(parse_size("4 parsecs").is_err());
        assert!(parse_size("99999999999999999999").is_err());
        assert!(parse_size("99999999999TiB").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(1023), "1023 B");
        assert_eq!(format_bytes(4096), "4.0 KiB");
        assert_eq!(format_bytes(256 << 20), "256.0 MiB");
        assert_eq!(group_digits(131_073), "131,073");
        assert_eq!(group_digits(7), "7");
        assert_eq!(group_digits(1_000_000), "1,000,000");
    }

    #[test]
    fn rates_and_cpu_times_keep_their_digits() {
        assert_eq!(format_rate(2385.4), "2385 MiB/s");
        assert_eq!(format_rate(3.42), "3.4 MiB/s");
        assert_eq!(format_rate(0.5), "512 KiB/s");
        assert_eq!(format_rate(0.38 / 1024.0), "0.38 KiB/s");
        assert_eq!(format_rate(1e-9), "0 B/s");
        assert_eq!(format_cpu_ns(141_000_000), "141 ms");
        assert_eq!(format_cpu_ns(747_872), "0.748 ms");
        assert_eq!(format_cpu_ns(12_340_000), "12.3 ms");
        assert_eq!(format_secs(0.3241), "0.324 s");
        assert_eq!(format_secs(0.01), "0.010 s");
        assert_eq!(format_secs(0.001_391), "1.39 ms");
        assert_eq!(format_secs(0.000_141), "0.14 ms");
    }
}
