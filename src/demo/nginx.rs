//! One nginx of our own: a temp folder with a config, a document root and a
//! genuine sample file; master and one worker on 127.0.0.1 and a free
//! port; stopped and removed on every exit path.
//!
//! nginx runs in the foreground (`daemon off`) as our child, in a process
//! group of its own (so the terminal's Ctrl-C reaches only zclab, which then
//! stops it), with `PR_SET_PDEATHSIG` so that even a killed zclab takes the
//! master down. [`Nginx`]'s drop stops the whole group: SIGTERM (nginx's
//! fast shutdown, which reaps the worker), then SIGKILL to the group if it
//! lingers.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::error::{ContextT, Localized, fail_t, wrap_t};
use crate::text::demo as t;
use crate::text::errors as te;

/// The URL path of the sample file.
pub const FILE_PATH: &str = "/segment.log";

/// Where nginx is, if it is installed: `$ZCLAB_NGINX` when set (and then
/// only there), else `$PATH`, then the usual sbin folders (a normal user's
/// PATH often lacks them).
pub fn find_nginx() -> Option<PathBuf> {
    let runnable = |p: &Path| {
        fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if let Some(p) = std::env::var_os("ZCLAB_NGINX") {
        let p = PathBuf::from(p);
        return runnable(&p).then_some(p);
    }
    let from_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain(["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"].map(PathBuf::from))
        .map(|d| d.join("nginx"))
        .find(|p| runnable(p))
}

/// A temp folder removed on drop.
pub struct TempRoot {
    pub path: PathBuf,
}

impl TempRoot {
    /// `$TMPDIR/zclab-nginx-PID-N`, readable by nginx's worker (which runs
    /// as `nobody` when zclab is root).
    pub fn new() -> Result<TempRoot> {
        let base = std::env::temp_dir();
        for n in 0..100 {
            let path = base.join(format!("zclab-nginx-{}-{n}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => {
                    fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
                        .context_t(t::CHMOD, &[("path", &path.display())])?;
                    return Ok(TempRoot { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(wrap_t(e, te::CANNOT_CREATE, &[("path", &path.display())]));
                }
            }
        }
        Err(fail_t(t::TEMP_FOLDER, &[("dir", &base.display())]))
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The temp-path directives this nginx was built with (each names a folder
/// nginx creates at start-up; left at their defaults they point into
/// /var/lib/nginx, which a normal user cannot write).
fn temp_path_directives(nginx: &Path) -> Vec<String> {
    let out = Command::new(nginx)
        .arg("-V")
        .stdin(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .unwrap_or_default();
    let mut v = Vec::new();
    for arg in out.split_whitespace() {
        if let Some(rest) = arg.strip_prefix("--http-")
            && let Some((name, _)) = rest.split_once("-temp-path=")
        {
            v.push(name.replace('-', "_"));
        }
    }
    if v.is_empty() {
        v.push("client_body".into());
    }
    v
}

/// Writes nginx.conf for `port` and `sendfile`, returns its path.
fn write_config(root: &Path, nginx: &Path, port: u16, sendfile: bool) -> Result<PathBuf> {
    let d = root.display();
    let mut temps = String::new();
    for name in temp_path_directives(nginx) {
        let dir = root.join("tmp").join(&name);
        fs::create_dir_all(&dir).context_t(te::CANNOT_CREATE, &[("path", &dir.display())])?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).ok();
        temps.push_str(&format!("    {name}_temp_path {};\n", dir.display()));
    }
    let conf = format!(
        "# Written by zclab demo nginx; removed when the demo ends.\n\
         daemon off;\n\
         master_process on;\n\
         worker_processes 1;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   keepalive_requests 1000000;\n\
         \x20   sendfile {};\n\
         \x20   default_type application/octet-stream;\n\
         {temps}\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port};\n\
         \x20       root {d}/www;\n\
         \x20   }}\n\
         }}\n",
        if sendfile { "on" } else { "off" }
    );
    let path = root.join(format!(
        "nginx-sendfile-{}.conf",
        if sendfile { "on" } else { "off" }
    ));
    fs::write(&path, conf).context_t(te::CANNOT_WRITE, &[("path", &path.display())])?;
    Ok(path)
}

/// A free TCP port on 127.0.0.1 (bound, then released for nginx).
fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context_t(t::FREE_PORT, &[])?;
    Ok(l.local_addr().context_t(t::PORT_ADDRESS, &[])?.port())
}

/// A running nginx; stopped on drop.
pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    pub master: i32,
    pub worker: i32,
    error_log: PathBuf,
}

impl Nginx {
    /// Starts nginx with sendfile on or off and waits until it answers.
    pub fn start(nginx: &Path, root: &Path, sendfile: bool) -> Result<Nginx> {
        let port = free_port()?;
        let conf = write_config(root, nginx, port, sendfile)?;
        let error_log = root.join("error.log");
        let stderr_log = root.join("stderr.log");
        let stderr = fs::File::create(&stderr_log)
            .context_t(te::CANNOT_CREATE, &[("path", &stderr_log.display())])?;
        let mut cmd = Command::new(nginx);
        cmd.arg("-p")
            .arg(root)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(&error_log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .process_group(0);
        // SAFETY: prctl is async-signal-safe; nothing else runs before exec.
        unsafe {
            cmd.pre_exec(|| {
                if nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .context_t(t::START, &[("path", &nginx.display())])?;
        let master = child.id() as i32;
        let mut me = Nginx {
            child,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            master,
            worker: 0,
            error_log,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = me.child.try_wait() {
                return Err(anyhow::Error::new(Localized::around(
                    t::EXITED,
                    "error",
                    &me.last_error(root),
                    &[("status", &status)],
                )));
            }
            if me.worker == 0 {
                me.worker = children_of(master).into_iter().next().unwrap_or(0);
            }
            if me.worker != 0
                && TcpStream::connect_timeout(&me.addr, Duration::from_millis(200)).is_ok()
            {
                return Ok(me);
            }
            if Instant::now() > deadline {
                return Err(anyhow::Error::new(Localized::around(
                    t::NO_ANSWER,
                    "error",
                    &me.last_error(root),
                    &[("addr", &me.addr)],
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// nginx's own last error line (its words, the same in both
    /// languages), or where to look for one.
    fn last_error(&self, root: &Path) -> Localized {
        let mut text = fs::read_to_string(&self.error_log).unwrap_or_default();
        text.push_str(&fs::read_to_string(root.join("stderr.log")).unwrap_or_default());
        text.lines()
            .rev()
            .find(|l| l.contains("[emerg]") || l.contains("[crit]") || l.contains("[alert]"))
            .map(Localized::foreign)
            .unwrap_or_else(|| Localized::new(t::SEE_ERROR_LOG, &[]))
    }

    /// Stops nginx and waits for the master; the worker is reaped by it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            let _ = killpg(Pid::from_raw(self.master), Signal::SIGKILL);
            return;
        }
        // Fast shutdown: the master stops its worker, reaps it, and exits.
        let _ = kill(Pid::from_raw(self.master), Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Whatever is left of the group goes now.
        let _ = killpg(Pid::from_raw(self.master), Signal::SIGKILL);
        let _ = self.child.wait();
        // The worker, if the master died first, was re-parented to us (we
        // are a subreaper during the demo): reap it too.
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.worker != 0 && Instant::now() < deadline {
            // SAFETY: plain waitpid on a pid, no pointers kept.
            let r = unsafe {
                nix::libc::waitpid(self.worker, std::ptr::null_mut(), nix::libc::WNOHANG)
            };
            if r != 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Child processes of `pid`, from /proc/*/stat.
fn children_of(pid: i32) -> Vec<i32> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in dir.flatten() {
        let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let ppid = stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().nth(1))
            .and_then(|v| v.parse::<i32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out.sort_unstable();
    out
}

/// `sum_exec_runtime` of a process's main thread from /proc/PID/schedstat
/// (nanoseconds on the CPU), or `None` when unavailable.
pub fn cpu_ns(pid: i32) -> Option<u64> {
    fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
