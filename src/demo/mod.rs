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

use anyhow::Result;

use crate::error::{ContextT, Localized, fail_t};
use crate::text::demo as t;
use crate::text::errors as te;
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
pub fn run(
    opts: DemoOptions,
    progress: &mut dyn FnMut(&Localized),
) -> Result<DemoOutcome, DemoError> {
    let nginx_bin = nginx::find_nginx().ok_or(DemoError::NginxMissing)?;
    let guard = tracer::StopOnSignal::install().context_t(te::CTRL_C_HANDLER, &[])?;
    // Orphans of our nginx (a worker whose master died first) come to us,
    // and Nginx's drop reaps them: nothing is left behind.
    // SAFETY: prctl with integer arguments.
    unsafe {
        nix::libc::prctl(nix::libc::PR_SET_CHILD_SUBREAPER, 1);
    }
    let root = nginx::TempRoot::new()?;
    let www = root.path.join("www");
    std::fs::create_dir(&www).context_t(t::DOC_ROOT, &[])?;
    std::fs::set_permissions(&www, std::os::unix::fs::PermissionsExt::from_mode(0o755)).ok();
    let file = www.join(nginx::FILE_PATH.trim_start_matches('/'));
    write_sample(&file, opts.size)?;
    let body = std::fs::read(&file).context_t(t::READ_BACK, &[])?;
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
        std::fs::File::create(path).context_t(te::CANNOT_CREATE, &[("path", &path.display())])?;
    let mut w = std::io::BufWriter::new(f);
    crate::sample::write_records(&mut w, size, &mut |_| {})
        .context_t(te::CANNOT_WRITE, &[("path", &path.display())])?;
    std::io::Write::flush(&mut w).context_t(t::WRITE_SAMPLE, &[])?;
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
    progress: &mut dyn FnMut(&Localized),
) -> Result<SettingRun, DemoError> {
    let label = if sendfile { "on" } else { "off" };
    progress(&Localized::new(t::STAGE_STARTING, &[("setting", &label)]));
    let server = nginx::Nginx::start(nginx_bin, root, sendfile)?;
    let stop = guard.flag();
    let cancelled = || stop.load(Ordering::Relaxed);

    // Untraced pass: CPU and throughput as the server really runs.
    progress(&Localized::new(
        t::STAGE_UNTRACED,
        &[("setting", &label), ("n", &opts.requests)],
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
    progress(&Localized::new(
        t::STAGE_TRACED,
        &[
            ("setting", &label),
            ("worker", &server.worker),
            ("n", &opts.requests),
        ],
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
                Err(_) => Err(fail_t(t::NOT_ATTACHED, &[])),
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
            .unwrap_or_else(|_| Err(fail_t(t::CLIENT_PANICKED, &[])));
        (traced, fetched)
    });
    let trace = trace.map_err(|e| {
        anyhow::Error::new(Localized::around(
            t::TRACE_WORKER,
            "reason",
            &e.message(),
            &[],
        ))
    })?;
    let traced = traced.map_err(|e| interrupted_or(e, guard))?;
    let (master, worker) = (server.master, server.worker);
    progress(&Localized::new(t::STAGE_STOPPING, &[("setting", &label)]));
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
        return Err(crate::error::input_t(te::DEMO_REQUESTS, &[("n", &n)]));
    }
    Ok(n)
}
