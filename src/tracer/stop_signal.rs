//! Ctrl-C, `kill` and a closed terminal as a request to detach: while a
//! [`StopOnSignal`] guard lives, SIGINT, SIGTERM and SIGHUP set one flag
//! instead of killing zclab, so that the tracer can detach from its targets
//! (and the demo stop its nginx) before zclab exits.

use std::sync::atomic::{AtomicBool, Ordering};

use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// The signal that set the flag, for the exit status (0 = none yet).
static WHICH: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

const SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

extern "C" fn on_signal(sig: libc::c_int) {
    WHICH.store(sig, Ordering::Relaxed);
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Restores the previous handlers when dropped.
pub struct StopOnSignal {
    previous: Vec<(Signal, SigAction)>,
}

impl StopOnSignal {
    /// Installs the handlers (without SA_RESTART, so a blocking call returns
    /// EINTR and its loop can look at the flag).
    pub fn install() -> Result<StopOnSignal, nix::errno::Errno> {
        let action = SigAction::new(
            SigHandler::Handler(on_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        let mut previous = Vec::with_capacity(SIGNALS.len());
        for sig in SIGNALS {
            // SAFETY: the handler only stores to atomics (async-signal-safe).
            match unsafe { sigaction(sig, &action) } {
                Ok(prev) => previous.push((sig, prev)),
                Err(e) => {
                    drop(StopOnSignal { previous });
                    return Err(e);
                }
            }
        }
        Ok(StopOnSignal { previous })
    }

    /// The flag the handlers set; give it to [`super::AttachOptions`].
    pub fn flag(&self) -> &'static AtomicBool {
        &REQUESTED
    }

    /// Whether a stop was requested.
    pub fn requested(&self) -> bool {
        REQUESTED.load(Ordering::Relaxed)
    }

    /// The signal that asked to stop, if one did.
    pub fn signal(&self) -> Option<i32> {
        match WHICH.load(Ordering::Relaxed) {
            0 => None,
            s => Some(s),
        }
    }
}

impl Drop for StopOnSignal {
    fn drop(&mut self) {
        for (sig, prev) in &self.previous {
            // SAFETY: puts back the disposition saved at install time.
            unsafe {
                let _ = sigaction(*sig, prev);
            }
        }
    }
}
