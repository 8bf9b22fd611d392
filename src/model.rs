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
    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match self {
            Place::Disk => lang.t("disk", "磁盘"),
            Place::PageCache => lang.t("page cache", "页缓存"),
            Place::UserBuffer => lang.t("user buffer", "用户缓冲区"),
            Place::SocketBuffer => lang.t("socket buffer", "Socket 缓冲区"),
            Place::Nic => lang.t("NIC", "网卡"),
        }
    }

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
    }
}

/// What the model declares the article's count to be.
pub fn article_copies(method: Method) -> u32 {
    path(method).len() as u32
}

/// What the article says each unit of work costs in mode switches: 4 per
/// chunk (read + write) for the loop, 2 per call for sendfile.
pub fn article_mode_switches(method: Method) -> u32 {
    match method {
        Method::ReadWrite => 4,
        Method::Sendfile => 2,
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
}

/// The hops of `method` for one run, each marked measured or modelled. A
/// run that sent nothing (an empty file) made no copy: no hops.
pub fn evaluate(method: Method, facts: &HopFacts) -> Vec<Hop> {
    if facts.file_bytes == 0 {
        return Vec::new();
    }
    path(method)
        .iter()
        .map(|spec| {
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
                HopRole::ToNic => (
                    Evidence::Modelled,
                    "loopback has no NIC: the kernel hands the data to the receiving socket instead; on a real NIC this is a DMA".to_string(),
                    None,
                ),
            };
            Hop { role: spec.role, from: spec.from, to: spec.to, kind: spec.kind, evidence, basis, bytes }
        })
        .collect()
}

/// The hops one system call of `method` causes, given what it returned
/// (`bytes`) and the sending thread's `read_bytes` delta across the call.
/// `read` fills the user buffer (and the page cache first, if it missed);
/// `write` empties it into the socket, which the NIC then sends; `sendfile`
/// hands page-cache pages to the NIC. A call that moved no bytes copies
/// nothing.
pub fn hops_of_call(method: Method, call: &str, bytes: u64, read_bytes: u64) -> Vec<Hop> {
    if bytes == 0 {
        return Vec::new();
    }
    let roles: &[HopRole] = match call {
        "read" => &[HopRole::DiskRead, HopRole::IntoUser],
        "write" => &[HopRole::OutOfUser, HopRole::ToNic],
        "sendfile" => &[HopRole::DiskRead, HopRole::ToNic],
        _ => &[],
    };
    let facts = HopFacts {
        bytes_into_user: bytes,
        bytes_out_of_user: bytes,
        read_bytes,
        file_bytes: bytes,
    };
    path(method)
        .iter()
        .zip(evaluate(method, &facts))
        .filter(|(spec, _)| roles.contains(&spec.role))
        // A warm page cache means no disk hop in this call at all.
        .filter(|(spec, _)| spec.role != HopRole::DiskRead || read_bytes > 0)
        .map(|(spec, mut hop)| {
            if spec.role == HopRole::ToNic {
                hop.bytes = Some(bytes);
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
}
