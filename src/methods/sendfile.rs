//! The zero-copy path Kafka takes (Java's `FileChannel.transferTo` is
//! `sendfile(2)` on Linux): the kernel moves the file's page-cache pages to
//! the socket; no byte enters user space.
//!
//! One call moves at most 0x7ffff000 bytes (the kernel's `MAX_RW_COUNT`),
//! so files over 2 GiB take several calls, and a signal can cut a call
//! short: the loop goes on from the offset the kernel reports.

use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;

use nix::errno::Errno;

use super::{Call, Flow, Observer, Tally, Transfer, TransferError};
use crate::error::fail_t;
use crate::text::run as text;

/// The most one `sendfile(2)` call transfers on Linux.
pub const MAX_PER_CALL: u64 = 0x7fff_f000;

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let mut offset: nix::libc::off_t = 0;
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });

    while (offset as u64) < t.size {
        let count = (t.size - offset as u64).min(MAX_PER_CALL) as usize;
        let call = Call::Sendfile {
            out_fd: t.socket.as_raw_fd(),
            in_fd: t.file.as_raw_fd(),
            offset: offset as u64,
            count,
        };
        observer.before(&call);
        let result = nix::sys::sendfile::sendfile(t.socket, t.file, Some(&mut offset), count);
        tally.sendfile += 1;
        let flow = observer.after(&call, result);
        match result {
            Ok(0) => {
                return fail(
                    tally,
                    fail_t(
                        text::FILE_SHRANK,
                        &[
                            ("size", &t.size),
                            ("call", &"sendfile()"),
                            ("offset", &offset),
                        ],
                    ),
                );
            }
            Ok(n) => {
                tally.bytes_sent += n as u64;
                t.progress.store(tally.bytes_sent, Ordering::Relaxed);
            }
            Err(Errno::EINTR) => tally.interrupted += 1,
            Err(e) => {
                return fail(
                    tally,
                    fail_t(
                        text::SOCKET_FAILED,
                        &[("call", &"sendfile()"), ("reason", &e)],
                    ),
                );
            }
        }
        if flow == Flow::Stop {
            tally.stopped_early = (offset as u64) < t.size;
            return Ok(tally);
        }
    }
    Ok(tally)
}
