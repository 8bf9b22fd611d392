//! The copy model: each method's data path as hops between places, each
//! hop done by the CPU or by DMA, and for each hop whether this run measured
//! it or zclab models it.
//!
//! This is the one place that says what a copy is. The table, the JSON,
//! `trace` and the lessons all take their hops from here.
//!
//! The article counts four copies for read + write (disk → page cache →
//! user buffer → socket buffer → NIC) and two for sendfile (disk → page
//! cache → NIC, with a gather-capable NIC). What a run on loopback can prove:
//! the CPU copies through user space (our own byte counts), and the disk
//! hop when the file was not cached (`read_bytes`). What it cannot: the NIC
//! hop, because loopback has no NIC.

use serde::Serialize;

use crate::methods::Method;

/// Where data sits on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Disk,
    PageCache,
    UserBuffer,
    SocketBuffer,
    Nic,
}

impl Place {
    /// Whether the place is in kernel space (for diagrams).
    pub fn in_kernel(self) -> bool {
        !matches!(self, Place::UserBuffer)
    }
}

/// Who moves the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyKind {
    /// The CPU copies byte by byte (`copy_to_user`, `copy_from_user`).
    Cpu,
    /// A device copies while the CPU does other work.
    Dma,
}

/// Whether a hop's occurrence in this run is backed by a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    Measured,
    Modelled,
}

/// Why a hop happens, which decides how it can be evidenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopRole {
    /// Disk → page cache: shows in `read_bytes` when the file was not cached.
    DiskRead,
    /// Page cache → user buffer: the bytes `read()` returned.
    IntoUser,
    /// User buffer → socket buffer: the bytes `write()` accepted.
    OutOfUser,
    /// Socket buffer → NIC, or page cache → NIC by gather DMA.
    ToNic,
    /// Mapped page cache → socket buffer: the bytes `write()` copied out of
    /// an `mmap`ed file (method mmap).
    FromMapping,
    /// User buffer → NIC by DMA from pinned pages, a zero-copy send
    /// (msg-zerocopy, io-uring). When the kernel reports it copied after
    /// all, the run shows a CPU copy user buffer → socket buffer instead.
    ZeroCopySend,
}

/// One hop of a method's path, as the model declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HopSpec {
    pub from: Place,
    pub to: Place,
    pub kind: CopyKind,
    pub role: HopRole,
}

const fn hop(from: Place, to: Place, kind: CopyKind, role: HopRole) -> HopSpec {
    HopSpec {
        from,
        to,
        kind,
        role,
    }
}

const READ_WRITE: [HopSpec; 4] = [
    hop(
        Place::Disk,
        Place::PageCache,
        CopyKind::Dma,
        HopRole::DiskRead,
    ),
    hop(
        Place::PageCache,
        Place::UserBuffer,
        CopyKind::Cpu,
        HopRole::IntoUser,
    ),
    hop(
        Place::UserBuffer,
        Place::SocketBuffer,
        CopyKind::Cpu,
        HopRole::OutOfUser,
    ),
    hop(
        Place::SocketBuffer,
        Place::Nic,
        CopyKind::Dma,
        HopRole::ToNic,
    ),
];

const SENDFILE: [HopSpec; 2] = [
    hop(
        Place::Disk,
        Place::PageCache,
        CopyKind::Dma,
        HopRole::DiskRead,
    ),
    hop(Place::PageCache, Place::Nic, CopyKind::Dma, HopRole::ToNic),
];

const MMAP: [HopSpec; 3] = [
    hop(
        Place::Disk,
        Place::PageCache,
        CopyKind::Dma,
        HopRole::DiskRead,
    ),
    hop(
        Place::PageCache,
        Place::SocketBuffer,
        CopyKind::Cpu,
        HopRole::FromMapping,
    ),
    hop(
        Place::SocketBuffer,
        Place::Nic,
        CopyKind::Dma,
        HopRole::ToNic,
    ),
];

/// splice moves page references through the pipe, never bytes: the same
/// two hops as sendfile (which runs over splice inside the kernel).
const SPLICE: [HopSpec; 2] = SENDFILE;

/// msg-zerocopy and io-uring, as designed for a NIC: one CPU copy into the
/// user buffer (`read`), then DMA straight from the pinned user pages.
const ZERO_COPY_SEND: [HopSpec; 3] = [
    hop(
        Place::Disk,
        Place::PageCache,
        CopyKind::Dma,
        HopRole::DiskRead,
    ),
    hop(
        Place::PageCache,
        Place::UserBuffer,
        CopyKind::Cpu,
        HopRole::IntoUser,
    ),
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
    hop(
        Place::Disk,
        Place::PageCache,
        CopyKind::Dma,
        HopRole::DiskRead,
    ),
    hop(
        Place::PageCache,
        Place::SocketBuffer,
        CopyKind::Cpu,
        HopRole::OutOfUser,
    ),
    hop(
        Place::SocketBuffer,
        Place::Nic,
        CopyKind::Dma,
        HopRole::ToNic,
    ),
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

/// A hop with the evidence of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// Which hop of the path this is (for diagrams; not in JSON).
    #[serde(skip)]
    pub role: HopRole,
    pub from: Place,
    pub to: Place,
    pub kind: CopyKind,
    pub evidence: Evidence,
    /// The counter behind a measured hop, or why it is modelled.
    pub basis: String,
    /// Bytes moved by this hop in the run, when a counter says so.
    pub bytes: Option<u64>,
}

/// What the hops are judged by.
#[derive(Clone, Copy, Debug, Default)]
pub struct HopFacts {
    pub bytes_into_user: u64,
    pub bytes_out_of_user: u64,
    /// `read_bytes` of the sending thread in the run.
    pub read_bytes: u64,
    pub file_bytes: u64,
    /// Zero-copy sends the kernel accepted, and how many of them it
    /// reports it copied after all (from the completion notifications).
    pub zc_sent: u64,
    pub zc_copied: u64,
    /// Which notification carried the copy report: `SO_EE_CODE_ZEROCOPY_COPIED`
    /// (msg-zerocopy) or `IORING_NOTIF_USAGE_ZC_COPIED` (io-uring).
    pub zc_code: &'static str,
}

/// The completion flag that reports a zero-copy send copied after all, by
/// its kernel name (empty for methods that make no zero-copy send).
pub fn zerocopy_code(method: Method) -> &'static str {
    match method {
        Method::MsgZerocopy => "SO_EE_CODE_ZEROCOPY_COPIED",
        Method::IoUring => "IORING_NOTIF_USAGE_ZC_COPIED",
        _ => "",
    }
}

/// The hops of `method` for one run, each marked measured or modelled.
/// A zero-copy send that the kernel reports it copied becomes two hops: a
/// CPU copy user buffer → socket buffer (measured, by the completion codes)
/// and the DMA to the NIC (modelled). A run that sent nothing (an empty
/// file) made no copy: no hops.
pub fn evaluate(method: Method, facts: &HopFacts) -> Vec<Hop> {
    if facts.file_bytes == 0 {
        return Vec::new();
    }
    let mut hops = Vec::new();
    for spec in path(method) {
        let (evidence, basis, bytes) = match spec.role {
            HopRole::DiskRead if facts.read_bytes > 0 => (
                Evidence::Measured,
                "read_bytes in /proc/<pid>/task/<tid>/io (page-cache misses read from the block device)".to_string(),
                Some(facts.read_bytes),
            ),
            HopRole::DiskRead => (
                Evidence::Modelled,
                "the file was already in the page cache: read_bytes +0 in this run, so this hop happened earlier (when the file was written or first read)".to_string(),
                None,
            ),
            HopRole::IntoUser => (
                Evidence::Measured,
                "zclab's own count of the bytes read() put into its user buffer".to_string(),
                Some(facts.bytes_into_user),
            ),
            HopRole::OutOfUser => (
                Evidence::Measured,
                "zclab's own count of the bytes write() took from its user buffer".to_string(),
                Some(facts.bytes_out_of_user),
            ),
            HopRole::FromMapping => (
                Evidence::Measured,
                "zclab's own count of the bytes write() copied out of the mapped file (the page cache itself, mapped into zclab's memory; no user buffer)".to_string(),
                Some(facts.bytes_out_of_user),
            ),
            HopRole::ToNic => (
                Evidence::Modelled,
                "loopback has no NIC: the kernel hands the data to the receiving socket instead; on a real NIC this is a DMA".to_string(),
                None,
            ),
            HopRole::ZeroCopySend if facts.zc_sent > 0 && facts.zc_copied > 0 => {
                hops.push(Hop {
                    role: HopRole::OutOfUser,
                    from: Place::UserBuffer,
                    to: Place::SocketBuffer,
                    kind: CopyKind::Cpu,
                    evidence: Evidence::Measured,
                    basis: format!(
                        "the kernel's completion notifications ({}): it says it copied {} of {} sends, so the zero-copy send became a CPU copy (always so on loopback)",
                        facts.zc_code, facts.zc_copied, facts.zc_sent
                    ),
                    bytes: None,
                });
                hops.push(Hop {
                    role: HopRole::ToNic,
                    from: Place::SocketBuffer,
                    to: Place::Nic,
                    kind: CopyKind::Dma,
                    evidence: Evidence::Modelled,
                    basis: "loopback has no NIC: the kernel hands the data to the receiving socket instead; on a real NIC this is a DMA".to_string(),
                    bytes: None,
                });
                continue;
            }
            HopRole::ZeroCopySend if facts.zc_sent > 0 => (
                Evidence::Measured,
                format!(
                    "the kernel's completion notifications ({} not set): none of {} sends was copied, the NIC took the data from the pinned user pages",
                    facts.zc_code, facts.zc_sent
                ),
                None,
            ),
            // A walk's step, before the kernel has said anything.
            HopRole::ZeroCopySend => (
                Evidence::Modelled,
                "a zero-copy send: on a NIC, DMA from the pinned user pages; whether the kernel copied instead, it reports later in a completion".to_string(),
                None,
            ),
        };
        hops.push(Hop {
            role: spec.role,
            from: spec.from,
            to: spec.to,
            kind: spec.kind,
            evidence,
            basis,
            bytes,
        });
    }
    hops
}

/// The hops one system call of `method` causes, given its data role
/// ([`crate::methods::Call::data_role`]: `read`, `write`, `write_mapped`,
/// `sendfile`, `splice_in`, `splice_out`, `send_zc`), what it returned
/// (`bytes`) and the sending thread's `read_bytes` delta across the call.
/// `read` fills the user buffer (and the page cache first, if it missed);
/// `write` empties it into the socket, which the NIC then sends; `sendfile`
/// hands page-cache pages to the NIC; `splice_in` only puts page references
/// into a pipe (no copy, but the page cache is filled first if it missed);
/// a zero-copy send lets the NIC take the user pages (whether the kernel
/// copied instead is known only later, from its completion). A call that
/// moved no bytes copies nothing.
pub fn hops_of_call(method: Method, role: &str, bytes: u64, read_bytes: u64) -> Vec<Hop> {
    if bytes == 0 {
        return Vec::new();
    }
    let roles: &[HopRole] = match role {
        "read" => &[HopRole::DiskRead, HopRole::IntoUser],
        "write" => &[HopRole::OutOfUser, HopRole::ToNic],
        "write_mapped" => &[HopRole::DiskRead, HopRole::FromMapping, HopRole::ToNic],
        "sendfile" => &[HopRole::DiskRead, HopRole::ToNic],
        "splice_in" => &[HopRole::DiskRead],
        "splice_out" => &[HopRole::ToNic],
        "send_zc" => &[HopRole::ZeroCopySend],
        _ => &[],
    };
    let facts = HopFacts {
        bytes_into_user: bytes,
        bytes_out_of_user: bytes,
        read_bytes,
        file_bytes: bytes,
        ..HopFacts::default()
    };
    evaluate(method, &facts)
        .into_iter()
        .filter(|hop| roles.contains(&hop.role))
        // A warm page cache means no disk hop in this call at all.
        .filter(|hop| hop.role != HopRole::DiskRead || read_bytes > 0)
        .map(|mut hop| {
            if matches!(hop.role, HopRole::ToNic | HopRole::ZeroCopySend) {
                hop.bytes = Some(bytes);
            }
            if hop.role == HopRole::ZeroCopySend {
                hop.basis = "a zero-copy send: on a NIC, DMA from the pinned user pages; whether the kernel copied instead, it reports later in a completion".to_string();
            }
            hop
        })
        .collect()
}

/// The role of each hop of `method`'s path, in order (for diagrams).
pub fn roles(method: Method) -> Vec<HopRole> {
    path(method).iter().map(|h| h.role).collect()
}

/// CPU and DMA copies in a path.
pub fn count_kinds(hops: &[Hop]) -> (u32, u32) {
    let cpu = hops.iter().filter(|h| h.kind == CopyKind::Cpu).count() as u32;
    (cpu, hops.len() as u32 - cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_counts() {
        assert_eq!(article_copies(Method::ReadWrite), 4);
        assert_eq!(article_copies(Method::Sendfile), 2);
    }

    #[test]
    fn warm_run_models_disk_and_nic() {
        let facts = HopFacts {
            bytes_into_user: 10,
            bytes_out_of_user: 10,
            read_bytes: 0,
            file_bytes: 10,
            ..HopFacts::default()
        };
        let hops = evaluate(Method::ReadWrite, &facts);
        let ev: Vec<_> = hops.iter().map(|h| h.evidence).collect();
        assert_eq!(
            ev,
            [
                Evidence::Modelled,
                Evidence::Measured,
                Evidence::Measured,
                Evidence::Modelled
            ]
        );
        assert_eq!(count_kinds(&hops), (2, 2));
        let cold = evaluate(
            Method::Sendfile,
            &HopFacts {
                read_bytes: 4096,
                ..facts
            },
        );
        assert_eq!(cold[0].evidence, Evidence::Measured);
        assert_eq!(cold[0].bytes, Some(4096));
        assert_eq!(count_kinds(&cold), (0, 2));
    }

    #[test]
    fn nothing_sent_no_hops() {
        let facts = HopFacts::default();
        assert!(evaluate(Method::ReadWrite, &facts).is_empty());
        assert!(evaluate(Method::Sendfile, &facts).is_empty());
    }

    #[test]
    fn hops_of_each_call() {
        let kinds = |m, c, b, rb| -> Vec<(Place, Place, CopyKind)> {
            hops_of_call(m, c, b, rb)
                .iter()
                .map(|h| (h.from, h.to, h.kind))
                .collect()
        };
        assert_eq!(
            kinds(Method::ReadWrite, "read", 4096, 0),
            [(Place::PageCache, Place::UserBuffer, CopyKind::Cpu)]
        );
        assert_eq!(kinds(Method::ReadWrite, "read", 0, 0), []);
        assert_eq!(kinds(Method::ReadWrite, "read", 4096, 4096).len(), 2);
        assert_eq!(
            kinds(Method::ReadWrite, "write", 10, 0),
            [
                (Place::UserBuffer, Place::SocketBuffer, CopyKind::Cpu),
                (Place::SocketBuffer, Place::Nic, CopyKind::Dma)
            ]
        );
        assert_eq!(
            kinds(Method::Sendfile, "sendfile", 10, 0),
            [(Place::PageCache, Place::Nic, CopyKind::Dma)]
        );
        let nic = hops_of_call(Method::Sendfile, "sendfile", 10, 0);
        assert_eq!(nic[0].evidence, Evidence::Modelled);
        assert_eq!(nic[0].bytes, Some(10));
    }

    #[test]
    fn other_roads_hops() {
        let facts = HopFacts {
            bytes_out_of_user: 100,
            file_bytes: 100,
            ..HopFacts::default()
        };
        let mmap = evaluate(Method::Mmap, &facts);
        assert_eq!(count_kinds(&mmap), (1, 2));
        assert_eq!(mmap[1].role, HopRole::FromMapping);
        assert_eq!(
            (mmap[1].from, mmap[1].to, mmap[1].evidence, mmap[1].bytes),
            (
                Place::PageCache,
                Place::SocketBuffer,
                Evidence::Measured,
                Some(100)
            )
        );
        assert_eq!(count_kinds(&evaluate(Method::Splice, &facts)), (0, 2));

        // Loopback: the kernel says it copied every send.
        let copied = HopFacts {
            bytes_into_user: 100,
            zc_sent: 4,
            zc_copied: 4,
            zc_code: zerocopy_code(Method::MsgZerocopy),
            ..facts
        };
        let hops = evaluate(Method::MsgZerocopy, &copied);
        let path: Vec<_> = hops
            .iter()
            .map(|h| (h.from, h.to, h.kind, h.evidence))
            .collect();
        assert_eq!(
            path,
            [
                (
                    Place::Disk,
                    Place::PageCache,
                    CopyKind::Dma,
                    Evidence::Modelled
                ),
                (
                    Place::PageCache,
                    Place::UserBuffer,
                    CopyKind::Cpu,
                    Evidence::Measured
                ),
                (
                    Place::UserBuffer,
                    Place::SocketBuffer,
                    CopyKind::Cpu,
                    Evidence::Measured
                ),
                (
                    Place::SocketBuffer,
                    Place::Nic,
                    CopyKind::Dma,
                    Evidence::Modelled
                ),
            ]
        );
        assert!(
            hops[2].basis.contains("copied 4 of 4 sends"),
            "{}",
            hops[2].basis
        );
        assert!(hops[2].basis.contains("SO_EE_CODE_ZEROCOPY_COPIED"));
        // A NIC that took the pages: the zero-copy hop itself is measured.
        let zero = evaluate(
            Method::IoUring,
            &HopFacts {
                zc_copied: 0,
                ..copied
            },
        );
        assert_eq!(count_kinds(&zero), (1, 2));
        assert_eq!(
            (zero[2].from, zero[2].to, zero[2].evidence),
            (Place::UserBuffer, Place::Nic, Evidence::Measured)
        );
        // No send at all (an empty file): no copies.
        assert!(evaluate(Method::IoUring, &HopFacts::default()).is_empty());
    }

    #[test]
    fn hops_of_the_other_roads_calls() {
        let kinds = |m, c, b, rb| -> Vec<(Place, Place, CopyKind)> {
            hops_of_call(m, c, b, rb)
                .iter()
                .map(|h| (h.from, h.to, h.kind))
                .collect()
        };
        assert_eq!(
            kinds(Method::Mmap, "write_mapped", 10, 0),
            [
                (Place::PageCache, Place::SocketBuffer, CopyKind::Cpu),
                (Place::SocketBuffer, Place::Nic, CopyKind::Dma)
            ]
        );
        assert_eq!(kinds(Method::Mmap, "write_mapped", 10, 4096).len(), 3);
        assert_eq!(kinds(Method::Splice, "splice_in", 10, 0), []);
        assert_eq!(
            kinds(Method::Splice, "splice_in", 10, 4096),
            [(Place::Disk, Place::PageCache, CopyKind::Dma)]
        );
        assert_eq!(
            kinds(Method::Splice, "splice_out", 10, 0),
            [(Place::PageCache, Place::Nic, CopyKind::Dma)]
        );
        assert_eq!(
            kinds(Method::MsgZerocopy, "send_zc", 10, 0),
            [(Place::UserBuffer, Place::Nic, CopyKind::Dma)]
        );
        assert_eq!(kinds(Method::IoUring, "none", 10, 0), []);
        assert_eq!(
            kinds(Method::IoUring, "read", 10, 0),
            [(Place::PageCache, Place::UserBuffer, CopyKind::Cpu)]
        );
    }
}
