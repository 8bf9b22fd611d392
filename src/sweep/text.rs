//! Every user-facing string of the sweep, English and Chinese side by side,
//! grouped here so that they move into zclab's text catalogue in one step.
//! Templates take `{0}`, `{1}`, … filled by [`fill`].

use crate::lang::Lang;

macro_rules! texts {
    ($($name:ident: $en:expr, $zh:expr;)*) => {
        $(
            pub fn $name(lang: Lang) -> &'static str {
                match lang {
                    Lang::En => $en,
                    Lang::Zh => $zh,
                }
            }
        )*
        /// Every entry in both languages (for the completeness test).
        #[cfg(test)]
        pub const ALL: &[(&str, &str, &str)] = &[$((stringify!($name), $en, $zh)),*];
    };
}

texts! {
    title: "zclab sweep", "zclab sweep 扫描实验";
    header: "{0} method(s) × {1} file size(s) × {2} buffer size(s), {3} run(s) each, loopback TCP, page cache {4}",
        "{0} 种方式 × {1} 种文件大小 × {2} 种缓冲区大小，每点各运行 {3} 次，本机回环 TCP，{4}";
    warm: "warm", "热缓存";
    cold: "cold", "冷缓存";
    machine_line: "{0} · {1} cores · {2} · samples on {3} · {4}",
        "{0} · {1} 核 · {2} · 样本所在文件系统 {3} · {4}";
    unknown: "unknown", "未知";
    stopped: "Stopped by Ctrl-C after {0} of {1} points: below is what was measured so far.",
        "已按 Ctrl-C 停止：{1} 个测量点中完成了 {0} 个，下面是已测得的结果。";
    cold_refused: "--cold was asked, but the sample files could not be dropped from the page cache here (a file system kept in memory, or pages the kernel kept): every run was warm.",
        "虽然指定了 --cold，但这里无法把样本文件清出页缓存（文件系统位于内存中，或内核保留了这些页面）：所有运行都是热缓存。";
    nothing_measured: "Nothing was measured.", "还没有测得任何数据。";
    not_verified: "NOT VERIFIED: a run did not deliver the file byte for byte (see the table).",
        "未通过校验：有一次运行接收端收到的数据与文件不一致（见表格）。";
    times_title: "Median time per transfer [measured: wall clock to the last byte, median of {0}; range in brackets]",
        "每次传输的耗时中位数［实测：从开始到最后一个字节到达的墙钟时间，{0} 次取中位数；括号内为范围］";
    col_file: "file", "文件";
    col_buffer: "buffer", "缓冲区";
    col_method: "method", "方式";
    col_saving: "saving", "节省";
    col_median: "median", "中位数";
    col_range: "range", "范围";
    col_throughput: "MiB/s", "MiB/s";
    col_calls: "calls", "系统调用";
    col_verified: "verified", "校验";
    yes: "yes", "通过";
    no: "NO", "未通过";
    saving_note: "saving = the share of read-write's time that sendfile saved",
        "节省 = sendfile 比 read-write 少用的时间占 read-write 耗时的比例";
    chart_throughput: "Throughput by buffer size, file {0} [measured, median]",
        "不同缓冲区大小下的吞吐量，文件 {0}［实测，中位数］";
    chart_saving: "sendfile's saving by file size, buffer {0} [measured, median]",
        "不同文件大小下 sendfile 节省的时间，缓冲区 {0}［实测，中位数］";
    chart_throughput_by_size: "Throughput by file size, buffer {0} [measured, median]",
        "不同文件大小下的吞吐量，缓冲区 {0}［实测，中位数］";
    html_axis_file_log: "file size (log scale)", "文件大小（对数刻度）";
    list_sep: "; ", "；";
    slower: "sendfile slower", "sendfile 更慢";
    model_title: "Where the time goes [derived: least-squares fit to the measured points]",
        "时间花在哪里［推算：对实测点做最小二乘拟合］";
    model_formula: "time ≈ system calls × cost per call + bytes × cost per byte",
        "耗时 ≈ 系统调用次数 × 每次调用的开销 + 字节数 × 每字节的开销";
    model_line: "≈ {0} per call, ≈ {1} per byte", "每次调用 ≈ {0}，每字节 ≈ {1}";
    model_fit: "reproduces the {0} points within ±{1} (rms {2})",
        "还原 {0} 个实测点的误差在 ±{1} 以内（均方根 {2}）";
    model_clamped: "(one cost came out below 0 and was set to 0)",
        "（有一项开销拟合为负数，已置为 0）";
    model_crossover: "{0}: below a buffer of about {1}, the calls cost more than the bytes; above it, the bytes cost more.",
        "{0}：缓冲区小于约 {1} 时，系统调用的开销超过搬运字节的开销；大于它时，字节的开销更大。";
    model_one_call: "{0}: its calls do not grow with the buffer (one call can carry the whole file), so nearly all of its time is per byte.",
        "{0}：调用次数不随缓冲区变化（一次调用就能发完整个文件），所以它的耗时几乎都按字节计。";
    model_none: "Not enough points to fit the model (it needs two or more per method).",
        "测量点太少，无法拟合（每种方式至少需要两个点）。";
    model_basis: "These costs are derived from the measured times above, not measured one by one; on loopback the per-byte cost includes the receiver's copy.",
        "这些开销由上面的实测耗时推算而来，并非逐项实测；在本机回环上，每字节的开销也包含接收端的那次拷贝。";
    ibm_title: "IBM developerWorks 2008, Table 1, re-run here with {0} buffers [paper: cited; here: measured, median of {1}]",
        "IBM developerWorks 2008 年表 1，在本机用 {0} 缓冲区重跑［论文：引用；本机：实测，{1} 次取中位数］";
    ibm_col_size: "size", "大小";
    ibm_col_paper: "paper, ms", "论文，毫秒";
    ibm_col_here: "here, ms", "本机，毫秒";
    ibm_col_trad: "trad.", "传统";
    ibm_col_zc: "transferTo", "transferTo";
    ibm_col_rw: "read-write", "read-write";
    ibm_col_sf: "sendfile", "sendfile";
    ibm_col_verdict: "verdict", "结论";
    ibm_unit: "Sizes: the paper writes MB and GB without saying which; zclab reads them as MiB and GiB (2^20 and 2^30 bytes), so its 1GB is 1 GiB here.",
        "大小：论文只写 MB、GB，没有说明是哪种单位；zclab 按 MiB、GiB（2^20、2^30 字节）理解，论文的 1GB 在这里是 1 GiB。";
    ibm_scaled: "Test run: every size divided by {0}.", "测试运行：所有大小均除以 {0}。";
    ibm_caveat: "Not the same experiment: the paper ran Java (FileChannel.transferTo against a read/write loop) on 2008 hardware, and does not describe the network between its client and server; here Rust makes the system calls directly, on this machine, over loopback, where no network card and no wire limit the speed. Compare the savings, not the milliseconds.",
        "这不是同一个实验：论文用 Java（FileChannel.transferTo 对比 read/write 循环）在 2008 年的硬件上测量，也没有交代客户端与服务端之间的网络；这里由 Rust 直接发起系统调用，在本机回环上运行，没有网卡和线路来限制速度。请比较节省的比例，而不是毫秒数。";
    ibm_source: "Source: {0}", "出处：{0}";
    ibm_total: "Over all rows: the paper saved {0}, this machine {1}.",
        "按所有行合计：论文节省了 {0}，本机节省了 {1}。";
    verdict_holds: "holds", "依然成立";
    verdict_holds_larger: "holds, larger", "成立，更明显";
    verdict_holds_smaller: "holds, smaller", "成立，但变小";
    verdict_no_clear: "no clear gap", "差别不明显";
    verdict_reversed: "reversed", "结论相反";
    verdict_sentence_holds: "The saving still holds: {0} then, {1} now.", "节省依然成立：当年 {0}，如今 {1}。";
    verdict_sentence_larger: "The saving holds and is larger here: {0} then, {1} now.",
        "节省依然成立，而且更明显：当年 {0}，如今 {1}。";
    verdict_sentence_smaller: "The saving holds but is smaller here: {0} then, {1} now.",
        "节省依然成立，但变小了：当年 {0}，如今 {1}。";
    verdict_sentence_no_clear: "No clear saving here: {0} then, {1} now.", "本机上看不出明显的节省：当年 {0}，如今 {1}。";
    verdict_sentence_reversed: "Reversed here: sendfile took longer ({0} saved then, {1} now).",
        "本机上结论相反：sendfile 反而更慢（当年节省 {0}，如今 {1}）。";
    not_measured: "not measured", "未测";
    html_lang: "en", "zh-CN";
    html_machine: "Machine", "机器";
    html_cpu: "CPU", "CPU";
    html_cores: "Cores", "核数";
    html_kernel: "Kernel", "内核";
    html_fs: "Filesystem of the samples", "样本所在文件系统";
    html_date: "Date", "日期";
    html_version: "zclab version", "zclab 版本";
    html_settings: "Settings", "设置";
    html_raw: "Raw data (the --json document)", "原始数据（即 --json 输出）";
    html_times: "Measured times", "实测耗时";
    html_axis_buffer: "buffer size (log scale)", "缓冲区大小（对数刻度）";
    html_axis_throughput: "throughput, MiB/s", "吞吐量（MiB/s）";
    html_axis_file: "file size", "文件大小";
    html_axis_saving: "time saved by sendfile, %", "sendfile 节省的时间（%）";
    html_axis_ibm_row: "file size (paper's label)", "文件大小（论文标注）";
    html_legend_paper: "paper, 2008", "论文（2008）";
    html_legend_here: "this machine", "本机";
    html_ibm_chart: "Time saved by zero copy: the paper against this machine", "零拷贝节省的时间：论文与本机对比";
    html_intro: "Each point below is a real transfer of a file over loopback TCP on this machine, checked byte for byte; the cost model and the verdicts are derived from those points.",
        "下面每个点都是本机上经回环 TCP 真实发送一个文件的结果，并逐字节校验；开销模型和结论都由这些点推算而来。";
    saving_col_rw: "read-write", "read-write";
    saving_col_sf: "sendfile", "sendfile";
    saving_col_speedup: "ratio", "倍数";
    savings_title: "read-write against sendfile [measured, median]", "read-write 与 sendfile 对比［实测，中位数］";
    per_call: "per call", "每次调用";
    per_byte: "per byte", "每字节";
    fit_quality: "fit (max / rms error)", "拟合误差（最大 / 均方根）";
    crossover: "crossover buffer", "交叉点缓冲区";
}

/// Fills `{0}`, `{1}`, … in `template`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_both_languages_with_the_same_placeholders() {
        for (name, en, zh) in ALL {
            assert!(!en.is_empty() && !zh.is_empty(), "{name}");
            for i in 0..6 {
                let p = format!("{{{i}}}");
                assert_eq!(en.contains(&p), zh.contains(&p), "{name}: {p}");
            }
            // ZH-STYLE: Chinese quotes, no ASCII quotes in Chinese text.
            assert!(!zh.contains('"'), "{name}");
        }
    }

    #[test]
    fn fills_in_order() {
        assert_eq!(fill("{0} of {1}", &["3", "9"]), "3 of 9");
    }
}
