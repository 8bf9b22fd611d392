//! One run's evidence for each hop of a method's path: which hops a
//! counter backs (measured, with the bytes it saw) and which zclab models,
//! for a whole run ([`evaluate`]) and for one system call
//! ([`hops_of_call`], what `trace` shows step by step).

use super::{CopyKind, Evidence, Hop, HopRole, Place, path};
use crate::methods::Method;

/// Why the hop to the NIC is always modelled here.
const LOOPBACK_NIC: &str = "loopback has no NIC: the kernel hands the data to the receiving socket instead; on a real NIC this is a DMA";

/// A zero-copy send before the kernel has reported on it.
const ZERO_COPY_SEND: &str = "a zero-copy send: on a NIC, DMA from the pinned user pages; whether the kernel copied instead, it reports later in a completion";

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
                LOOPBACK_NIC.to_string(),
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
                    basis: LOOPBACK_NIC.to_string(),
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
                ZERO_COPY_SEND.to_string(),
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
                hop.basis = ZERO_COPY_SEND.to_string();
            }
            hop
        })
        .collect()
}

/// CPU and DMA copies in a path.
pub fn count_kinds(hops: &[Hop]) -> (u32, u32) {
    let cpu = hops.iter().filter(|h| h.kind == CopyKind::Cpu).count() as u32;
    (cpu, hops.len() as u32 - cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hops one call causes, as (from, to, who copies).
    fn kinds(m: Method, call: &str, bytes: u64, read_bytes: u64) -> Vec<(Place, Place, CopyKind)> {
        hops_of_call(m, call, bytes, read_bytes)
            .iter()
            .map(|h| (h.from, h.to, h.kind))
            .collect()
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
