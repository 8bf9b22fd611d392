//! Each method's data path as the model declares it: the hops in order,
//! who makes each one, and the article's counts that follow from them.

use super::{CopyKind, HopRole, HopSpec, Place};
use crate::methods::Method;

const fn hop(from: Place, to: Place, kind: CopyKind, role: HopRole) -> HopSpec {
    HopSpec {
        from,
        to,
        kind,
        role,
    }
}

/// Disk → page cache, by DMA (a page-cache miss).
const DISK_READ: HopSpec = hop(
    Place::Disk,
    Place::PageCache,
    CopyKind::Dma,
    HopRole::DiskRead,
);
/// Page cache → user buffer, by the CPU (`read`).
const INTO_USER: HopSpec = hop(
    Place::PageCache,
    Place::UserBuffer,
    CopyKind::Cpu,
    HopRole::IntoUser,
);
/// User buffer → socket buffer, by the CPU (`write`).
const OUT_OF_USER: HopSpec = hop(
    Place::UserBuffer,
    Place::SocketBuffer,
    CopyKind::Cpu,
    HopRole::OutOfUser,
);
/// Socket buffer → NIC, by DMA.
const SOCKET_TO_NIC: HopSpec = hop(
    Place::SocketBuffer,
    Place::Nic,
    CopyKind::Dma,
    HopRole::ToNic,
);

const READ_WRITE: [HopSpec; 4] = [DISK_READ, INTO_USER, OUT_OF_USER, SOCKET_TO_NIC];

/// Page cache → NIC by gather DMA: no socket-buffer copy at all.
const SENDFILE: [HopSpec; 2] = [
    DISK_READ,
    hop(Place::PageCache, Place::Nic, CopyKind::Dma, HopRole::ToNic),
];

/// `write` copies straight out of the mapped page cache.
const MMAP: [HopSpec; 3] = [
    DISK_READ,
    hop(
        Place::PageCache,
        Place::SocketBuffer,
        CopyKind::Cpu,
        HopRole::FromMapping,
    ),
    SOCKET_TO_NIC,
];

/// splice moves page references through the pipe, never bytes: the same
/// two hops as sendfile (which runs over splice inside the kernel).
const SPLICE: [HopSpec; 2] = SENDFILE;

/// msg-zerocopy and io-uring, as designed for a NIC: one CPU copy into the
/// user buffer (`read`), then DMA straight from the pinned user pages.
const ZERO_COPY_SEND: [HopSpec; 3] = [
    DISK_READ,
    INTO_USER,
    hop(
        Place::UserBuffer,
        Place::Nic,
        CopyKind::Dma,
        HopRole::ZeroCopySend,
    ),
];

/// The variant for a NIC without scatter-gather DMA: the kernel must first
/// copy the pages into a socket buffer with the CPU (three copies, one of
/// them by the CPU). Shown as a note, never counted in a run.
pub const SENDFILE_WITHOUT_GATHER: [HopSpec; 3] = [
    DISK_READ,
    hop(
        Place::PageCache,
        Place::SocketBuffer,
        CopyKind::Cpu,
        HopRole::OutOfUser,
    ),
    SOCKET_TO_NIC,
];

/// The hops of `method`, in order, as the article draws them.
pub fn path(method: Method) -> &'static [HopSpec] {
    match method {
        Method::ReadWrite => &READ_WRITE,
        Method::Sendfile => &SENDFILE,
        Method::Mmap => &MMAP,
        Method::Splice => &SPLICE,
        Method::MsgZerocopy | Method::IoUring => &ZERO_COPY_SEND,
    }
}

/// The role of each hop of `method`'s path, in order (for diagrams).
pub fn roles(method: Method) -> Vec<HopRole> {
    path(method).iter().map(|h| h.role).collect()
}

/// What the model declares the article's count to be.
pub fn article_copies(method: Method) -> u32 {
    path(method).len() as u32
}

/// What the article says each unit of work costs in mode switches: 4 per
/// chunk (read + write) for the loop, 2 per call for sendfile. For the
/// methods the article does not cover, what the model expects per chunk:
/// mmap 2 (one write), splice 4 (two splices), msg-zerocopy 4 (read +
/// sendmsg, completions extra), io-uring 4 (read + io_uring_enter).
pub fn article_mode_switches(method: Method) -> u32 {
    match method {
        Method::ReadWrite => 4,
        Method::Sendfile => 2,
        Method::Mmap => 2,
        Method::Splice | Method::MsgZerocopy | Method::IoUring => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_counts() {
        assert_eq!(article_copies(Method::ReadWrite), 4);
        assert_eq!(article_copies(Method::Sendfile), 2);
    }

    /// The named hops reproduce the paths as they were spelled out hop by
    /// hop: the article's four and two copies, and the CPU's share.
    #[test]
    fn paths_hop_by_hop() {
        let places = |m| -> Vec<(Place, Place, CopyKind)> {
            path(m).iter().map(|h| (h.from, h.to, h.kind)).collect()
        };
        use CopyKind::{Cpu, Dma};
        use Place::*;
        assert_eq!(
            places(Method::ReadWrite),
            [
                (Disk, PageCache, Dma),
                (PageCache, UserBuffer, Cpu),
                (UserBuffer, SocketBuffer, Cpu),
                (SocketBuffer, Nic, Dma)
            ]
        );
        assert_eq!(
            places(Method::Sendfile),
            [(Disk, PageCache, Dma), (PageCache, Nic, Dma)]
        );
        assert_eq!(places(Method::Splice), places(Method::Sendfile));
        assert_eq!(
            places(Method::Mmap),
            [
                (Disk, PageCache, Dma),
                (PageCache, SocketBuffer, Cpu),
                (SocketBuffer, Nic, Dma)
            ]
        );
        assert_eq!(places(Method::IoUring), places(Method::MsgZerocopy));
        assert_eq!(
            places(Method::MsgZerocopy),
            [
                (Disk, PageCache, Dma),
                (PageCache, UserBuffer, Cpu),
                (UserBuffer, Nic, Dma)
            ]
        );
        assert_eq!(
            roles(Method::Mmap),
            [HopRole::DiskRead, HopRole::FromMapping, HopRole::ToNic]
        );
    }
}
