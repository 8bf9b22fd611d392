//! Loopback connections zclab makes to itself, safe against strangers.
//!
//! Any local process can connect to a port zclab listens on (the port is
//! visible in `/proc/net/tcp`). So zclab never takes "whoever connects
//! first": it accepts only the connection whose peer address equals the
//! local address of the socket it connected itself, closes any other one
//! (with a one-line warning on stderr) and keeps listening. Every wait has a
//! limit: connecting and accepting ([`Settings::accept_timeout`]), and a
//! transfer in which nothing moves ([`Settings::stall_timeout`], watched with
//! [`StallWatch`]).
//!
//! Anything in zclab that opens a listener or a connection on 127.0.0.1 (the
//! harness, a broker, a demo client) uses [`listen`], [`accept_peer`] and the
//! [`settings`] here, so the same rules hold everywhere.

use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::error::{self, ContextT, Localized};
use crate::methods::{Call, Flow, Observer};
use crate::text::run as t;
use crate::text::{Text, errors};

/// Test-only: milliseconds to wait between listening and connecting, so a
/// test can connect to the listener first, as a stranger racing zclab would.
pub const TEST_CONNECT_DELAY_MS: &str = "ZCLAB_TEST_CONNECT_DELAY_MS";
/// Test-only: the stall and accept limits in seconds (default 30).
pub const TEST_TIMEOUT_S: &str = "ZCLAB_TEST_TIMEOUT_S";

/// The limits every loopback connection of zclab obeys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Longest wait to connect and to accept our own connection.
    pub accept_timeout: Duration,
    /// Longest time a transfer may go without moving a byte.
    pub stall_timeout: Duration,
    /// Test-only pause between listening and connecting.
    pub connect_delay: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            accept_timeout: Duration::from_secs(30),
            stall_timeout: Duration::from_secs(30),
            connect_delay: Duration::ZERO,
        }
    }
}

impl Settings {
    /// The defaults, with the test-only variables applied.
    pub fn from_env() -> Settings {
        let num = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let mut s = Settings::default();
        if let Some(ms) = num(TEST_CONNECT_DELAY_MS) {
            s.connect_delay = Duration::from_millis(ms.min(600_000));
        }
        if let Some(secs) = num(TEST_TIMEOUT_S).filter(|&n| n > 0) {
            s.accept_timeout = Duration::from_secs(secs.min(3600));
            s.stall_timeout = s.accept_timeout;
        }
        s
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the process's loopback settings (once, from `commands`); later calls
/// are ignored.
pub fn init(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

/// The process's loopback settings ([`Settings::default`] unless [`init`]
/// was called).
pub fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or_default()
}

/// A listener on an ephemeral port of 127.0.0.1.
pub fn listen() -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", 0)).context_t(t::LISTEN, &[])
}

/// Accepts the connection from `peer` on `listener`, closing any other
/// connection that arrives first (a one-line warning each on stderr). Fails
/// after `timeout` without it. `what` names the listener in messages.
pub fn accept_peer(
    listener: &TcpListener,
    peer: SocketAddr,
    timeout: Duration,
    what: Text,
) -> Result<TcpStream> {
    let what = Localized::new(what, &[]);
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(anyhow::Error::new(Localized::around(
                t::OWN_CONNECTION_LATE,
                "what",
                &what,
                &[("peer", &peer), ("secs", &timeout.as_secs())],
            )));
        }
        let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) | Err(Errno::EINTR) => continue,
            Ok(_) => {}
            Err(e) => {
                return Err(anyhow::Error::new(Localized::around(
                    t::WAIT_CONNECTION,
                    "what",
                    &what,
                    &[("reason", &e)],
                )));
            }
        }
        let (stream, from) = listener
            .accept()
            .map_err(|e| error::wrap(e, Localized::around(t::ACCEPT, "what", &what, &[])))?;
        if from == peer {
            return Ok(stream);
        }
        drop(stream);
        let lang = crate::lang::chosen();
        let warning = t::STRANGER.fill(
            lang,
            &[("what", &what.get(lang)), ("from", &from), ("peer", &peer)],
        );
        eprintln!(
            "{}{}{warning}",
            errors::PREFIX.get(lang),
            errors::WARNING.get(lang)
        );
    }
}

/// A connected pair on 127.0.0.1: `sender` is the socket zclab connected,
/// `receiver` the one it accepted, checked to be the other end of `sender`.
pub fn connected_pair(what_text: Text) -> Result<(TcpStream, TcpStream)> {
    let s = settings();
    let listener = listen()?;
    let addr = listener.local_addr().context_t(t::LISTENER_ADDRESS, &[])?;
    if !s.connect_delay.is_zero() {
        std::thread::sleep(s.connect_delay);
    }
    let what = Localized::new(what_text, &[]);
    let sender = TcpStream::connect_timeout(&addr, s.accept_timeout).map_err(|e| {
        error::wrap(
            e,
            Localized::around(t::CONNECT, "what", &what, &[("addr", &addr)]),
        )
    })?;
    let own = sender.local_addr().context_t(t::SENDER_ADDRESS, &[])?;
    let receiver = accept_peer(&listener, own, s.accept_timeout, what_text)?;
    Ok((sender, receiver))
}

/// Watches a transfer for progress: feed it a number that grows while
/// anything moves (bytes sent plus bytes received, calls made…).
#[derive(Debug)]
pub struct StallWatch {
    limit: Duration,
    last: u64,
    since: Instant,
}

impl StallWatch {
    pub fn new(limit: Duration) -> StallWatch {
        StallWatch {
            limit,
            last: 0,
            since: Instant::now(),
        }
    }

    /// Records `progress` at `now`; true when it has not changed for the
    /// limit. `paused` (e.g. waiting for the user's key) restarts the clock.
    pub fn stalled(&mut self, progress: u64, paused: bool, now: Instant) -> bool {
        if paused || progress != self.last {
            self.last = progress;
            self.since = now;
            return false;
        }
        now.saturating_duration_since(self.since) >= self.limit
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }
}

/// Watches one transfer between sockets zclab owns: the controlling thread
/// asks [`TransferWatch::stalled`] now and then; when nothing has moved for
/// the stall limit (bytes sent, bytes received, calls made) while the
/// sending side was not paused on purpose (`trace` waiting for a key), it
/// calls the transfer off by shutting every socket down, which wakes any
/// thread blocked on them.
pub struct TransferWatch {
    /// Duplicates of the transfer's sockets, to shut them down.
    sockets: Mutex<Vec<TcpStream>>,
    /// Written by the consumer on every read: on a cache line of its own,
    /// so that the sender's writes to `calls` and `paused` do not bounce
    /// it between the two cores (measured: see benches/overhead.rs).
    received: OwnLine<AtomicU64>,
    calls: AtomicU64,
    paused: AtomicBool,
    aborted: AtomicBool,
    clock: Mutex<StallWatch>,
}

impl TransferWatch {
    /// Watches a transfer over `sockets`, with the process's stall limit.
    pub fn new(sockets: &[&TcpStream]) -> Result<TransferWatch> {
        let sockets = sockets
            .iter()
            .map(|s| s.try_clone().context_t(t::DUPLICATE_SOCKET, &[]))
            .collect::<Result<Vec<_>>>()?;
        Ok(TransferWatch {
            sockets: Mutex::new(sockets),
            received: OwnLine(AtomicU64::new(0)),
            calls: AtomicU64::new(0),
            paused: AtomicBool::new(false),
            aborted: AtomicBool::new(false),
            clock: Mutex::new(StallWatch::new(settings().stall_timeout)),
        })
    }

    /// Wraps the sending side's observer so that its calls count as
    /// progress and the time spent inside it as a pause.
    pub fn observer<'a, O: Observer>(&'a self, inner: &'a mut O) -> Watched<'a, O> {
        Watched {
            inner,
            watch: self,
            calls: 0,
        }
    }

    /// The receiving side has read `bytes` so far.
    pub fn set_received(&self, bytes: u64) {
        self.received.0.store(bytes, Ordering::Relaxed);
    }

    pub fn received(&self) -> u64 {
        self.received.0.load(Ordering::Relaxed)
    }

    /// The transfer was called off.
    pub fn aborted(&self) -> bool {
        self.aborted.load(Ordering::SeqCst)
    }

    pub fn limit(&self) -> Duration {
        self.clock.lock().map(|c| c.limit()).unwrap_or_default()
    }

    /// Records the bytes `sent` so far; true (and the transfer called off)
    /// when nothing has moved for the stall limit.
    pub fn stalled(&self, sent: u64) -> bool {
        let moved = sent
            .wrapping_add(self.received())
            .wrapping_add(self.calls.load(Ordering::Relaxed));
        let paused = self.paused.load(Ordering::Relaxed);
        let stalled = match self.clock.lock() {
            Ok(mut c) => c.stalled(moved, paused, Instant::now()),
            Err(_) => false,
        };
        if stalled {
            self.aborted.store(true, Ordering::SeqCst);
            if let Ok(sockets) = self.sockets.lock() {
                for s in sockets.iter() {
                    let _ = s.shutdown(Shutdown::Both);
                }
            }
        }
        stalled
    }

    /// Really closes `sock`: drops the watch's duplicate of it too, so the
    /// kernel sees the socket closed (a crashing consumer's reset).
    pub fn close(&self, sock: TcpStream) {
        let id = |s: &TcpStream| (s.local_addr().ok(), s.peer_addr().ok());
        let mine = id(&sock);
        if let Ok(mut sockets) = self.sockets.lock() {
            sockets.retain(|s| id(s) != mine);
        }
        drop(sock);
    }
}

/// A value alone on its cache line (128 bytes covers adjacent-line
/// prefetching on x86).
#[repr(align(128))]
struct OwnLine<T>(T);

/// An observer wrapped by [`TransferWatch::observer`].
pub struct Watched<'a, O> {
    inner: &'a mut O,
    watch: &'a TransferWatch,
    calls: u64,
}

impl<O: Observer> Watched<'_, O> {
    #[inline(always)]
    fn enter(&mut self) {
        self.calls += 1;
        self.watch.calls.store(self.calls, Ordering::Relaxed);
        self.watch.paused.store(true, Ordering::Relaxed);
    }

    #[inline(always)]
    fn leave(&self) {
        self.watch.paused.store(false, Ordering::Relaxed);
    }
}

impl<O: Observer> Observer for Watched<'_, O> {
    #[inline(always)]
    fn before(&mut self, call: &Call) {
        self.enter();
        self.inner.before(call);
        self.leave();
    }

    #[inline(always)]
    fn after(&mut self, call: &Call, result: Result<usize, Errno>) -> Flow {
        self.enter();
        let flow = self.inner.after(call, result);
        self.leave();
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stall_watch_needs_a_full_quiet_period() {
        let t0 = Instant::now();
        let mut w = StallWatch::new(Duration::from_secs(5));
        assert!(!w.stalled(0, false, t0));
        assert!(!w.stalled(0, false, t0 + Duration::from_secs(4)));
        assert!(!w.stalled(7, false, t0 + Duration::from_secs(6)));
        assert!(!w.stalled(7, false, t0 + Duration::from_secs(10)));
        assert!(w.stalled(7, false, t0 + Duration::from_secs(11)));
        assert!(!w.stalled(7, true, t0 + Duration::from_secs(20)));
        assert!(!w.stalled(7, false, t0 + Duration::from_secs(24)));
    }

    #[test]
    fn a_stranger_is_closed_and_our_peer_accepted() {
        let listener = listen().expect("listen");
        let addr = listener.local_addr().expect("addr");
        let stranger = TcpStream::connect(addr).expect("stranger");
        let ours = TcpStream::connect(addr).expect("ours");
        let own = ours.local_addr().expect("own");
        let got = accept_peer(&listener, own, Duration::from_secs(5), t::LOOPBACK_TRANSFER)
            .expect("accept");
        assert_eq!(got.peer_addr().expect("peer"), own);
        drop(stranger);
    }

    #[test]
    fn accept_times_out_without_our_peer() {
        let listener = listen().expect("listen");
        let peer: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        let err = accept_peer(
            &listener,
            peer,
            Duration::from_millis(200),
            t::LOOPBACK_TRANSFER,
        )
        .expect_err("nobody connects");
        assert!(format!("{err}").contains("did not arrive"), "{err}");
    }
}
