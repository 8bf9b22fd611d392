//! The command line, as clap sees it. Modules below never see clap: each
//! subcommand's arguments are turned into typed options in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "zclab",
    version,
    about = "Measure why Kafka's zero copy (sendfile) beats read() + write(), on this machine",
    long_about = "zclab sends a file over a loopback TCP socket with the classic read()/write() loop \
and with sendfile(), counts every system call and every byte that passes through user space, reads \
the kernel's counters in /proc, and prints the article's four-row table: data copies, user/kernel \
mode switches, CPU usage, throughput. Every figure is marked as measured (and by which counter) \
or modelled.\n\nzclab 在本机上实测：Kafka 的零拷贝（sendfile）为什么比 read() + write() 快。"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Language of labels and notes: en or zh [default: from LC_ALL/LC_MESSAGES/LANG]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,

    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run read()+write() and sendfile() side by side and print the four-optimizations table
    #[command(
        long_about = "Run read()+write() and sendfile() side by side over a loopback socket and \
print the article's four-optimizations table, measured on this machine.\n\n\
Without FILE, zclab makes (once) and reuses a 256 MiB Kafka log segment (genuine v2 record \
batches) in your cache folder and says where.\n\nExamples:\n  zclab compare\n  zclab compare samples/kafka-segment-1MiB.log --buf 4096\n  \
zclab compare --method sendfile --runs 5 --json\n  zclab compare --lang zh"
    )]
    Compare(CompareArgs),

    /// Walk the data through each copy and mode switch, one system call at a time
    #[command(
        long_about = "Run one method for real on a small file, one system call per step: the \
call as strace writes it, its two user/kernel mode switches, each data copy it causes (CPU or DMA, \
measured or modelled), the /proc counters of the sending thread that moved, and a data-path \
diagram with this step's hops marked.\n\nOn a terminal: Enter or space for the next step, a for \
autoplay, q to quit. When stdin or stdout is not a terminal, every step prints at once.\n\n\
Without FILE, zclab uses a 16 KiB Kafka log segment (one record batch, four 4 KiB chunks), kept in \
your cache folder.\n\nExamples:\n  zclab trace\n  zclab trace --method sendfile\n  \
zclab trace --method read-write --buf 4096 --chunks 3 samples/kafka-segment-1MiB.log\n  \
zclab trace --auto 800ms\n  zclab trace --json > steps.json"
    )]
    Trace(TraceArgs),

    /// Make a sample file of Kafka-like log records
    #[command(
        long_about = "Make a sample file of Kafka-like log records, exactly SIZE bytes, with \
deterministic content (the same on every machine). An existing file is never overwritten unless \
--force is given. With --kafka the file is a genuine Kafka log segment: v2 record batches of keyed \
JSON events, 16 KiB each, offsets from 0, every batch with its CRC-32C, as Kafka names it \
00000000000000000000.log. --dump prints what is inside a segment, like Kafka's dump-log tool.\n\n\
Examples:\n  zclab sample --size 64MiB -o sample.log\n  zclab sample --size 1GiB -o big.log\n  \
zclab sample --kafka --size 64MiB -o 00000000000000000000.log\n  zclab sample --dump 00000000000000000000.log"
    )]
    Sample(SampleArgs),

    /// Interactive lessons on zero copy, measured on this machine (English and Chinese)
    #[command(
        long_about = "Seven short lessons that teach the article on Kafka's zero copy with this \
machine as the proof: each lesson explains, asks you to predict a number, runs the real \
measurement, and checks your prediction against it. Progress is saved in \
$XDG_STATE_HOME/zclab/lessons.json (else ~/.local/state/zclab/lessons.json).\n\n\
On a terminal one step is shown per screen; without one, or with --no-pause, the whole lesson \
prints in order with the answers (a handout). When standard input is not a terminal, predicts \
and quizzes read their answers from it, one per line.\n\nExamples:\n  zclab lesson\n  \
zclab lesson 3\n  zclab lesson next\n  zclab lesson 1 --no-pause > lesson1.txt\n  \
zclab lesson --lang zh\n  zclab lesson reset\n  zclab lesson --check"
    )]
    Lesson(LessonArgs),

    /// Count the system calls of any command with zclab's own ptrace tracer (like strace -c)
    #[command(
        long_about = "Run a command under zclab's own ptrace tracer and count its system calls, \
per thread and in total, like `strace -f -c`: calls, errors, bytes moved (read from the return \
values), with the data-moving calls grouped so they stand out, and the mode switches they cost \
(derived: 2 per system call). Forks, threads and execs are followed. zclab exits with the \
command's own exit status (127 when it is not found, 128 + N when signal N killed it).\n\n\
Examples:\n  zclab count -- cat samples/kafka-segment-1MiB.log\n  \
zclab count --hide-output -- cp samples/kafka-segment-1MiB.log /tmp/copy.log\n  \
zclab count -- python3 -c \"import shutil; shutil.copyfile('a', 'b')\"\n  \
zclab count --hide-output -- dd if=samples/kafka-segment-1MiB.log of=/dev/null bs=4k\n  \
zclab count -- zclab compare samples/kafka-segment-1MiB.log --method sendfile --runs 1 --json\n  \
zclab count --json -- ls\n\n\
With --pid, zclab attaches to processes that are already running (every thread, and every \
thread or child they start), counts until Ctrl-C, --for DURATION or their exit, then detaches \
and leaves them running, untouched. Exit codes: 0 report printed, 1 the attach failed (another \
tracer holds the process, ptrace is blocked), 2 bad input (no such process, not yours).\n\n\
Examples:\n  zclab count --pid 1234\n  zclab count --pid 1234 --for 10s\n  \
zclab count --pid 1234,1240 --json"
    )]
    Count(CountArgs),

    /// Measure a grid of methods × file sizes × buffers, fit the cost per call and per byte, re-run IBM's 2008 table
    #[command(
        long_about = "Measure every method at every file size and buffer size, each point the way \
compare measures it (same harness, every byte verified, methods interleaved, median and range of \
--runs runs). Then fit a simple cost model per method to the points (time ≈ calls × cost per call \
+ bytes × cost per byte, least squares, with how well it fits) and draw the curves.\n\n\
Sample files are made as needed in zclab's cache folder ($XDG_CACHE_HOME/zclab, else \
~/.cache/zclab) and reused. Ctrl-C stops after the current transfer and prints what was measured \
(exit code 130).\n\n--ibm re-runs IBM developerWorks' 2008 Table 1 (7MB … 1GB, 4 KiB buffer; the \
paper's MB read as MiB) and prints the paper's times beside this machine's.\n\nExamples:\n  \
zclab sweep\n  zclab sweep --buf 512,4KiB,64KiB,1MiB --size 1MiB,64MiB,256MiB --method read-write,sendfile --runs 3\n  \
zclab sweep --ibm\n  zclab sweep --html report.html\n  zclab sweep --json > sweep.json\n  \
zclab sweep --csv > sweep.csv\n  zclab sweep --md > sweep.md"
    )]
    Sweep(SweepArgs),

    /// Watch a real server use zero copy: nginx with sendfile on and off, its worker traced
    #[command(
        long_about = "Start a private nginx (a temp config on 127.0.0.1 and a free port, a temp \
document root holding a sample file, master and one worker), fetch the file N times with a \
built-in HTTP/1.1 client that checks every body's length and CRC-32, attach zclab's tracer to \
the worker for N more requests, stop nginx, and do it all again with the other sendfile \
setting. Prints the worker's system calls for both settings side by side and the four rows \
(CPU copies through user space, mode switches, worker CPU from schedstat, throughput). nginx \
must be installed (exit 2 and how to install it otherwise); zclab never touches the system's \
own nginx service, and stops its nginx on every exit path, Ctrl-C included.\n\n\
Examples:\n  zclab demo nginx\n  zclab demo nginx --requests 50 --size 16MiB\n  \
zclab demo nginx --json"
    )]
    Demo(DemoArgs),

    /// Kafka for real: a small broker that serves fetches with sendfile, and a demo of its workflow
    #[command(
        long_about = "Without a subcommand: the article's workflow, live, with nothing installed. \
zclab starts its broker on 127.0.0.1, produces SIZE of genuine Kafka record batches with its own \
producer (they land in the page cache), shows them resident with mincore(2), fetches everything \
with its own consumer, served once with sendfile(2) and once with read(2) + write(2) per run, \
checks every batch's CRC-32C and the record count, and prints the four-row table of the broker's \
fetch path.\n\n`zclab kafka serve` runs the broker for real clients (kcat, kafka-python) and prints \
one line per fetch: the header written from memory, the records sent from the segment file, \
every call counted.\n\nExamples:\n  zclab kafka\n  zclab kafka --size 256MiB --runs 5\n  \
zclab kafka serve --port 9092\n  kcat -b 127.0.0.1:9092 -P -t demo -K: < records.txt\n  \
kcat -b 127.0.0.1:9092 -C -t demo -o beginning -e\n  zclab kafka serve --method read-write --json"
    )]
    Kafka(KafkaArgs),
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// File sizes, comma-separated [default: 256KiB,1MiB,16MiB,64MiB]
    #[arg(long, value_name = "SIZES", conflicts_with = "ibm")]
    pub size: Option<String>,

    /// Buffer sizes of the read()/write() loop, comma-separated [default: 512,4KiB,64KiB,1MiB]
    #[arg(long, value_name = "SIZES", conflicts_with = "ibm")]
    pub buf: Option<String>,

    /// Methods, comma-separated or repeated [default: read-write,sendfile]
    #[arg(
        long,
        value_enum,
        value_name = "METHOD",
        value_delimiter = ',',
        conflicts_with = "ibm"
    )]
    pub method: Vec<MethodArg>,

    /// Runs per method at each point; the tables show the median
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,

    /// Drop each file from the page cache before every run
    #[arg(long)]
    pub cold: bool,

    /// Re-run IBM developerWorks' 2008 Table 1 (7MB to 1GB, 4 KiB buffer) beside the paper's numbers
    #[arg(long)]
    pub ibm: bool,

    /// Also write a self-contained web page (charts, tables, machine, raw data) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Print one JSON document on stdout instead of the tables
    #[arg(long, group = "format")]
    pub json: bool,

    /// Print CSV (one row per point and method) instead of the tables
    #[arg(long, group = "format")]
    pub csv: bool,

    /// Print the tables as Markdown
    #[arg(long, group = "format")]
    pub md: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The server to watch
    #[arg(value_enum)]
    pub server: DemoServer,

    /// Requests per pass (one untraced and one traced pass per setting)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub requests: u64,

    /// Size of the file nginx serves, e.g. 1MiB, 4MiB
    #[arg(long, default_value = "4MiB", value_name = "SIZE")]
    pub size: String,

    /// Print one JSON document on stdout instead of the tables
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KafkaArgs {
    #[command(subcommand)]
    pub command: Option<KafkaCommand>,

    /// Bytes to produce and fetch, e.g. 64MiB
    #[arg(long, default_value = "64MiB", value_name = "SIZE")]
    pub size: String,

    /// Fetch passes per method, alternating; the table shows the median
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,

    /// Size of the broker's read() buffer in read-write mode, e.g. 4096, 64KiB
    #[arg(long, default_value = "4096", value_name = "SIZE")]
    pub buf: String,

    /// Print one JSON document instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DemoServer {
    /// nginx, with `sendfile on;` and `sendfile off;`
    Nginx,
}

#[derive(Debug, Subcommand)]
pub enum KafkaCommand {
    /// Run the broker on 127.0.0.1 for real Kafka clients; one line per fetch
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TCP port on 127.0.0.1 (0: any free port, printed on stderr)
    #[arg(long, default_value_t = 9092)]
    pub port: u16,

    /// Where the topics' segments live [default: kafka-logs in zclab's cache folder]
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,

    /// How fetches send the records
    #[arg(long, value_enum, default_value_t = MethodArg::Sendfile, value_name = "METHOD")]
    pub method: MethodArg,

    /// Size of the read() buffer in read-write mode, e.g. 4096, 64KiB
    #[arg(long, default_value = "4096", value_name = "SIZE")]
    pub buf: String,

    /// Print each fetch as one JSON line on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The file to send [default: a 256 MiB sample in your cache folder]
    pub file: Option<PathBuf>,

    /// Size of read()'s user buffer, e.g. 4096, 4KiB, 128KiB
    #[arg(long, default_value = "4096", value_name = "SIZE")]
    pub buf: String,

    /// Runs per method; the table shows the median run
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub runs: u32,

    /// Method to run (repeat for several; all: every method) [default: read-write and sendfile]
    #[arg(long, value_enum, value_name = "METHOD")]
    pub method: Vec<MethodArg>,

    /// Print one JSON document on stdout instead of the table
    #[arg(long)]
    pub json: bool,

    /// Drop the file from the page cache before every run, so the disk read is measured too
    #[arg(long)]
    pub cold: bool,

    /// Re-run each method under zclab's ptrace tracer and show both counts side by side
    #[arg(long)]
    pub verify: bool,

    /// Show everything under the table: system calls, /proc counters, data path, notes
    #[arg(long)]
    pub details: bool,

    /// Also write the comparison as a self-contained web page (table, bar charts, machine, raw data) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CountArgs {
    /// Print one JSON document on stdout (the command's own output then goes to stderr)
    #[arg(long)]
    pub json: bool,

    /// Send the command's standard output to /dev/null (its write calls still happen and count)
    #[arg(long, conflicts_with = "pid")]
    pub hide_output: bool,

    /// Attach to running processes instead (comma-separated PIDs); Ctrl-C detaches
    #[arg(long, value_name = "PID[,PID…]", conflicts_with = "command")]
    pub pid: Option<String>,

    /// With --pid: detach after DURATION (e.g. 10s, 500ms, 2m)
    #[arg(long = "for", value_name = "DURATION", requires = "pid")]
    pub for_duration: Option<String>,

    /// The command to trace and its arguments, after `--`
    #[arg(
        required_unless_present = "pid",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct LessonArgs {
    /// A lesson number, next, prev or reset [default: list, then continue where you left off]
    #[arg(value_name = "N|next|prev|reset")]
    pub target: Option<String>,

    /// With reset: the lesson to reset [default: all]
    #[arg(value_name = "N")]
    pub reset_lesson: Option<u32>,

    /// Print the whole lesson and run its demos without waiting (handouts, scripts)
    #[arg(long)]
    pub no_pause: bool,

    /// Record progress in a handout or a piped session too (on a terminal it always is)
    #[arg(long)]
    pub save: bool,

    /// Validate every lesson file and exit
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The file to send [default: a 16 KiB sample in your cache folder]
    pub file: Option<PathBuf>,

    /// Method to walk through
    #[arg(long, value_enum, default_value_t = MethodArg::ReadWrite, value_name = "METHOD")]
    pub method: MethodArg,

    /// Size of read()'s user buffer, e.g. 4096, 4KiB
    #[arg(long, default_value = "4096", value_name = "SIZE")]
    pub buf: String,

    /// Stop after N chunks (read-write) or N calls (sendfile)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub chunks: Option<u64>,

    /// Step by itself every DURATION (e.g. 800ms, 2s) instead of waiting for a key
    #[arg(long, value_name = "DURATION")]
    pub auto: Option<String>,

    /// Show at most N steps; the rest of the file is sent unwatched
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_steps: u64,

    /// Print the steps as one JSON document instead
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Size of the file, e.g. 4KiB, 64MiB, 1GiB
    #[arg(
        long,
        value_name = "SIZE",
        required_unless_present = "dump",
        allow_hyphen_values = true
    )]
    pub size: Option<String>,

    /// Where to write it
    #[arg(
        short = 'o',
        long = "output",
        value_name = "PATH",
        required_unless_present = "dump"
    )]
    pub output: Option<PathBuf>,

    /// Write a genuine Kafka log segment (v2 record batches, CRC-32C) instead of text lines
    #[arg(long, conflicts_with = "dump")]
    pub kafka: bool,

    /// Print what is inside a Kafka segment (batches, offsets, CRC check, first records)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["size", "output", "force"])]
    pub dump: Option<PathBuf>,

    /// With --dump: how many records to print
    #[arg(long, default_value_t = 5, value_name = "N", requires = "dump")]
    pub records: usize,

    /// With --dump: print one JSON document
    #[arg(long, requires = "dump")]
    pub json: bool,

    /// Replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// read(2) into a user buffer, then write(2) to the socket
    #[value(name = "read-write")]
    ReadWrite,
    /// sendfile(2) from the file straight to the socket
    Sendfile,
    /// mmap(2) the file, write(2) from the mapping to the socket
    Mmap,
    /// splice(2) file → pipe → socket
    Splice,
    /// read(2) into user buffers, sendmsg(2) with MSG_ZEROCOPY
    #[value(name = "msg-zerocopy")]
    MsgZerocopy,
    /// read(2) into user buffers, io_uring's IORING_OP_SEND_ZC
    #[value(name = "io-uring")]
    IoUring,
    /// All six methods (compare only)
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English
    En,
    /// Chinese
    Zh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal, TERM is not dumb and NO_COLOR is unset
    Auto,
    /// Always colour, even into a pipe or a file
    Always,
    /// Never colour
    Never,
}
