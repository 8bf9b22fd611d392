//! mmap + write, the road RocketMQ takes for its commit log: map the file
//! read-only into the address space, then `write(2)` from the mapping to
//! the socket in `--buf` chunks. No user buffer is filled: the mapping *is*
//! the page cache, so the one CPU copy left is page cache → socket buffer,
//! made by the kernel inside `write`.
//!
//! The whole file is mapped with one call, not in windows: on 64-bit Linux
//! the address space is plentiful, the kernel faults the pages in lazily (a
//! minor fault per folio, 2 MiB at a time on ext4), and windows would only
//! add an `mmap`/`munmap` pair each. An empty file is not mapped at all
//! (`mmap` of length 0 is EINVAL): it takes no call.
//!
//! The classic pitfall: a file truncated while mapped. Code that touches a
//! page past the new end of file gets SIGBUS. zclab never touches the
//! mapping itself; the kernel does, in `write`, and there the same fault
//! comes back as EFAULT (measured: `write` from a mapping whose file was
//! truncated returns -1 EFAULT, no signal). Both end the run with exit 1 and
//! one line naming the cause: EFAULT through the error below, a SIGBUS (if
//! one ever came) through a handler installed for the time of the mapping.

use std::ffi::c_void;
use std::num::NonZeroUsize;
use std::os::fd::AsRawFd;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};

use super::{Call, Flow, Observer, Tally, Transfer, TransferError, call_failed};
use crate::error::fail_t;
use crate::text::run as text;

/// For the truncation test: when set to a path, the method creates that
/// file after its first `write` and waits (up to 60 s) until it is removed,
/// so that a test can truncate the file mid-run without racing it.
pub const FAULT_PAUSE: &str = "ZCLAB_FAULT_MMAP_PAUSE";

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let Some(len) = NonZeroUsize::new(t.size as usize) else {
        return Ok(tally);
    };
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });
    let pause = std::env::var_os(FAULT_PAUSE);

    let call = Call::Mmap {
        fd: t.file.as_raw_fd(),
        len: len.get(),
    };
    observer.before(&call);
    // SAFETY: a fresh read-only shared mapping of our own open file; no
    // Rust reference to its memory is ever made (only the kernel reads it,
    // through the raw pointer passed to write(2)).
    let mapped = unsafe {
        mmap(
            None,
            len,
            ProtFlags::PROT_READ,
            MapFlags::MAP_SHARED,
            t.file,
            0,
        )
    };
    tally.mmap += 1;
    observer.after(&call, mapped.as_ref().map(|_| len.get()).map_err(|e| *e));
    let addr: NonNull<c_void> = match mapped {
        Ok(a) => a,
        Err(e) => return fail(tally, call_failed("mmap()", e)),
    };
    let _sigbus = SigbusGuard::install();

    let result = send_mapped(t, observer, &mut tally, addr, pause.as_deref());

    let call = Call::Munmap { len: len.get() };
    observer.before(&call);
    // SAFETY: the mapping made above, unmapped once; nothing refers to it.
    let unmapped = unsafe { munmap(addr, len.get()) };
    tally.munmap += 1;
    observer.after(&call, unmapped.map(|()| 0));
    match (result, unmapped) {
        (Err(error), _) => fail(tally, error),
        (Ok(()), Err(e)) => fail(tally, call_failed("munmap()", e)),
        (Ok(()), Ok(())) => Ok(tally),
    }
}

fn send_mapped<O: Observer>(
    t: &Transfer<'_>,
    observer: &mut O,
    tally: &mut Tally,
    addr: NonNull<c_void>,
    mut pause: Option<&std::ffi::OsStr>,
) -> anyhow::Result<()> {
    let sock_fd = t.socket.as_raw_fd();
    let mut offset: u64 = 0;
    while offset < t.size {
        let len = (t.size - offset).min(t.buffer_bytes as u64) as usize;
        let call = Call::WriteMapped {
            fd: sock_fd,
            offset,
            len,
        };
        observer.before(&call);
        // SAFETY: [offset, offset + len) lies inside the mapping of
        // t.size bytes; write(2) only reads it (and reports EFAULT rather
        // than faulting us if the pages have gone).
        let n = unsafe {
            nix::libc::write(
                sock_fd,
                addr.as_ptr().cast::<u8>().add(offset as usize).cast(),
                len,
            )
        };
        let result = if n < 0 {
            Err(Errno::last())
        } else {
            Ok(n as usize)
        };
        tally.write += 1;
        let flow = observer.after(&call, result);
        match result {
            Ok(0) => {
                return Err(fail_t(text::SOCKET_ZERO, &[("call", &"write()")]));
            }
            Ok(w) => {
                tally.chunks += 1;
                offset += w as u64;
                tally.bytes_out_of_user += w as u64;
                tally.bytes_sent += w as u64;
                t.progress.store(tally.bytes_sent, Ordering::Relaxed);
                if w < len {
                    tally.short_writes += 1;
                }
            }
            Err(Errno::EINTR) => tally.interrupted += 1,
            Err(Errno::EFAULT) => {
                let now = t.file.metadata().map(|m| m.len()).ok();
                return Err(match now {
                    Some(now) if now < t.size => fail_t(
                        text::MMAP_TRUNCATED,
                        &[("size", &t.size), ("now", &now), ("offset", &offset)],
                    ),
                    _ => fail_t(text::MMAP_EFAULT, &[("offset", &offset)]),
                });
            }
            Err(e) => {
                return Err(fail_t(
                    text::SOCKET_FAILED,
                    &[("call", &"write()"), ("reason", &e)],
                ));
            }
        }
        if let Some(marker) = pause.take() {
            wait_for_removal(marker);
        }
        if flow == Flow::Stop {
            tally.stopped_early = offset < t.size;
            return Ok(());
        }
    }
    Ok(())
}

/// The test hook of [`FAULT_PAUSE`].
fn wait_for_removal(marker: &std::ffi::OsStr) {
    let path = std::path::Path::new(marker);
    if std::fs::write(path, b"").is_err() {
        return;
    }
    for _ in 0..6000 {
        if !path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// While alive, a SIGBUS ends the process with exit status 1 and one line
/// on stderr instead of a core dump; dropping it restores the previous
/// disposition.
struct SigbusGuard {
    previous: Option<nix::sys::signal::SigAction>,
}

/// The language of the SIGBUS line, chosen when the guard is installed (the
/// handler itself may only read an atomic).
static SIGBUS_IN_CHINESE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_sigbus(_: nix::libc::c_int) {
    let lang = if SIGBUS_IN_CHINESE.load(Ordering::Relaxed) {
        crate::lang::Lang::Zh
    } else {
        crate::lang::Lang::En
    };
    // Only async-signal-safe calls here: write(2) and _exit(2).
    for part in [
        crate::text::errors::PREFIX.get(lang),
        text::SIGBUS.get(lang),
        "\n",
    ] {
        // SAFETY: a plain system call on a static buffer.
        unsafe {
            nix::libc::write(2, part.as_ptr().cast(), part.len());
        }
    }
    // SAFETY: a plain system call.
    unsafe {
        nix::libc::_exit(1);
    }
}

impl SigbusGuard {
    fn install() -> SigbusGuard {
        use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
        let action = SigAction::new(
            SigHandler::Handler(on_sigbus),
            SaFlags::empty(),
            SigSet::empty(),
        );
        SIGBUS_IN_CHINESE.store(
            crate::lang::chosen() == crate::lang::Lang::Zh,
            Ordering::Relaxed,
        );
        // SAFETY: the handler only makes async-signal-safe calls.
        let previous = unsafe { sigaction(Signal::SIGBUS, &action) }.ok();
        SigbusGuard { previous }
    }
}

impl Drop for SigbusGuard {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            // SAFETY: restores the disposition that was there before.
            let _ =
                unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGBUS, previous) };
        }
    }
}
