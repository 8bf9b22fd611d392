//! `--csv`: one row per point and method, with a header row. Column names
//! are the JSON's field names (README.md), numbers exactly as in the JSON.

use crate::sweep::view::SweepView;

pub const HEADER: &str = "file_bytes,buffer_bytes,method,runs,median_ns,min_ns,max_ns,throughput_mib_s,calls,mode_switches,sender_cpu_ns,verified";

pub fn render(v: &SweepView) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for p in &v.points {
        // Method names are plain ASCII words: no quoting needed.
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            p.file_bytes,
            p.buffer_bytes,
            p.method,
            p.runs,
            p.median_ns,
            p.min_ns,
            p.max_ns,
            p.throughput_mib_s,
            p.calls,
            p.mode_switches,
            p.sender_cpu_ns,
            p.verified
        ));
    }
    out
}
