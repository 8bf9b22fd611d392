//! The page cache: dropping a file from it before a cold run, and asking how
//! much of the file is still in it.
//!
//! `posix_fadvise(POSIX_FADV_DONTNEED)` drops a file's clean pages, also for
//! a user who does not own the file; dirty pages must be written back first
//! (`fdatasync`, which writes nothing new into the file). After a sendfile
//! over loopback the last few MiB can stay pinned by socket buffers for a
//! moment and survive the advice, so eviction is retried and then checked.

use std::fs::File;
use std::num::NonZeroUsize;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::fcntl::{PosixFadviseAdvice, posix_fadvise};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};

/// Asks the kernel to drop the file's pages, retrying while pages stay
/// resident. Returns the bytes still resident afterwards (`None` when the
/// kernel cannot tell, see [`resident_bytes`]).
pub fn evict(file: &File, size: u64) -> Result<Option<u64>> {
    // Dirty pages cannot be dropped; write them back first.
    let _ = nix::unistd::fdatasync(file);
    let mut left = None;
    for attempt in 0..10 {
        posix_fadvise(file, 0, 0, PosixFadviseAdvice::POSIX_FADV_DONTNEED)
            .context("posix_fadvise(DONTNEED) failed: cannot drop the file from the page cache")?;
        left = resident_bytes(file, size)?;
        if left.is_none_or(|b| b == 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20 * (attempt + 1)));
    }
    Ok(left)
}

/// Bytes of the file in the page cache, by `mincore(2)` on a read-only
/// mapping. `None` when the answer would be meaningless: for a file the
/// caller neither owns nor may write, Linux reports every page resident.
pub fn resident_bytes(file: &File, size: u64) -> Result<Option<u64>> {
    use std::os::unix::fs::MetadataExt;
    let Some(len) = NonZeroUsize::new(size as usize) else {
        return Ok(Some(0));
    };
    let meta = file.metadata().context("cannot stat the file")?;
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
    .context("cannot map the file to check its residency")?;
    // SAFETY: `addr` is a live mapping of `len` bytes; `vec` has one byte per
    // page of it.
    let rc = unsafe { nix::libc::mincore(addr.as_ptr(), len.get(), vec.as_mut_ptr()) };
    let err = std::io::Error::last_os_error();
    // SAFETY: unmapping exactly the mapping made above.
    let _ = unsafe { munmap(addr, len.get()) };
    if rc != 0 {
        return Err(anyhow::Error::new(err).context("mincore failed"));
    }
    let resident = vec.iter().filter(|b| **b & 1 == 1).count() as u64;
    Ok(Some((resident * page as u64).min(size)))
}
