//! `zclab demo nginx`: the article's difference, shown on a production web
//! server. zclab starts its own nginx (temp config, 127.0.0.1, a free port,
//! a genuine sample file), fetches the file N times untraced (CPU from the
//! worker's schedstat, throughput from the client's clock), then N times
//! more with the worker traced (its system calls), stops nginx, and does it
//! all again with the other `sendfile` setting.
//!
//! Measurement lives here and in [`nginx`]/[`http`]; the result is the plain
//! [`DemoOutcome`], rendered by [`render`].

pub mod http;
pub mod nginx;
pub mod render;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::tracer::{self, AttachOutcome};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Requests per pass (each setting has an untraced and a traced pass).
    pub requests: u64,
    /// Size of the sample file nginx serves.
    pub size: u64,
}

/// One `sendfile` setting, measured.
#[derive(Debug, Clone)]
pub struct SettingRun {
    pub sendfile: bool,
    pub master: i32,
    pub worker: i32,
    /// The untraced pass, as the client measured it.
    pub plain: http::Fetched,
    /// Worker CPU time during the untraced pass (schedstat
    /// `sum_exec_runtime` difference), if the kernel has schedstat.
    pub worker_cpu: Option<Duration>,
    /// The traced pass, as the client measured it.
    pub traced: http::Fetched,
    /// The worker's system calls during the traced pass.
    pub trace: AttachOutcome,
}

/// Both settings, in the order run.
#[derive(Debug, Clone)]
pub struct DemoOutcome {
    /// `nginx -v`, e.g. `nginx/1.22.1`.
    pub nginx_version: String,
    pub file_size: u64,
    pub requests: u64,
    pub runs: Vec<SettingRun>,
}

/// Why the demo could not run.
#[derive(Debug)]
pub enum DemoError {
    /// nginx is not installed (exit 2, with how to install it).
    NginxMissing,
    /// Ctrl-C: nginx was stopped.
    Interrupted,
    /// Anything else (exit 1).
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for DemoError {
    fn from(e: anyhow::Error) -> Self {
        DemoError::Failed(e)
    }
}

fn nginx_version(nginx: &std::path::Path) -> String {
    std::process::Command::new(nginx)
        .arg("-v")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stderr).into_owned();
            text.split_whitespace()
                .find(|w| w.starts_with("nginx/"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "nginx".into())
}

/// Runs the demo. `progress` gets one line per stage (for stderr).
pub fn run(opts: DemoOptions, progress: &mut dyn FnMut(&str)) -> Result<DemoOutcome, DemoError> {
    let nginx_bin = nginx::find_nginx().ok_or(DemoError::NginxMissing)?;
    let guard = tracer::StopOnSignal::install()
        .map_err(|e| anyhow!("cannot install the Ctrl-C handler: {e}"))?;
    // Orphans of our nginx (a worker whose master died first) come to us,
    // and Nginx's drop reaps them: nothing is left behind.
    // SAFETY: prctl with integer arguments.
    unsafe {
        nix::libc::prctl(nix::libc::PR_SET_CHILD_SUBREAPER, 1);
    }
    let root = nginx::TempRoot::new()?;
    let www = root.path.join("www");
    std::fs::create_dir(&www).context("cannot create the document root")?;
    std::fs::set_permissions(&www, std::os::unix::fs::PermissionsExt::from_mode(0o755)).ok();
    let file = www.join(nginx::FILE_PATH.trim_start_matches('/'));
    write_sample(&file, opts.size)?;
    let body = std::fs::read(&file).context("cannot read the sample back")?;
    let crc = crc32fast::hash(&body);
    drop(body);

    let mut runs = Vec::new();
    for sendfile in [true, false] {
        if guard.requested() {
            return Err(DemoError::Interrupted);
        }
        runs.push(run_setting(
            &nginx_bin, &root.path, sendfile, opts, crc, &guard, progress,
        )?);
    }
    Ok(DemoOutcome {
        nginx_version: nginx_version(&nginx_bin),
        file_size: opts.size,
        requests: opts.requests,
        runs,
    })
}

fn write_sample(path: &PathBuf, size: u64) -> Result<()> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    crate::sample::write_records(&mut w, size, &mut |_| {})
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::flush(&mut w).context("cannot write the sample")?;
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).ok();
    Ok(())
}

fn run_setting(
    nginx_bin: &std::path::Path,
    root: &std::path::Path,
    sendfile: bool,
    opts: DemoOptions,
    crc: u32,
    guard: &tracer::StopOnSignal,
    progress: &mut dyn FnMut(&str),
) -> Result<SettingRun, DemoError> {
    let label = if sendfile { "on" } else { "off" };
    progress(&format!("sendfile {label}: starting nginx"));
    let server = nginx::Nginx::start(nginx_bin, root, sendfile)?;
    let stop = guard.flag();
    let cancelled = || stop.load(Ordering::Relaxed);

    // Untraced pass: CPU and throughput as the server really runs.
    progress(&format!(
        "sendfile {label}: {} requests untraced (CPU, throughput)",
        opts.requests
    ));
    let cpu_before = nginx::cpu_ns(server.worker);
    let plain = http::fetch(
        server.addr,
        nginx::FILE_PATH,
        opts.requests,
        opts.size,
        crc,
        &cancelled,
    )
    .map_err(|e| interrupted_or(e, guard))?;
    let cpu_after = nginx::cpu_ns(server.worker);
    let worker_cpu = match (cpu_before, cpu_after) {
        (Some(a), Some(b)) if b >= a => Some(Duration::from_nanos(b - a)),
        _ => None,
    };

    // Traced pass: the worker's system calls.
    progress(&format!(
        "sendfile {label}: attaching to worker {} and fetching {} more times",
        server.worker, opts.requests
    ));
    let done = AtomicBool::new(false);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let addr = server.addr;
    let (trace, traced) = std::thread::scope(|s| {
        let done = &done;
        let client = s.spawn(move || {
            let r = match go_rx.recv() {
                Ok(()) => http::fetch(
                    addr,
                    nginx::FILE_PATH,
                    opts.requests,
                    opts.size,
                    crc,
                    &|| stop.load(Ordering::Relaxed),
                ),
                Err(_) => Err(anyhow!("the tracer did not attach")),
            };
            done.store(true, Ordering::Relaxed);
            r
        });
        let stops = [stop, done];
        let aopts = tracer::AttachOptions {
            duration: None,
            stop: &stops,
        };
        let traced = tracer::attach(&[server.worker], &aopts, &mut |_| {
            let _ = go_tx.send(());
        });
        drop(go_tx);
        let fetched = client
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the HTTP client panicked")));
        (traced, fetched)
    });
    let trace = trace.map_err(|e| anyhow!("cannot trace nginx's worker: {e}"))?;
    let traced = traced.map_err(|e| interrupted_or(e, guard))?;
    let (master, worker) = (server.master, server.worker);
    progress(&format!("sendfile {label}: stopping nginx"));
    server.stop();
    Ok(SettingRun {
        sendfile,
        master,
        worker,
        plain,
        worker_cpu,
        traced,
        trace,
    })
}

fn interrupted_or(e: anyhow::Error, guard: &tracer::StopOnSignal) -> DemoError {
    if guard.requested() {
        DemoError::Interrupted
    } else {
        DemoError::Failed(e)
    }
}

/// Checks `--requests`.
pub fn check_requests(n: u64) -> Result<u64> {
    if n == 0 || n > 100_000 {
        bail!("--requests {n}: give 1 to 100000");
    }
    Ok(n)
}
