//! MSG_ZEROCOPY: `read(2)` the file into user buffers, then
//! `sendmsg(2)` each with `MSG_ZEROCOPY` on a socket with `SO_ZEROCOPY` set.
//! The kernel pins the buffer's pages instead of copying them, and later
//! tells, on the socket's error queue (`recvmsg(MSG_ERRQUEUE)`), when it is
//! done with each send and whether it had to copy after all
//! (`SO_EE_CODE_ZEROCOPY_COPIED`). Those completion codes are the evidence.
//!
//! The buffers are filled by `read(2)` (not taken from a mapping) so that
//! this method differs from read-write in exactly one thing: how the bytes
//! leave the user buffer. The read's copy into user space stays.
//!
//! On loopback the kernel always copies (the data must reach the receiving
//! socket as ordinary memory before the sender's pages can be released), so
//! every completion says "copied": a real NIC is needed to see a zero-copy
//! send. The kernel's documentation also says MSG_ZEROCOPY only pays off
//! for large sends (around 10 KB and up): pinning pages and the completions
//! cost more than copying a small buffer.

use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::libc;

use super::zc_slots::{self, Completed, Notifications, Slots};
use super::{Call, Flow, Observer, Tally, Transfer, TransferError};
use crate::error::fail_t;
use crate::text::run as text;

/// `SO_ZEROCOPY` from `<asm-generic/socket.h>` (not in libc).
const SO_ZEROCOPY: libc::c_int = 60;
/// `SO_EE_ORIGIN_ZEROCOPY` from `<linux/errqueue.h>`.
const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;
/// `SO_EE_CODE_ZEROCOPY_COPIED`: the kernel copied the data after all.
const SO_EE_CODE_ZEROCOPY_COPIED: u8 = 1;
/// How long to wait for a completion before calling the run stuck.
const COMPLETION_TIMEOUT_MS: i32 = 60_000;

/// One completion notification: sends `lo..=hi`, copied or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    pub lo: u32,
    pub hi: u32,
    pub copied: bool,
}

impl Completion {
    pub fn sends(&self) -> u64 {
        u64::from(self.hi.wrapping_sub(self.lo)) + 1
    }
}

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });
    let sock = t.socket.as_raw_fd();
    if let Err(e) = set_zerocopy(sock, observer, &mut tally) {
        return fail(tally, e);
    }

    let mut slots = Slots::new(t.buffer_bytes);
    let mut queue = ErrQueue {
        sock,
        done: Completed::default(),
    };
    let mut next_id: u64 = 0;
    let mut slot = 0usize;

    loop {
        let i = slot % slots.count();
        if let Err(e) = queue.wait_below(slots.busy_until(i), observer, &mut tally) {
            return fail(tally, e);
        }
        let n = match super::read_chunk(t, slots.slot_mut(i), observer, &mut tally) {
            Ok(super::Chunk::Data(n)) => n,
            Ok(super::Chunk::End | super::Chunk::Stop) => break,
            Ok(super::Chunk::Again) => continue,
            Err(e) => return fail(tally, e),
        };

        let mut sent = 0;
        let mut stop = false;
        while sent < n {
            let call = Call::SendmsgZerocopy {
                fd: sock,
                len: n - sent,
            };
            observer.before(&call);
            // SAFETY: the slot stays untouched until the kernel reports
            // this send complete (see `zc_slots`).
            let result = unsafe { send_zerocopy(sock, slots.slot_ptr(i).add(sent), n - sent) };
            tally.sendmsg += 1;
            let flow = observer.after(&call, result);
            match result {
                Ok(0) => {
                    return fail(tally, fail_t(text::SOCKET_ZERO, &[("call", &"sendmsg()")]));
                }
                Ok(w) => {
                    slots.used_by(i, next_id);
                    next_id += 1;
                    tally.zerocopy.sent += 1;
                    sent += w;
                    tally.bytes_sent += w as u64;
                    t.progress.store(tally.bytes_sent, Ordering::Relaxed);
                    if sent < n {
                        tally.short_writes += 1;
                    }
                }
                Err(Errno::EINTR) => tally.interrupted += 1,
                // The socket's option memory holds the pending
                // notifications; wait for some to be read, then resend.
                Err(Errno::ENOBUFS) if next_id > 0 && !queue.completed().all_below(next_id) => {
                    tally.zerocopy.enobufs += 1;
                    if let Err(e) = queue.wait(observer, &mut tally) {
                        return fail(tally, e);
                    }
                }
                Err(e) => {
                    return fail(
                        tally,
                        fail_t(
                            text::SOCKET_FAILED,
                            &[("call", &"sendmsg(MSG_ZEROCOPY)"), ("reason", &e)],
                        ),
                    );
                }
            }
            stop |= flow == Flow::Stop;
        }
        slot += 1;
        if stop {
            tally.stopped_early = tally.bytes_sent < t.size;
            break;
        }
    }
    zc_slots::finish(t, tally, &mut queue, next_id, observer)
}

/// `setsockopt(SO_ZEROCOPY)`: without it the kernel ignores `MSG_ZEROCOPY`.
fn set_zerocopy<O: Observer>(sock: i32, observer: &mut O, tally: &mut Tally) -> anyhow::Result<()> {
    let call = Call::SetZerocopy { fd: sock };
    observer.before(&call);
    let one: libc::c_int = 1;
    // SAFETY: a valid socket and a c_int option value of the right size.
    let rc = unsafe {
        libc::setsockopt(
            sock,
            libc::SOL_SOCKET,
            SO_ZEROCOPY,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    let result = if rc < 0 { Err(Errno::last()) } else { Ok(0) };
    tally.setsockopt += 1;
    observer.after(&call, result);
    result
        .map(|_| ())
        .map_err(|e| fail_t(text::SO_ZEROCOPY, &[("reason", &e)]))
}

/// The socket's error queue, where the kernel reports finished sends.
struct ErrQueue {
    sock: i32,
    done: Completed,
}

impl Notifications for ErrQueue {
    fn completed(&self) -> &Completed {
        &self.done
    }

    fn wait<O: Observer>(&mut self, observer: &mut O, tally: &mut Tally) -> anyhow::Result<()> {
        wait_completions(self.sock, observer, tally, &mut self.done)
    }
}

/// `sendmsg(fd, {buf, len}, MSG_ZEROCOPY)`.
///
/// # Safety
/// `buf` must point to `len` readable bytes that stay unchanged until the
/// kernel reports the send complete.
unsafe fn send_zerocopy(fd: i32, buf: *const u8, len: usize) -> Result<usize, Errno> {
    let mut iov = libc::iovec {
        iov_base: buf as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: an all-zero msghdr is valid; the fields set below point to
    // live values.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    // SAFETY: as documented above.
    let n = unsafe { libc::sendmsg(fd, &msg, libc::MSG_ZEROCOPY) };
    if n < 0 {
        Err(Errno::last())
    } else {
        Ok(n as usize)
    }
}

/// Waits (poll) until the error queue has something, then reads every
/// completion in it (recvmsg until EAGAIN).
fn wait_completions<O: Observer>(
    sock: i32,
    observer: &mut O,
    tally: &mut Tally,
    done: &mut Completed,
) -> anyhow::Result<()> {
    let call = Call::PollErrqueue {
        fd: sock,
        timeout_ms: COMPLETION_TIMEOUT_MS,
    };
    observer.before(&call);
    let mut pfd = libc::pollfd {
        fd: sock,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let rc = unsafe { libc::poll(&mut pfd, 1, COMPLETION_TIMEOUT_MS) };
    let result = if rc < 0 {
        Err(Errno::last())
    } else {
        Ok(rc as usize)
    };
    tally.poll += 1;
    observer.after(&call, result);
    match result {
        Ok(0) => {
            return Err(fail_t(
                text::ZC_NO_COMPLETION,
                &[
                    ("secs", &(COMPLETION_TIMEOUT_MS / 1000)),
                    ("covered", &tally.zerocopy.covered),
                    ("sent", &tally.zerocopy.sent),
                ],
            ));
        }
        Ok(_) | Err(Errno::EINTR) => {}
        Err(e) => return Err(fail_t(text::ERRQUEUE_POLL, &[("reason", &e)])),
    }
    let mut got = 0;
    loop {
        let call = Call::RecvErrqueue { fd: sock };
        observer.before(&call);
        let result = recv_completion(sock);
        tally.recvmsg += 1;
        observer.after(&call, result.map(|c| usize::from(c.is_some())));
        match result {
            Ok(Some(c)) => {
                got += 1;
                tally.zerocopy.completions += 1;
                tally.zerocopy.covered += c.sends();
                if c.copied {
                    tally.zerocopy.copied += c.sends();
                }
                done.add_range(u64::from(c.lo), u64::from(c.hi));
            }
            // Something else on the error queue (not ours): skip it.
            Ok(None) => {}
            Err(Errno::EAGAIN) => break,
            Err(Errno::EINTR) => tally.interrupted += 1,
            Err(e) => {
                return Err(fail_t(text::ERRQUEUE_RECV, &[("reason", &e)]));
            }
        }
    }
    if got == 0 && pfd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0 {
        return Err(fail_t(
            text::ZC_CLOSED,
            &[
                ("covered", &tally.zerocopy.covered),
                ("sent", &tally.zerocopy.sent),
            ],
        ));
    }
    Ok(())
}

/// Reads one message from the error queue without waiting; `None` when it
/// is not a zero-copy completion.
fn recv_completion(sock: i32) -> Result<Option<Completion>, Errno> {
    // u64s for the control buffer's alignment.
    let mut control = [0u64; 16];
    // SAFETY: an all-zero msghdr is valid; the control buffer outlives it.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: msg points to a valid control buffer and no data buffers.
    let n = unsafe { libc::recvmsg(sock, &mut msg, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(Errno::last());
    }
    // SAFETY: the CMSG_* macros walk the buffer the kernel just filled,
    // within msg_controllen.
    unsafe {
        let mut cm = libc::CMSG_FIRSTHDR(&msg);
        while !cm.is_null() {
            let level = (*cm).cmsg_level;
            let kind = (*cm).cmsg_type;
            let ip = level == libc::SOL_IP && kind == libc::IP_RECVERR;
            let ip6 = level == libc::SOL_IPV6 && kind == libc::IPV6_RECVERR;
            if ip || ip6 {
                let ee: libc::sock_extended_err =
                    std::ptr::read_unaligned(libc::CMSG_DATA(cm).cast());
                if ee.ee_errno == 0 && ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY {
                    return Ok(Some(Completion {
                        lo: ee.ee_info,
                        hi: ee.ee_data,
                        copied: ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED != 0,
                    }));
                }
            }
            cm = libc::CMSG_NXTHDR(&msg, cm);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::Completion;

    #[test]
    fn a_range_counts_its_sends() {
        let c = Completion {
            lo: 3,
            hi: 7,
            copied: true,
        };
        assert_eq!(c.sends(), 5);
        assert_eq!(
            Completion {
                lo: 9,
                hi: 9,
                copied: false
            }
            .sends(),
            1
        );
    }
}
