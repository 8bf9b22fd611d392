//! `zclab sample --dump`: the batches of a segment and its first records.

use std::fmt::Write as _;

use crate::report::layout::Cell;

use crate::ctx::Ctx;
use crate::kafka::batch::BatchError;
use crate::kafka::segment::Dump;
use crate::size::{format_bytes, group_digits};
use crate::text::kafka as t;

#[derive(Clone, Debug, PartialEq)]
pub struct DumpView {
    pub path: String,
    pub file_bytes: u64,
    pub batch_count: usize,
    /// (position, base offset, last offset, records, bytes, crc valid, compression)
    pub rows: Vec<(u64, i64, i64, i32, u64, bool, &'static str)>,
    pub hidden_rows: usize,
    pub records_total: u64,
    pub crc_failures: u64,
    pub first_records: Vec<(i64, i64, String, String)>,
    pub stopped: Option<(u64, BatchError)>,
}

const DUMP_ROWS: usize = 8;

pub fn dump_view(d: &Dump, path: &str) -> DumpView {
    let mut rows: Vec<_> = d
        .batches
        .iter()
        .map(|b| {
            (
                b.position,
                b.base_offset,
                b.last_offset,
                b.records,
                b.bytes,
                b.crc_valid,
                b.compression,
            )
        })
        .collect();
    let hidden = rows.len().saturating_sub(DUMP_ROWS);
    if hidden > 0 {
        // The first rows, then the last one.
        let last = rows[rows.len() - 1];
        rows.truncate(DUMP_ROWS - 1);
        rows.push(last);
    }
    DumpView {
        path: path.to_string(),
        file_bytes: d.file_bytes,
        batch_count: d.batches.len(),
        rows,
        hidden_rows: hidden,
        records_total: d.records_total,
        crc_failures: d.crc_failures,
        first_records: d
            .first_records
            .iter()
            .map(|r| {
                (
                    r.offset,
                    r.timestamp,
                    r.key.clone().unwrap_or_else(|| "null".into()),
                    r.value.clone().unwrap_or_else(|| "null".into()),
                )
            })
            .collect(),
        stopped: d.stopped_at.zip(d.stopped_why.clone()),
    }
}

pub fn render_dump(v: &DumpView, ctx: &Ctx) -> String {
    let mut out = String::new();
    let crc = if v.crc_failures == 0 {
        ctx.t(t::DUMP_CRC_OK).to_string()
    } else {
        ctx.f(t::DUMP_CRC_BAD, &[("n", &v.crc_failures)])
    };
    let title = ctx.f(
        t::DUMP_TITLE,
        &[
            ("path", &v.path),
            ("size", &format_bytes(v.file_bytes)),
            ("batches", &group_digits(v.batch_count as u64)),
            ("records", &group_digits(v.records_total)),
            ("crc", &crc),
        ],
    );
    let _ = writeln!(out, "{}", ctx.wrap(&title, "", 0));
    let head = [
        ctx.t(t::DUMP_HEAD_POSITION),
        "baseOffset",
        "lastOffset",
        ctx.t(t::DUMP_HEAD_RECORDS),
        ctx.t(t::DUMP_HEAD_BYTES),
        "CRC",
        ctx.t(t::DUMP_HEAD_COMPRESSION),
    ];
    let mut table =
        crate::report::layout::condensed_table(ctx, head.iter().map(Cell::new).collect());
    for (i, r) in v.rows.iter().enumerate() {
        if v.hidden_rows > 0 && i == v.rows.len() - 1 {
            table.add_row(vec![Cell::new(
                ctx.f(t::DUMP_MORE, &[("n", &v.hidden_rows)]),
            )]);
        }
        table.add_row(vec![
            Cell::new(group_digits(r.0)),
            Cell::new(r.1),
            Cell::new(r.2),
            Cell::new(r.3),
            Cell::new(group_digits(r.4)),
            Cell::new(ctx.t(if r.5 { t::DUMP_VALID } else { t::DUMP_WRONG })),
            Cell::new(r.6),
        ]);
    }
    let _ = writeln!(out, "{table}");
    if let Some((pos, why)) = &v.stopped {
        let why = why.localized();
        let _ = writeln!(
            out,
            "{}",
            ctx.f(
                t::DUMP_STOPPED,
                &[("pos", pos), ("why", &why.get(ctx.lang))]
            )
        );
    }
    if !v.first_records.is_empty() {
        let _ = writeln!(out, "{}", ctx.t(t::DUMP_FIRST));
        for (off, ts, k, val) in &v.first_records {
            let line = format!("offset={off} timestamp={ts} key={k} value={val}");
            let _ = writeln!(out, "{}", ctx.wrap(&line, "  ", 4));
        }
    }
    out
}
