//! The transfer methods, one file each, behind one small enum.
//!
//! Each method moves a whole file into a connected socket with the system
//! calls the article shows, and counts what it did itself: every system call
//! it made (by name) and every byte that passed through a user-space buffer.
//! Those own counts are the primary evidence; `/proc` is the cross-check.
//!
//! An [`Observer`] sees each call before and after it happens. `compare`
//! passes [`Quiet`], which compiles to nothing; `trace` passes one that
//! pauses and reads `/proc` between calls.

// A transfer fails at most once per run: the tally carried by its error
// (large since the zero-copy counts joined it) costs nothing that matters.
#![allow(clippy::result_large_err)]

use std::fs::File;
use std::os::fd::BorrowedFd;
use std::sync::atomic::AtomicU64;

use serde::Serialize;

pub mod io_uring;
pub mod mmap;
pub mod msg_zerocopy;
pub mod read_write;
pub mod sendfile;
pub mod splice;
mod zc_slots;

/// A way of sending a file into a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Method {
    /// `read(2)` into a user buffer, then `write(2)` it to the socket.
    #[serde(rename = "read-write")]
    ReadWrite,
    /// `sendfile(2)` from the file straight to the socket.
    #[serde(rename = "sendfile")]
    Sendfile,
    /// `mmap(2)` the file, then `write(2)` from the mapping to the socket.
    #[serde(rename = "mmap")]
    Mmap,
    /// `splice(2)` file → pipe → socket.
    #[serde(rename = "splice")]
    Splice,
    /// `read(2)` into user buffers, `sendmsg(2)` with `MSG_ZEROCOPY`.
    #[serde(rename = "msg-zerocopy")]
    MsgZerocopy,
    /// `read(2)` into user buffers, io_uring's `IORING_OP_SEND_ZC`.
    #[serde(rename = "io-uring")]
    IoUring,
}

impl Method {
    /// The article's two methods: what `compare` runs by default.
    pub const ALL: [Method; 2] = [Method::ReadWrite, Method::Sendfile];

    /// Every method zclab knows, in table order (`--method all`).
    pub const EVERY: [Method; 6] = [
        Method::ReadWrite,
        Method::Sendfile,
        Method::Mmap,
        Method::Splice,
        Method::MsgZerocopy,
        Method::IoUring,
    ];

    /// The method's name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::ReadWrite => "read-write",
            Method::Sendfile => "sendfile",
            Method::Mmap => "mmap",
            Method::Splice => "splice",
            Method::MsgZerocopy => "msg-zerocopy",
            Method::IoUring => "io-uring",
        }
    }

    /// The system calls this method makes and counts, in the order they
    /// first appear. (Calls the Rust runtime makes for it, such as `close`
    /// when a pipe is dropped, are not among them.)
    pub fn syscall_names(self) -> &'static [&'static str] {
        match self {
            Method::ReadWrite => &["read", "write"],
            Method::Sendfile => &["sendfile"],
            Method::Mmap => &["mmap", "write", "munmap"],
            Method::Splice => &["pipe2", "fcntl", "splice"],
            Method::MsgZerocopy => &["setsockopt", "read", "sendmsg", "poll", "recvmsg"],
            Method::IoUring => &["io_uring_setup", "read", "io_uring_enter"],
        }
    }

    /// The calls that move the file's data, as `compare --verify` holds
    /// them to an exact count on the sending thread. mmap's own `mmap` and
    /// `munmap` are not among them: the thread's runtime maps memory too
    /// (its signal stack, a malloc arena), so a count by name cannot tell
    /// the file's mapping apart; the tests tell it apart by its length.
    pub fn data_calls(self) -> &'static [&'static str] {
        match self {
            Method::ReadWrite => &["read", "write"],
            Method::Sendfile => &["sendfile"],
            Method::Mmap => &["write"],
            Method::Splice => &["splice"],
            Method::MsgZerocopy => &["read", "sendmsg", "recvmsg"],
            Method::IoUring => &["read", "io_uring_enter"],
        }
    }
}

/// One system call a method is about to make, with its arguments as
/// `strace` would show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Read {
        fd: i32,
        len: usize,
    },
    Write {
        fd: i32,
        len: usize,
    },
    Sendfile {
        out_fd: i32,
        in_fd: i32,
        offset: u64,
        count: usize,
    },
    /// `mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)`.
    Mmap {
        fd: i32,
        len: usize,
    },
    /// `munmap(addr, len)`.
    Munmap {
        len: usize,
    },
    /// `write(2)` of `len` bytes from the mapping at file offset `offset`.
    WriteMapped {
        fd: i32,
        offset: u64,
        len: usize,
    },
    /// `pipe2(O_CLOEXEC)`.
    Pipe2,
    /// `fcntl(fd, F_SETPIPE_SZ, size)`.
    SetPipeSize {
        fd: i32,
        size: usize,
    },
    /// `splice(2)`: file → pipe when `off_in` is set, pipe → socket when not.
    Splice {
        fd_in: i32,
        off_in: Option<u64>,
        fd_out: i32,
        len: usize,
        more: bool,
    },
    /// `setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, [1])`.
    SetZerocopy {
        fd: i32,
    },
    /// `sendmsg(fd, {iov_len=len}, MSG_ZEROCOPY)`.
    SendmsgZerocopy {
        fd: i32,
        len: usize,
    },
    /// `poll([{fd, events=0}], 1, timeout)`: waits for the error queue.
    PollErrqueue {
        fd: i32,
        timeout_ms: i32,
    },
    /// `recvmsg(fd, …, MSG_ERRQUEUE|MSG_DONTWAIT)`: one completion.
    RecvErrqueue {
        fd: i32,
    },
    /// `io_uring_setup(entries, …)`.
    IoUringSetup {
        entries: u32,
    },
    /// `io_uring_enter(fd, to_submit, min_complete, GETEVENTS)`; `send` is
    /// the length of the `SEND_ZC` it submits, if it submits one.
    IoUringEnter {
        fd: i32,
        to_submit: u32,
        min_complete: u32,
        send: Option<usize>,
    },
}

impl Call {
    /// The system call's name, as strace and the tracer name it.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Read { .. } => "read",
            Call::Write { .. } | Call::WriteMapped { .. } => "write",
            Call::Sendfile { .. } => "sendfile",
            Call::Mmap { .. } => "mmap",
            Call::Munmap { .. } => "munmap",
            Call::Pipe2 => "pipe2",
            Call::SetPipeSize { .. } => "fcntl",
            Call::Splice { .. } => "splice",
            Call::SetZerocopy { .. } => "setsockopt",
            Call::SendmsgZerocopy { .. } => "sendmsg",
            Call::PollErrqueue { .. } => "poll",
            Call::RecvErrqueue { .. } => "recvmsg",
            Call::IoUringSetup { .. } => "io_uring_setup",
            Call::IoUringEnter { .. } => "io_uring_enter",
        }
    }

    /// What the call does to the data, for the copy model: `read`,
    /// `write`, `write_mapped`, `sendfile`, `splice_in` (file → pipe),
    /// `splice_out` (pipe → socket), `send_zc` (a zero-copy send), or
    /// `none` (set-up, waiting, completions).
    pub fn data_role(&self) -> &'static str {
        match self {
            Call::Read { .. } => "read",
            Call::Write { .. } => "write",
            Call::WriteMapped { .. } => "write_mapped",
            Call::Sendfile { .. } => "sendfile",
            Call::Splice {
                off_in: Some(_), ..
            } => "splice_in",
            Call::Splice { off_in: None, .. } => "splice_out",
            Call::SendmsgZerocopy { .. } => "send_zc",
            Call::IoUringEnter { send: Some(_), .. } => "send_zc",
            _ => "none",
        }
    }
}

/// What an observer wants after a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Stop the transfer cleanly now (e.g. `trace --chunks N`).
    Stop,
}

/// Sees each system call as it happens. Must not make `read`/`write`
/// calls on the sending thread itself: `/proc` would count them.
pub trait Observer {
    fn before(&mut self, call: &Call);
    /// `result` is the call's return value (bytes) or its errno.
    fn after(&mut self, call: &Call, result: Result<usize, nix::errno::Errno>) -> Flow;
}

/// The observer of `compare`: sees nothing, costs nothing.
pub struct Quiet;

impl Observer for Quiet {
    #[inline(always)]
    fn before(&mut self, _call: &Call) {}
    #[inline(always)]
    fn after(&mut self, _call: &Call, _result: Result<usize, nix::errno::Errno>) -> Flow {
        Flow::Continue
    }
}

/// What a method counted about itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// `read(2)` calls, including the one that returned 0 (end of file) and
    /// any that failed with EINTR and were retried.
    pub read: u64,
    /// `write(2)` calls, including retries after short writes.
    pub write: u64,
    /// `sendfile(2)` calls.
    pub sendfile: u64,
    /// Chunks read-write read: its `read(2)` calls that returned data (the
    /// unit of "4 mode switches per chunk"). The other roads count theirs
    /// the same way: msg-zerocopy's and io-uring's reads that returned
    /// data, splice's file → pipe splices that moved data, mmap's writes
    /// that moved data.
    pub chunks: u64,
    /// Calls that wrote fewer bytes than asked (the loop then wrote the rest).
    pub short_writes: u64,
    /// Calls interrupted by a signal (EINTR) and made again.
    pub interrupted: u64,
    /// Bytes copied by the CPU from the page cache into our user buffer.
    pub bytes_into_user: u64,
    /// Bytes copied by the CPU from our user buffer into the socket.
    pub bytes_out_of_user: u64,
    /// Bytes of the file that reached the socket, by any means.
    pub bytes_sent: u64,
    /// True when an observer stopped the transfer before the whole file was
    /// sent.
    pub stopped_early: bool,
    /// `mmap(2)` / `munmap(2)` calls of the file (method mmap).
    pub mmap: u64,
    pub munmap: u64,
    /// `pipe2(2)`, `fcntl(F_SETPIPE_SZ)` and `splice(2)` calls (method
    /// splice), including the `splice` that found the end of the file.
    pub pipe2: u64,
    pub fcntl: u64,
    pub splice: u64,
    /// The pipe's capacity after `F_SETPIPE_SZ`, as the kernel set it.
    pub pipe_bytes: u64,
    /// `setsockopt(SO_ZEROCOPY)`, `sendmsg(MSG_ZEROCOPY)`, `poll` and
    /// `recvmsg(MSG_ERRQUEUE)` calls (method msg-zerocopy), every attempt
    /// counted, also those that found nothing (EAGAIN).
    pub setsockopt: u64,
    pub sendmsg: u64,
    pub poll: u64,
    pub recvmsg: u64,
    /// `io_uring_setup(2)` and `io_uring_enter(2)` calls (method io-uring).
    pub io_uring_setup: u64,
    pub io_uring_enter: u64,
    /// What the kernel reported about zero-copy sends (msg-zerocopy,
    /// io-uring).
    pub zerocopy: ZeroCopyTally,
}

/// The kernel's own account of zero-copy sends, from its completion
/// notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ZeroCopyTally {
    /// Sends the kernel accepted (each gets one completion number).
    pub sent: u64,
    /// Completion notifications read (one may cover a range of sends).
    pub completions: u64,
    /// Sends the notifications covered.
    pub covered: u64,
    /// Sends the kernel reports it copied after all
    /// (`SO_EE_CODE_ZEROCOPY_COPIED`, `IORING_NOTIF_USAGE_ZC_COPIED`).
    pub copied: u64,
    /// Sends refused for lack of option memory (ENOBUFS) and made again
    /// after waiting for completions.
    pub enobufs: u64,
}

impl Tally {
    /// All system calls the method made.
    pub fn syscalls(&self) -> u64 {
        self.read
            + self.write
            + self.sendfile
            + self.mmap
            + self.munmap
            + self.pipe2
            + self.fcntl
            + self.splice
            + self.setsockopt
            + self.sendmsg
            + self.poll
            + self.recvmsg
            + self.io_uring_setup
            + self.io_uring_enter
    }

    /// Bytes that passed through user space: in through `read`, out
    /// through `write`.
    pub fn user_copy_bytes(&self) -> u64 {
        self.bytes_into_user + self.bytes_out_of_user
    }

    /// The count for one system call by name.
    pub fn calls(&self, name: &str) -> u64 {
        match name {
            "read" => self.read,
            "write" => self.write,
            "sendfile" => self.sendfile,
            "mmap" => self.mmap,
            "munmap" => self.munmap,
            "pipe2" => self.pipe2,
            "fcntl" => self.fcntl,
            "splice" => self.splice,
            "setsockopt" => self.setsockopt,
            "sendmsg" => self.sendmsg,
            "poll" => self.poll,
            "recvmsg" => self.recvmsg,
            "io_uring_setup" => self.io_uring_setup,
            "io_uring_enter" => self.io_uring_enter,
            _ => 0,
        }
    }
}

/// Why a transfer failed, with what was counted up to the failure.
#[derive(Debug)]
pub struct TransferError {
    pub tally: Tally,
    pub error: anyhow::Error,
}

/// Everything a method needs to run.
pub struct Transfer<'a> {
    pub file: &'a File,
    /// The file's size when it was opened; a method that sees another size
    /// reports that the file changed during the run.
    pub size: u64,
    pub socket: BorrowedFd<'a>,
    pub buffer_bytes: usize,
    /// Bytes sent so far, for a progress bar on another thread.
    pub progress: &'a AtomicU64,
}

/// What one `read(2)` of the file into a user buffer gave a road that
/// sends from user memory (read-write, msg-zerocopy, io-uring).
pub(crate) enum Chunk {
    /// This many bytes were read: send them.
    Data(usize),
    /// A chunk was read, but the observer asked to stop right after the
    /// call: it is not sent (`Tally::stopped_early` is set).
    Stop,
    /// End of file.
    End,
    /// Interrupted by a signal (counted): read again.
    Again,
}

/// One `read(2)` of the file into `buf`, observed and counted the same way
/// by every road that reads into user memory: the call, its chunk and
/// bytes, EINTR, and a file that grew while being sent.
pub(crate) fn read_chunk<O: Observer>(
    t: &Transfer<'_>,
    buf: &mut [u8],
    observer: &mut O,
    tally: &mut Tally,
) -> anyhow::Result<Chunk> {
    let call = Call::Read {
        fd: std::os::fd::AsRawFd::as_raw_fd(t.file),
        len: buf.len(),
    };
    observer.before(&call);
    let result = nix::unistd::read(t.file, buf);
    tally.read += 1;
    let flow = observer.after(&call, result);
    let n = match result {
        Ok(0) => return Ok(Chunk::End),
        Ok(n) => n,
        Err(nix::errno::Errno::EINTR) => {
            tally.interrupted += 1;
            return Ok(Chunk::Again);
        }
        Err(e) => return Err(call_failed("read()", e)),
    };
    tally.chunks += 1;
    tally.bytes_into_user += n as u64;
    if tally.bytes_into_user > t.size {
        return Err(crate::error::fail_t(
            crate::text::run::FILE_GREW,
            &[
                ("size", &t.size),
                ("call", &"read()"),
                ("offset", &tally.bytes_into_user),
            ],
        ));
    }
    if flow == Flow::Stop {
        tally.stopped_early = true;
        return Ok(Chunk::Stop);
    }
    Ok(Chunk::Data(n))
}

/// The end of a road that reads into user memory: unless it stopped early
/// on purpose, `read(2)` must have returned exactly the file's size (a file
/// that grew is caught by [`read_chunk`] as it happens; one that shrank
/// shows only here).
pub(crate) fn read_to_size(t: &Transfer<'_>, tally: Tally) -> Result<Tally, TransferError> {
    if tally.stopped_early || tally.bytes_into_user == t.size {
        return Ok(tally);
    }
    let error = crate::error::fail_t(
        crate::text::run::FILE_SHRANK,
        &[
            ("size", &t.size),
            ("call", &"read()"),
            ("offset", &tally.bytes_into_user),
        ],
    );
    Err(TransferError { tally, error })
}

/// Runs `method` to the end of the file (or until the observer stops it).
pub fn run<O: Observer>(
    method: Method,
    t: &Transfer<'_>,
    observer: &mut O,
) -> Result<Tally, TransferError> {
    match method {
        Method::ReadWrite => read_write::run(t, observer),
        Method::Sendfile => sendfile::run(t, observer),
        Method::Mmap => mmap::run(t, observer),
        Method::Splice => splice::run(t, observer),
        Method::MsgZerocopy => msg_zerocopy::run(t, observer),
        Method::IoUring => io_uring::run(t, observer),
    }
}

/// `{call} failed: {reason}`, in the user's language: a kernel call of a
/// road refused.
pub(crate) fn call_failed(call: &str, reason: impl std::fmt::Display) -> anyhow::Error {
    crate::error::fail_t(
        crate::text::run::CALL_FAILED,
        &[("call", &call), ("reason", &reason)],
    )
}
