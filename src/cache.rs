//! The page cache: dropping a file from it before a cold run, and asking how
//! much of the file is still in it.
//!
//! `posix_fadvise(POSIX_FADV_DONTNEED)` drops a file's clean pages, also for
//! a user who does not own the file; dirty pages must be written back first
//! (`fdatasync`, which writes nothing new into the file). After a sendfile
//! over loopback the last few MiB can stay pinned by socket buffers for a
//! moment and survive the advice, so eviction is retried (for up to two
//! seconds) and checked with `mincore`. A file on tmpfs or ramfs cannot be
//! dropped at all: the page cache is where it lives.

use std::fs::File;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::fcntl::{PosixFadviseAdvice, posix_fadvise};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};
use serde::Serialize;

use crate::error::ContextT;
use crate::text::run as t;

/// How long [`evict`] keeps trying before it gives up.
pub const EVICT_PATIENCE: Duration = Duration::from_secs(2);

/// Why a file cannot be read cold here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CannotEvict {
    /// The file lives on a file system kept in memory (tmpfs, ramfs): its
    /// pages are the file itself and have no disk to be read back from.
    MemoryFilesystem { fs: &'static str },
    /// The kernel kept every page of the file in the page cache through
    /// [`EVICT_PATIENCE`] of evictions (locked or in use elsewhere).
    StayedResident { resident_bytes: u64 },
}

/// What [`evict`] achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eviction {
    /// The file was dropped: `resident` bytes were still cached when
    /// eviction stopped (0 when it fully worked; `None` when the kernel
    /// cannot tell, see [`resident_bytes`]).
    Evicted { resident: Option<u64> },
    /// Nothing could be dropped: a cold run is impossible here.
    Cannot(CannotEvict),
}

/// The file system of `file`, when it keeps files in memory only.
pub fn memory_filesystem(file: &File) -> Option<&'static str> {
    use nix::sys::statfs::{FsType, TMPFS_MAGIC, fstatfs};
    const RAMFS_MAGIC: FsType = FsType(0x8584_58f6);
    let fs = fstatfs(file).ok()?.filesystem_type();
    if fs == TMPFS_MAGIC {
        Some("tmpfs")
    } else if fs == RAMFS_MAGIC {
        Some("ramfs")
    } else {
        None
    }
}

/// Asks the kernel to drop the file's pages, and checks with `mincore`
/// that they are gone, retrying for up to [`EVICT_PATIENCE`] while pages
/// stay resident (after a sendfile over loopback the last pages can stay
/// pinned for a moment).
pub fn evict(file: &File, size: u64) -> Result<Eviction> {
    if let Some(fs) = memory_filesystem(file) {
        return Ok(Eviction::Cannot(CannotEvict::MemoryFilesystem { fs }));
    }
    // Dirty pages cannot be dropped; write them back first.
    let _ = nix::unistd::fdatasync(file);
    let deadline = Instant::now() + EVICT_PATIENCE;
    let mut pause = Duration::from_millis(5);
    loop {
        posix_fadvise(file, 0, 0, PosixFadviseAdvice::POSIX_FADV_DONTNEED)
            .context_t(t::FADVISE, &[])?;
        let left = resident_bytes(file, size)?;
        match left {
            None | Some(0) => return Ok(Eviction::Evicted { resident: left }),
            Some(b) if Instant::now() >= deadline => {
                return Ok(if b >= size {
                    Eviction::Cannot(CannotEvict::StayedResident { resident_bytes: b })
                } else {
                    Eviction::Evicted { resident: Some(b) }
                });
            }
            Some(_) => {}
        }
        flush_deferred_frees();
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

/// Makes every CPU free the socket buffers it was asked to free later.
///
/// When a socket buffer is consumed on another CPU than the one that made
/// it, Linux hands the free back to that CPU (`skb_attempt_defer_free`),
/// which does it the next time it processes received packets. A sendfile
/// buffer holds the file's page-cache pages, so until then they cannot be
/// dropped; on an idle CPU that can take seconds. A loopback datagram sent
/// from a thread on each CPU makes each one process received packets now.
fn flush_deferred_frees() {
    std::thread::scope(|scope| {
        for cpu in crate::cpus::allowed() {
            scope.spawn(move || {
                if !crate::cpus::pin_this_thread(cpu) {
                    return;
                }
                let Ok(sock) = std::net::UdpSocket::bind(("127.0.0.1", 0)) else {
                    return;
                };
                if let Ok(addr) = sock.local_addr() {
                    let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
                    let _ = sock.send_to(&[0], addr);
                    let _ = sock.recv(&mut [0]);
                }
            });
        }
    });
}

/// Bytes of the file in the page cache, by `mincore(2)` on a read-only
/// mapping. `None` when the answer would be meaningless: for a file the
/// caller neither owns nor may write, Linux reports every page resident.
pub fn resident_bytes(file: &File, size: u64) -> Result<Option<u64>> {
    use std::os::unix::fs::MetadataExt;
    let Some(len) = NonZeroUsize::new(size as usize) else {
        return Ok(Some(0));
    };
    let meta = file.metadata().context_t(t::STAT_FILE, &[])?;
    let owner = meta.uid() == nix::unistd::geteuid().as_raw() || nix::unistd::geteuid().is_root();
    if !owner {
        return Ok(None);
    }
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .map(|p| p as usize)
        .unwrap_or(4096);
    let pages = (size as usize).div_ceil(page);
    let mut vec = vec![0u8; pages];
    // SAFETY: a private read-only mapping of a file we hold open; it is only
    // passed to mincore (never read through) and unmapped before returning.
    let addr = unsafe {
        mmap(
            None,
            len,
            ProtFlags::PROT_READ,
            MapFlags::MAP_SHARED,
            file,
            0,
        )
    }
    .context_t(t::MAP_FOR_RESIDENCY, &[])?;
    // SAFETY: `addr` is a live mapping of `len` bytes; `vec` has one byte per
    // page of it.
    let rc = unsafe { nix::libc::mincore(addr.as_ptr(), len.get(), vec.as_mut_ptr()) };
    let err = std::io::Error::last_os_error();
    // SAFETY: unmapping exactly the mapping made above.
    let _ = unsafe { munmap(addr, len.get()) };
    if rc != 0 {
        return Err(crate::error::wrap_t(err, t::MINCORE, &[]));
    }
    let resident = vec.iter().filter(|b| **b & 1 == 1).count() as u64;
    Ok(Some((resident * page as u64).min(size)))
}
