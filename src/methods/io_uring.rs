//! io_uring's zero-copy send: `read(2)` the file into user buffers (the
//! same as msg-zerocopy, so the two differ only in how they send), then one
//! `IORING_OP_SEND_ZC` per chunk, submitted and waited for with
//! `io_uring_enter(2)`. `IORING_OP_SEND_ZC` was chosen over
//! `IORING_OP_SPLICE` because it carries the evidence: with
//! `IORING_SEND_ZC_REPORT_USAGE` each send's notification (a second
//! completion, flagged `IORING_CQE_F_NOTIF`) says whether the kernel copied
//! the data after all (`IORING_NOTIF_USAGE_ZC_COPIED`, bit 31 of `res`).
//! On loopback it always does, as with MSG_ZEROCOPY.
//!
//! The point to see in the counts: ptrace, strace and `/proc`'s syscw see
//! only `io_uring_enter`, not the sends it carries; the work happens inside
//! the kernel, described by the queue entries.
//!
//! io_uring can be switched off (`/proc/sys/kernel/io_uring_disabled`,
//! seccomp filters in containers, kernels before 6.0 lack `SEND_ZC`):
//! [`available`] says why, and `compare` then skips this method with one
//! line instead of failing the whole run.

use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;
use std::time::Duration;

use io_uring::{IoUring, cqueue, opcode, types};
use nix::errno::Errno;

use super::zc_slots::{self, Completed, Notifications, Slots};
use super::{Call, Observer, Tally, Transfer, TransferError};
use crate::error::fail_t;
use crate::text::run as text;

/// `IORING_SEND_ZC_REPORT_USAGE`, in the SQE's `ioprio`.
const IORING_SEND_ZC_REPORT_USAGE: u16 = 1 << 3;
/// `IORING_NOTIF_USAGE_ZC_COPIED`, in the notification's `res`.
const IORING_NOTIF_USAGE_ZC_COPIED: u32 = 1 << 31;
/// Ring size: one send is in the submission queue at a time.
const ENTRIES: u32 = 64;
/// How long to wait for a completion before calling the run stuck.
const COMPLETION_TIMEOUT: Duration = Duration::from_secs(60);

/// Why io_uring's zero-copy send cannot run here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The kernel has no io_uring (ENOSYS).
    NoSys,
    /// `/proc/sys/kernel/io_uring_disabled` is 1 or 2 and setup gave EPERM.
    Disabled(u32),
    /// EPERM with io_uring enabled: a seccomp filter or container policy.
    NotAllowed,
    /// The kernel's io_uring has no `IORING_OP_SEND_ZC` (before 6.0).
    NoSendZc,
    /// `io_uring_setup` failed otherwise (the error's text).
    Setup(String),
}

/// Whether this process can use io_uring's zero-copy send here.
pub fn available() -> Result<(), Unavailable> {
    let disabled = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok());
    let ring = match IoUring::new(8) {
        Ok(r) => r,
        Err(e) => {
            return Err(match (e.raw_os_error(), disabled) {
                (Some(nix::libc::ENOSYS), _) => Unavailable::NoSys,
                (Some(nix::libc::EPERM), Some(d)) if d > 0 => Unavailable::Disabled(d),
                (Some(nix::libc::EPERM), _) => Unavailable::NotAllowed,
                _ => Unavailable::Setup(e.to_string()),
            });
        }
    };
    let mut probe = io_uring::Probe::new();
    if ring.submitter().register_probe(&mut probe).is_ok()
        && !probe.is_supported(opcode::SendZc::CODE)
    {
        return Err(Unavailable::NoSendZc);
    }
    Ok(())
}

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });
    let sock = t.socket.as_raw_fd();

    let mut ring = match setup(observer, &mut tally) {
        Ok(r) => r,
        Err(e) => return fail(tally, e),
    };
    let mut u = Uring {
        ring: &mut ring,
        done: Completed::default(),
    };

    let mut slots = Slots::new(t.buffer_bytes);
    let mut next_id: u64 = 0;
    let mut slot = 0usize;

    loop {
        let i = slot % slots.count();
        if let Err(e) = u.wait_below(slots.busy_until(i), observer, &mut tally) {
            return fail(tally, e);
        }
        let n = match super::read_chunk(t, slots.slot_mut(i), observer, &mut tally) {
            Ok(super::Chunk::Data(n)) => n,
            Ok(super::Chunk::End | super::Chunk::Stop) => break,
            Ok(super::Chunk::Again) => continue,
            Err(e) => return fail(tally, e),
        };

        let mut sent = 0;
        while sent < n {
            let id = next_id;
            next_id += 1;
            slots.used_by(i, id);
            // SAFETY: `sent < n` and n is at most the slot's size, so the
            // n - sent bytes from `sent` lie in the slot, which stays
            // untouched until this send's notification has arrived (see
            // `zc_slots`).
            let w = match unsafe {
                let ptr = slots.slot_ptr(i).add(sent);
                u.send(sock, ptr, n - sent, id, observer, &mut tally)
            } {
                Ok(w) => w,
                Err(e) => return fail(tally, e),
            };
            tally.zerocopy.sent += u64::from(w > 0);
            sent += w;
            tally.bytes_sent += w as u64;
            t.progress.store(tally.bytes_sent, Ordering::Relaxed);
            if w > 0 && sent < n {
                tally.short_writes += 1;
            }
        }
        slot += 1;
    }
    zc_slots::finish(t, tally, &mut u, next_id, observer)
}

/// `io_uring_setup`: the ring, observed and counted.
fn setup<O: Observer>(observer: &mut O, tally: &mut Tally) -> anyhow::Result<IoUring> {
    let call = Call::IoUringSetup { entries: ENTRIES };
    observer.before(&call);
    let ring = IoUring::new(ENTRIES);
    tally.io_uring_setup += 1;
    observer.after(
        &call,
        ring.as_ref()
            .map(|r| r.as_raw_fd() as usize)
            .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(0))),
    );
    ring.map_err(|e| {
        fail_t(
            text::CALL_FAILED,
            &[("call", &"io_uring_setup()"), ("reason", &e)],
        )
    })
}

struct Uring<'a> {
    ring: &'a mut IoUring,
    /// Sends whose buffer the kernel has released.
    done: Completed,
}

impl Notifications for Uring<'_> {
    fn completed(&self) -> &Completed {
        &self.done
    }

    /// One `io_uring_enter` that submits nothing and waits for a
    /// completion. Every send's own result was awaited when it was made,
    /// so only notifications arrive here.
    fn wait<O: Observer>(&mut self, observer: &mut O, tally: &mut Tally) -> anyhow::Result<()> {
        self.enter(observer, tally, None).map(|_| ())
    }
}

impl Uring<'_> {
    /// One `IORING_OP_SEND_ZC` of `len` bytes from `ptr` on `sock`,
    /// numbered `id`: queued, submitted, and waited for until its own
    /// result arrives. Returns the bytes sent (0 when a signal interrupted
    /// it: counted, to be sent again).
    ///
    /// # Safety
    /// `ptr` must point to `len` readable bytes that stay unchanged until
    /// the send's notification has arrived.
    unsafe fn send<O: Observer>(
        &mut self,
        sock: i32,
        ptr: *const u8,
        len: usize,
        id: u64,
        observer: &mut O,
        tally: &mut Tally,
    ) -> anyhow::Result<usize> {
        let entry = opcode::SendZc::new(types::Fd(sock), ptr, len as u32)
            .flags(nix::libc::MSG_WAITALL)
            .zc_flags(IORING_SEND_ZC_REPORT_USAGE)
            .build()
            .user_data(id);
        // SAFETY: the buffer outlives the send (the caller's promise).
        if unsafe { self.ring.submission().push(&entry) }.is_err() {
            return Err(fail_t(text::URING_FULL, &[]));
        }
        let mut submit = Some(len);
        let result = loop {
            match self.enter(observer, tally, submit.take())? {
                Some((done_id, res)) if done_id == id => break res,
                _ => {}
            }
        };
        match result {
            Ok(0) => Err(fail_t(text::SOCKET_ZERO, &[("call", &"IORING_OP_SEND_ZC")])),
            Ok(w) => Ok(w),
            Err(Errno::EINTR) => {
                tally.interrupted += 1;
                Ok(0)
            }
            Err(e) => Err(fail_t(
                text::SOCKET_FAILED,
                &[("call", &"IORING_OP_SEND_ZC"), ("reason", &e)],
            )),
        }
    }

    /// One `io_uring_enter`: submits what is queued (`send`: the length of
    /// the send queued, if any) and waits for at least one completion,
    /// then reaps them all. Returns the send result among them, if any,
    /// as (id, bytes or errno).
    fn enter<O: Observer>(
        &mut self,
        observer: &mut O,
        tally: &mut Tally,
        send: Option<usize>,
    ) -> anyhow::Result<Option<(u64, Result<usize, Errno>)>> {
        let to_submit = u32::from(send.is_some());
        let call = Call::IoUringEnter {
            fd: self.ring.as_raw_fd(),
            to_submit,
            min_complete: 1,
            send,
        };
        observer.before(&call);
        let ts = types::Timespec::from(COMPLETION_TIMEOUT);
        let args = types::SubmitArgs::new().timespec(&ts);
        let result = self.ring.submitter().submit_with_args(1, &args);
        tally.io_uring_enter += 1;
        let result = result.map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(0)));
        observer.after(&call, result);
        match result {
            Ok(_) | Err(Errno::EINTR) | Err(Errno::EBUSY) => {}
            Err(Errno::ETIME) => {
                return Err(fail_t(
                    text::URING_NO_COMPLETION,
                    &[
                        ("secs", &COMPLETION_TIMEOUT.as_secs()),
                        ("covered", &tally.zerocopy.covered),
                        ("sent", &tally.zerocopy.sent),
                    ],
                ));
            }
            Err(e) => {
                return Err(fail_t(
                    text::CALL_FAILED,
                    &[("call", &"io_uring_enter()"), ("reason", &e)],
                ));
            }
        }
        let mut send_result = None;
        for cqe in self.ring.completion() {
            let id = cqe.user_data();
            let flags = cqe.flags();
            if cqueue::notif(flags) {
                tally.zerocopy.completions += 1;
                tally.zerocopy.covered += 1;
                if (cqe.result() as u32) & IORING_NOTIF_USAGE_ZC_COPIED != 0 {
                    tally.zerocopy.copied += 1;
                }
                self.done.add_range(id, id);
            } else {
                let res = cqe.result();
                // Without F_MORE no notification follows: the kernel never
                // took the pages (the send failed), so the buffer is free.
                if !cqueue::more(flags) {
                    self.done.add_range(id, id);
                }
                send_result = Some((
                    id,
                    if res < 0 {
                        Err(Errno::from_raw(-res))
                    } else {
                        Ok(res as usize)
                    },
                ));
            }
        }
        Ok(send_result)
    }
}
