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
//!
//! The places, kinds and roles are here; each method's declared path is in
//! `paths`, and how one run's counters back each hop in `evidence`.

use serde::Serialize;

mod evidence;
mod paths;

pub use evidence::{HopFacts, count_kinds, evaluate, hops_of_call, zerocopy_code};
pub use paths::{SENDFILE_WITHOUT_GATHER, article_copies, article_mode_switches, path, roles};

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
