//! IBM developerWorks' published table, kept as cited data.
//!
//! Source: Sathish K. Palaniappan and Pramod B. Nagaraja, "Efficient data
//! transfer through zero copy", IBM developerWorks, 2008, Table 1
//! ("Performance comparison: traditional approach vs. zero copy"). Java,
//! `FileChannel.transferTo` against a read/write loop, 4 KB buffer, a file
//! server and client over a real network, Linux 2.6 kernel. Times in
//! milliseconds, copied exactly as printed.
//!
//! The paper writes MB and GB without saying whether it means 10^6 or 2^20
//! bytes. zclab reads them as MiB and GiB (2^20 and 2^30 bytes): its 4 KB
//! buffer is 4096 bytes, and the two readings differ by under 7.4%, far less
//! than the spread of the runs. "1 GB" is the paper's 1 GB, 1 GiB here.

use serde::Serialize;

/// The citation, as shown under the table.
pub const CITATION: &str = "S. K. Palaniappan, P. B. Nagaraja, \"Efficient data transfer through zero copy\", IBM developerWorks, 2008, Table 1";

/// The buffer of the paper's traditional loop: 4 KB, 4096 bytes here.
pub const BUFFER_BYTES: usize = 4096;

/// One row of Table 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PaperRow {
    /// The size as the paper prints it.
    pub label: &'static str,
    /// The size zclab sends for it (MB read as MiB, GB as GiB).
    pub file_bytes: u64,
    /// The read/write loop, ms.
    pub traditional_ms: u32,
    /// `transferTo` (sendfile), ms.
    pub transfer_to_ms: u32,
}

const MIB: u64 = 1 << 20;

/// Table 1, row by row.
pub const TABLE_1: [PaperRow; 8] = [
    PaperRow {
        label: "7MB",
        file_bytes: 7 * MIB,
        traditional_ms: 156,
        transfer_to_ms: 45,
    },
    PaperRow {
        label: "21MB",
        file_bytes: 21 * MIB,
        traditional_ms: 337,
        transfer_to_ms: 128,
    },
    PaperRow {
        label: "63MB",
        file_bytes: 63 * MIB,
        traditional_ms: 843,
        transfer_to_ms: 387,
    },
    PaperRow {
        label: "98MB",
        file_bytes: 98 * MIB,
        traditional_ms: 1320,
        transfer_to_ms: 617,
    },
    PaperRow {
        label: "200MB",
        file_bytes: 200 * MIB,
        traditional_ms: 2124,
        transfer_to_ms: 1150,
    },
    PaperRow {
        label: "350MB",
        file_bytes: 350 * MIB,
        traditional_ms: 3631,
        transfer_to_ms: 1762,
    },
    PaperRow {
        label: "700MB",
        file_bytes: 700 * MIB,
        traditional_ms: 13498,
        transfer_to_ms: 4422,
    },
    PaperRow {
        label: "1GB",
        file_bytes: 1024 * MIB,
        traditional_ms: 18399,
        transfer_to_ms: 8537,
    },
];

/// The share of the traditional time that zero copy saved, %.
pub fn saving_pct(traditional: f64, zero_copy: f64) -> f64 {
    if traditional <= 0.0 {
        0.0
    } else {
        (1.0 - zero_copy / traditional) * 100.0
    }
}

impl PaperRow {
    pub fn saving_pct(&self) -> f64 {
        saving_pct(self.traditional_ms as f64, self.transfer_to_ms as f64)
    }
}

/// How this machine's saving compares with the paper's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// sendfile saves time here too, within 10 points of the paper.
    Holds,
    /// sendfile saves time here, more than 10 points more than then.
    HoldsLarger,
    /// sendfile saves time here, more than 10 points less than then.
    HoldsSmaller,
    /// Within ±5%: no clear difference here.
    NoClearDifference,
    /// sendfile took longer here.
    Reversed,
}

/// The verdict for a row: the paper's saving against this machine's.
pub fn verdict(paper_pct: f64, here_pct: f64) -> Verdict {
    if here_pct < -5.0 {
        Verdict::Reversed
    } else if here_pct <= 5.0 {
        Verdict::NoClearDifference
    } else if here_pct > paper_pct + 10.0 {
        Verdict::HoldsLarger
    } else if here_pct < paper_pct - 10.0 {
        Verdict::HoldsSmaller
    } else {
        Verdict::Holds
    }
}

/// The paper's rows, each size divided by `divisor` (1 for the real run;
/// tests use a large divisor so that the "1 GB" row is a few KiB).
pub fn rows(divisor: u64) -> Vec<PaperRow> {
    let d = divisor.max(1);
    TABLE_1
        .iter()
        .map(|r| PaperRow {
            file_bytes: (r.file_bytes / d).max(1),
            ..*r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_papers_numbers_exactly() {
        let ms: Vec<(&str, u32, u32)> = TABLE_1
            .iter()
            .map(|r| (r.label, r.traditional_ms, r.transfer_to_ms))
            .collect();
        assert_eq!(
            ms,
            [
                ("7MB", 156, 45),
                ("21MB", 337, 128),
                ("63MB", 843, 387),
                ("98MB", 1320, 617),
                ("200MB", 2124, 1150),
                ("350MB", 3631, 1762),
                ("700MB", 13498, 4422),
                ("1GB", 18399, 8537),
            ]
        );
        assert_eq!(TABLE_1[7].file_bytes, 1 << 30);
        assert_eq!(TABLE_1[0].file_bytes, 7 << 20);
        assert_eq!(BUFFER_BYTES, 4096);
    }

    #[test]
    fn savings_and_verdicts() {
        assert!((TABLE_1[0].saving_pct() - 71.15).abs() < 0.01);
        assert!((TABLE_1[7].saving_pct() - 53.60).abs() < 0.01);
        assert_eq!(verdict(57.0, 55.0), Verdict::Holds);
        assert_eq!(verdict(57.0, 80.0), Verdict::HoldsLarger);
        assert_eq!(verdict(57.0, 20.0), Verdict::HoldsSmaller);
        assert_eq!(verdict(57.0, 3.0), Verdict::NoClearDifference);
        assert_eq!(verdict(57.0, -20.0), Verdict::Reversed);
    }

    #[test]
    fn scaled_rows_keep_the_paper_times() {
        let r = rows(1 << 20);
        assert_eq!(r[7].file_bytes, 1024);
        assert_eq!(r[0].file_bytes, 7);
        assert_eq!(r[6].traditional_ms, 13498);
    }
}
