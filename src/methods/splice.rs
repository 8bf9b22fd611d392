//! splice: file → pipe → socket, twice `splice(2)` per chunk. This is the
//! machinery under `sendfile` itself (the kernel's `sendfile` splices
//! through a private pipe); here the pipe is ours, so every step shows.
//!
//! The file → pipe splice puts references to page-cache pages into the
//! pipe, no bytes are copied; the pipe → socket splice hands those pages to
//! the socket (`SPLICE_F_MOVE | SPLICE_F_MORE`, MORE left off the last
//! chunk so it goes out at once). The pipe is grown with `F_SETPIPE_SZ` to
//! hold one chunk: a chunk of `--buf` bytes at any offset spans at most
//! `buf / page + 1` pages, each a pipe slot, so zclab asks for `buf + page`
//! bytes and the kernel rounds up to a power of two pages. When the kernel
//! refuses that size (above `/proc/sys/fs/pipe-max-size` without
//! CAP_SYS_RESOURCE), chunks shrink to what the pipe holds.
//!
//! `/proc/<pid>/task/<tid>/io` does not see splice at all: rchar, wchar,
//! syscr and syscw stay at 0 (KERNEL-FACTS). That is a finding, shown as
//! such; zclab's own count is the evidence.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, SpliceFFlags, fcntl, splice};

use super::{Call, Flow, Observer, Tally, Transfer, TransferError, call_failed};
use crate::error::fail_t;
use crate::text::run as text;

/// The page size the pipe's slots are measured in.
const PAGE: usize = 4096;

/// The pipe capacity zclab asks for, for chunks of `buffer_bytes`.
pub fn pipe_request(buffer_bytes: usize) -> usize {
    buffer_bytes.saturating_add(PAGE)
}

/// The largest chunk a pipe of `pipe_bytes` always holds, whatever the
/// offset.
pub fn chunk_for_pipe(buffer_bytes: usize, pipe_bytes: usize) -> usize {
    buffer_bytes.min(pipe_bytes.saturating_sub(PAGE).max(PAGE))
}

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });
    let (pipe_r, pipe_w) = match open_pipe(t, observer, &mut tally) {
        Ok(p) => p,
        Err(e) => return fail(tally, e),
    };
    let chunk = chunk_for_pipe(t.buffer_bytes, tally.pipe_bytes as usize);

    let mut offset: u64 = 0;
    loop {
        let len = (t.size.saturating_sub(offset)).min(chunk as u64) as usize;
        // Asking for 0 bytes at the end still makes the call: it is the one
        // that finds the end of the file, as read() does.
        let len = len.max(usize::from(offset >= t.size) * chunk);
        let more = offset + (len as u64) < t.size;
        let call = Call::Splice {
            fd_in: t.file.as_raw_fd(),
            off_in: Some(offset),
            fd_out: pipe_w.as_raw_fd(),
            len,
            more,
        };
        observer.before(&call);
        let mut off = offset as nix::libc::loff_t;
        let result = splice(
            t.file,
            Some(&mut off),
            pipe_w.as_fd(),
            None,
            len,
            flags(more),
        );
        tally.splice += 1;
        let flow = observer.after(&call, result);
        let n = match result {
            Ok(0) => break,
            Ok(n) => n,
            Err(Errno::EINTR) => {
                tally.interrupted += 1;
                continue;
            }
            Err(e) => {
                return fail(tally, call_failed("splice()", e));
            }
        };
        tally.chunks += 1;
        offset += n as u64;
        if offset > t.size {
            return fail(
                tally,
                fail_t(
                    text::FILE_GREW,
                    &[
                        ("size", &t.size),
                        ("call", &"splice()"),
                        ("offset", &offset),
                    ],
                ),
            );
        }
        if flow == Flow::Stop {
            // Like read-write: the chunk was taken but is not sent.
            tally.stopped_early = true;
            return Ok(tally);
        }
        match drain_pipe(t, &pipe_r, n, more, observer, &mut tally) {
            Ok(Flow::Continue) => {}
            Ok(Flow::Stop) => {
                tally.stopped_early = tally.bytes_sent < t.size;
                return Ok(tally);
            }
            Err(e) => return fail(tally, e),
        }
    }
    if offset != t.size {
        return fail(
            tally,
            fail_t(
                text::FILE_SHRANK,
                &[
                    ("size", &t.size),
                    ("call", &"splice()"),
                    ("offset", &offset),
                ],
            ),
        );
    }
    Ok(tally)
}

/// `SPLICE_F_MOVE`, with `SPLICE_F_MORE` while more data follows.
fn flags(more: bool) -> SpliceFFlags {
    if more {
        SpliceFFlags::SPLICE_F_MOVE | SpliceFFlags::SPLICE_F_MORE
    } else {
        SpliceFFlags::SPLICE_F_MOVE
    }
}

/// The pipe (read end, write end), grown to hold a chunk; its capacity goes
/// to `tally.pipe_bytes`.
fn open_pipe<O: Observer>(
    t: &Transfer<'_>,
    observer: &mut O,
    tally: &mut Tally,
) -> anyhow::Result<(OwnedFd, OwnedFd)> {
    observer.before(&Call::Pipe2);
    let piped = nix::unistd::pipe2(OFlag::O_CLOEXEC);
    tally.pipe2 += 1;
    observer.after(&Call::Pipe2, piped.as_ref().map(|_| 0).map_err(|e| *e));
    let (pipe_r, pipe_w) = piped.map_err(|e| call_failed("pipe2()", e))?;

    let want = pipe_request(t.buffer_bytes);
    let call = Call::SetPipeSize {
        fd: pipe_w.as_raw_fd(),
        size: want,
    };
    observer.before(&call);
    let set = fcntl(&pipe_w, FcntlArg::F_SETPIPE_SZ(want as nix::libc::c_int));
    tally.fcntl += 1;
    observer.after(&call, set.map(|n| n as usize));
    let pipe_bytes = match set {
        Ok(n) => n as usize,
        // Refused (too big for this user): keep the pipe as it is and ask
        // its size without another counted call: the default is 16 pages.
        Err(Errno::EPERM | Errno::EINVAL | Errno::ENOMEM) => {
            let n = fcntl(&pipe_w, FcntlArg::F_GETPIPE_SZ)
                .map_err(|e| call_failed("fcntl(F_GETPIPE_SZ)", e))?;
            tally.fcntl += 1;
            n as usize
        }
        Err(e) => return Err(call_failed(&format!("fcntl(F_SETPIPE_SZ, {want})"), e)),
    };
    tally.pipe_bytes = pipe_bytes as u64;
    Ok((pipe_r, pipe_w))
}

/// Splices the `n` bytes in the pipe into the socket (`more`: the file has
/// more to come). Returns `Flow::Stop` when the observer asked to stop
/// during the chunk: the stop takes effect once the chunk is sent.
fn drain_pipe<O: Observer>(
    t: &Transfer<'_>,
    pipe_r: &OwnedFd,
    n: usize,
    more: bool,
    observer: &mut O,
    tally: &mut Tally,
) -> anyhow::Result<Flow> {
    let mut left = n;
    let mut stop = false;
    while left > 0 {
        let more = more || left < n;
        let call = Call::Splice {
            fd_in: pipe_r.as_raw_fd(),
            off_in: None,
            fd_out: t.socket.as_raw_fd(),
            len: left,
            more,
        };
        observer.before(&call);
        let result = splice(pipe_r.as_fd(), None, t.socket, None, left, flags(more));
        tally.splice += 1;
        let flow = observer.after(&call, result);
        match result {
            Ok(0) => return Err(fail_t(text::SOCKET_ZERO, &[("call", &"splice()")])),
            Ok(w) => {
                left -= w;
                tally.bytes_sent += w as u64;
                t.progress.store(tally.bytes_sent, Ordering::Relaxed);
                if left > 0 {
                    tally.short_writes += 1;
                }
            }
            Err(Errno::EINTR) => tally.interrupted += 1,
            Err(e) => {
                return Err(fail_t(
                    text::SOCKET_FAILED,
                    &[("call", &"splice()"), ("reason", &e)],
                ));
            }
        }
        stop |= flow == Flow::Stop;
    }
    Ok(if stop { Flow::Stop } else { Flow::Continue })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_always_fits_the_pipe() {
        // The kernel rounds the request up to a power of two pages.
        let rounded = |bytes: usize| bytes.div_ceil(PAGE).next_power_of_two() * PAGE;
        for buf in [1, 512, 4095, 4096, 4097, 65536, 131072, 1 << 20] {
            let pipe = rounded(pipe_request(buf));
            let chunk = chunk_for_pipe(buf, pipe);
            assert_eq!(chunk, buf, "buf {buf}, pipe {pipe}");
            // Worst case: the chunk starts one byte before a page boundary.
            let slots = (PAGE - 1 + chunk).div_ceil(PAGE);
            assert!(slots <= pipe / PAGE, "buf {buf}: {slots} slots in {pipe}");
        }
        // A pipe the kernel would not grow: chunks shrink to fit.
        assert_eq!(chunk_for_pipe(8 << 20, 1 << 20), (1 << 20) - PAGE);
        assert_eq!(chunk_for_pipe(8 << 20, PAGE), PAGE);
    }
}
