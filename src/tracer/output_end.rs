//! What the traced command last wrote to zclab's own standard output, read
//! back from the command's memory at the exit of each successful write, so
//! that `zclab count` starts its report on a new line only when the
//! command's output did not end with one (`printf abc`).
//!
//! A write counts when it goes to a process's fd 1 and that fd is the same
//! file as zclab's stdout (`/proc/TID/fd/1` against `/proc/self/fd/1`,
//! checked once per process and again after it closes or replaces its
//! fd 1), so a redirected `echo x > file` inside a shell script does not
//! count. For sendfile, splice and copy_file_range from a regular file the
//! last byte is read from that file; data zclab cannot read back (from a
//! pipe, a send on fd 1) leaves the end unknown.

use std::collections::HashMap;
use std::io::IoSliceMut;
use std::os::unix::fs::MetadataExt;

use nix::sys::uio::{RemoteIoVec, process_vm_readv};
use nix::unistd::Pid;

/// How the command's output to zclab's stdout ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputEnd {
    /// It wrote nothing there.
    #[default]
    Nothing,
    /// Its last byte there was a newline.
    Newline,
    /// Its last byte was something else.
    Other,
    /// It wrote there in a way zclab cannot read back (sendfile, splice…).
    Unknown,
}

impl OutputEnd {
    /// Whether a report printed after the output must first end the line.
    pub fn needs_newline(self) -> bool {
        matches!(self, OutputEnd::Other | OutputEnd::Unknown)
    }
}

/// The largest iovec array read back (IOV_MAX).
const IOV_MAX: u64 = 1024;

#[derive(Default)]
pub(super) struct OutputWatch {
    /// (device, inode) of zclab's stdout, once looked up; `None` inside
    /// when it cannot be (then nothing is watched).
    ours: Option<Option<(u64, u64)>>,
    /// Per process (thread-group id): whether its fd 1 is our stdout.
    same: HashMap<i32, bool>,
    pub(super) end: OutputEnd,
}

impl OutputWatch {
    /// At the exit of a successful call `name(args) = ret` made by `tid` of
    /// process `tgid`.
    pub(super) fn on_exit(&mut self, tid: i32, tgid: i32, name: &str, args: &[u64; 6], ret: i64) {
        // A process that closes or replaces its fd 1 is checked again.
        let replaces = match name {
            "close" => args[0] == 1,
            "dup2" | "dup3" => args[1] == 1,
            _ => false,
        };
        if replaces {
            self.same.remove(&tgid);
            return;
        }
        let out_fd = match name {
            "write" | "writev" | "pwrite64" | "pwritev" | "pwritev2" | "sendto" | "sendmsg"
            | "sendmmsg" | "sendfile" | "vmsplice" => args[0],
            "tee" => args[1],
            "splice" | "copy_file_range" => args[2],
            _ => return,
        };
        if out_fd != 1 || ret <= 0 || !self.is_ours(tid, tgid) {
            return;
        }
        let last = match name {
            "write" | "pwrite64" => read_byte(tid, args[1].wrapping_add(ret as u64 - 1)),
            "writev" | "pwritev" | "pwritev2" => {
                last_in_iovecs(tid, args[1], args[2], ret as u64).and_then(|a| read_byte(tid, a))
            }
            // From a file inside the kernel (cat uses copy_file_range when
            // its output is a file): the byte before the source's new offset.
            "sendfile" => last_from_file(tid, args[1], args[2]),
            "copy_file_range" | "splice" => last_from_file(tid, args[0], args[1]),
            _ => None,
        };
        self.end = match last {
            Some(b'\n') => OutputEnd::Newline,
            Some(_) => OutputEnd::Other,
            None => OutputEnd::Unknown,
        };
    }

    fn is_ours(&mut self, tid: i32, tgid: i32) -> bool {
        let ours = *self.ours.get_or_insert_with(|| identity("/proc/self/fd/1"));
        let Some(ours) = ours else {
            return false;
        };
        *self
            .same
            .entry(tgid)
            .or_insert_with(|| identity(&format!("/proc/{tid}/fd/1")) == Some(ours))
    }
}

/// (device, inode) of the file a `/proc/…/fd/N` link points to.
fn identity(link: &str) -> Option<(u64, u64)> {
    std::fs::metadata(link).ok().map(|m| (m.dev(), m.ino()))
}

/// The address of the last of the first `ret` bytes of an iovec array.
fn last_in_iovecs(tid: i32, iov: u64, count: u64, ret: u64) -> Option<u64> {
    let count = count.min(IOV_MAX) as usize;
    let mut raw = vec![0u8; count * 16];
    read(tid, iov, &mut raw)?;
    let mut left = ret;
    for pair in raw.chunks_exact(16) {
        let base = u64::from_ne_bytes(pair[..8].try_into().ok()?);
        let len = u64::from_ne_bytes(pair[8..].try_into().ok()?);
        let take = len.min(left);
        left -= take;
        if left == 0 && take > 0 {
            return Some(base.wrapping_add(take - 1));
        }
    }
    None
}

/// The last byte a sendfile, splice or copy_file_range call took from the
/// regular file open as `fd` in `tid`: the byte before the offset the call
/// left behind (in `*offset_ptr` when the caller passed one, else the
/// file's position, from `/proc/TID/fdinfo`). `None` for a pipe or socket.
fn last_from_file(tid: i32, fd: u64, offset_ptr: u64) -> Option<u8> {
    use std::os::unix::fs::FileExt;
    let end = if offset_ptr != 0 {
        let mut raw = [0u8; 8];
        read(tid, offset_ptr, &mut raw)?;
        u64::from_ne_bytes(raw)
    } else {
        let info = std::fs::read_to_string(format!("/proc/{tid}/fdinfo/{fd}")).ok()?;
        info.lines()
            .find_map(|l| l.strip_prefix("pos:"))
            .and_then(|v| v.trim().parse().ok())?
    };
    let file = std::fs::File::open(format!("/proc/{tid}/fd/{fd}")).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut b = [0u8; 1];
    (file.read_at(&mut b, end.checked_sub(1)?).ok()? == 1).then_some(b[0])
}

fn read_byte(tid: i32, addr: u64) -> Option<u8> {
    let mut b = [0u8; 1];
    read(tid, addr, &mut b)?;
    Some(b[0])
}

/// Reads `buf.len()` bytes of the tracee's memory at `addr`.
fn read(tid: i32, addr: u64, buf: &mut [u8]) -> Option<()> {
    let len = buf.len();
    let remote = [RemoteIoVec {
        base: usize::try_from(addr).ok()?,
        len,
    }];
    let n = process_vm_readv(Pid::from_raw(tid), &mut [IoSliceMut::new(buf)], &remote).ok()?;
    (n == len).then_some(())
}
