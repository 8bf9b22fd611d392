//! The traditional path, as the article writes it: `read(2)` a chunk into a
//! user buffer, `write(2)` it to the socket, until `read` returns 0.
//!
//! It must be `write(2)`: the kernel's per-task I/O accounting
//! (`/proc/<pid>/task/<tid>/io`) counts `write` but not `send`/`sendto`, and
//! Rust's `TcpStream` uses `sendto`. Unlike the article's C snippet, which
//! writes `sizeof(buf)` even after a short final read, this loop writes
//! exactly what was read and finishes short writes.

use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;

use nix::errno::Errno;

use super::{Call, Chunk, Flow, Observer, Tally, Transfer, TransferError};
use crate::error::fail_t;
use crate::text::run as text;

pub fn run<O: Observer>(t: &Transfer<'_>, observer: &mut O) -> Result<Tally, TransferError> {
    let mut tally = Tally::default();
    let mut buf = vec![0u8; t.buffer_bytes];
    let sock_fd = t.socket.as_raw_fd();
    let fail = |tally: Tally, error: anyhow::Error| Err(TransferError { tally, error });

    loop {
        let n = match super::read_chunk(t, &mut buf, observer, &mut tally) {
            Ok(Chunk::Data(n)) => n,
            Ok(Chunk::End) => break,
            Ok(Chunk::Again) => continue,
            // The chunk was read but is not sent: the caller asked to stop
            // right after this call.
            Ok(Chunk::Stop) => return Ok(tally),
            Err(e) => return fail(tally, e),
        };

        let mut done = 0;
        let mut stop = false;
        while done < n {
            let call = Call::Write {
                fd: sock_fd,
                len: n - done,
            };
            observer.before(&call);
            let result = nix::unistd::write(t.socket, &buf[done..n]);
            tally.write += 1;
            let flow = observer.after(&call, result);
            match result {
                Ok(0) => {
                    return fail(tally, fail_t(text::SOCKET_ZERO, &[("call", &"write()")]));
                }
                Ok(w) => {
                    done += w;
                    tally.bytes_out_of_user += w as u64;
                    tally.bytes_sent += w as u64;
                    t.progress.store(tally.bytes_sent, Ordering::Relaxed);
                    if done < n {
                        tally.short_writes += 1;
                    }
                }
                Err(Errno::EINTR) => tally.interrupted += 1,
                Err(e) => {
                    return fail(
                        tally,
                        fail_t(text::SOCKET_FAILED, &[("call", &"write()"), ("reason", &e)]),
                    );
                }
            }
            // A stop asked mid-chunk takes effect once the chunk is sent.
            stop |= flow == Flow::Stop;
        }
        if stop {
            tally.stopped_early = tally.bytes_sent < t.size;
            return Ok(tally);
        }
    }

    super::read_to_size(t, tally)
}
