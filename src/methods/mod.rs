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

use std::fs::File;
use std::os::fd::BorrowedFd;
use std::sync::atomic::AtomicU64;

use serde::Serialize;

pub mod read_write;
pub mod sendfile;

/// A way of sending a file into a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Method {
    /// `read(2)` into a user buffer, then `write(2)` it to the socket.
    #[serde(rename = "read-write")]
    ReadWrite,
    /// `sendfile(2)` from the file straight to the socket.
    #[serde(rename = "sendfile")]
    Sendfile,
}

impl Method {
    pub const ALL: [Method; 2] = [Method::ReadWrite, Method::Sendfile];

    /// The method's name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::ReadWrite => "read-write",
            Method::Sendfile => "sendfile",
        }
    }

    /// The system calls this method makes, in the order they appear.
    pub fn syscall_names(self) -> &'static [&'static str] {
        match self {
            Method::ReadWrite => &["read", "write"],
            Method::Sendfile => &["sendfile"],
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
}

impl Call {
    pub fn name(&self) -> &'static str {
        match self {
            Call::Read { .. } => "read",
            Call::Write { .. } => "write",
            Call::Sendfile { .. } => "sendfile",
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
    /// unit of "4 mode switches per chunk").
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
}

impl Tally {
    /// All system calls the method made.
    pub fn syscalls(&self) -> u64 {
        self.read + self.write + self.sendfile
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

/// Runs `method` to the end of the file (or until the observer stops it).
pub fn run<O: Observer>(
    method: Method,
    t: &Transfer<'_>,
    observer: &mut O,
) -> Result<Tally, TransferError> {
    match method {
        Method::ReadWrite => read_write::run(t, observer),
        Method::Sendfile => sendfile::run(t, observer),
    }
}
