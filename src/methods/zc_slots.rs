//! User buffers for zero-copy sends, and the bookkeeping of which sends the
//! kernel has finished with.
//!
//! A zero-copy send pins the user pages and returns before the data has
//! left: the buffer must not be written again until the kernel's completion
//! notification for that send has arrived, or a NIC could transmit the new
//! bytes in place of the old. So the file is read into a ring of slots, and
//! a slot is reused only after every send that used it is complete. The ring
//! holds about 8 MiB (at least 2 slots), so on a healthy connection the
//! completions arrive long before a slot comes round again.
//!
//! Both zero-copy roads (msg-zerocopy, io-uring) hear about completions in
//! their own way ([`Notifications`]) and end a run the same way
//! ([`finish`]).

use std::collections::BTreeSet;

use super::{Observer, Tally, Transfer, TransferError};

/// About this many bytes of slots in the ring.
const RING_BYTES: usize = 8 << 20;

pub struct Slots {
    buf: Vec<u8>,
    slot_bytes: usize,
    /// For each slot, one past the highest send number that used it.
    last_send: Vec<u64>,
}

impl Slots {
    pub fn new(slot_bytes: usize) -> Slots {
        let count = (RING_BYTES / slot_bytes.max(1)).clamp(2, 16384);
        Slots {
            buf: vec![0u8; slot_bytes * count],
            slot_bytes,
            last_send: vec![0; count],
        }
    }

    pub fn count(&self) -> usize {
        self.last_send.len()
    }

    /// One past the last send number that used slot `i` (0: none).
    pub fn busy_until(&self, i: usize) -> u64 {
        self.last_send[i]
    }

    pub fn slot_mut(&mut self, i: usize) -> &mut [u8] {
        let start = i * self.slot_bytes;
        &mut self.buf[start..start + self.slot_bytes]
    }

    /// The start of slot `i` (for the kernel).
    pub fn slot_ptr(&self, i: usize) -> *const u8 {
        self.buf[i * self.slot_bytes..].as_ptr()
    }

    /// Records that send number `id` (0-based) used slot `i`.
    pub fn used_by(&mut self, i: usize, id: u64) {
        self.last_send[i] = self.last_send[i].max(id + 1);
    }
}

/// Which send numbers (0-based, in the order the kernel numbered them) are
/// complete.
#[derive(Default)]
pub struct Completed {
    /// Every send below this number is complete.
    below: u64,
    /// Complete sends at or above `below`, arrived out of order.
    ahead: BTreeSet<u64>,
}

impl Completed {
    /// Marks sends `lo..=hi` complete (a kernel range may cover several).
    pub fn add_range(&mut self, lo: u64, hi: u64) {
        for id in lo.max(self.below)..=hi {
            self.ahead.insert(id);
        }
        while self.ahead.remove(&self.below) {
            self.below += 1;
        }
    }

    /// Every send below `n` is complete.
    pub fn all_below(&self, n: u64) -> bool {
        self.below >= n
    }
}

/// Where a zero-copy road hears that the kernel is done with its sends:
/// the socket's error queue (msg-zerocopy) or the ring's notifications
/// (io-uring).
pub trait Notifications {
    /// The sends known to be complete so far.
    fn completed(&self) -> &Completed;

    /// One blocking wait for notifications: the calls it makes are
    /// observed and counted in `tally`, and what they report is added to
    /// [`Notifications::completed`].
    fn wait<O: Observer>(&mut self, observer: &mut O, tally: &mut Tally) -> anyhow::Result<()>;

    /// Waits until every send below number `n` is complete (before a slot
    /// is reused, and before the slots go at the end of the run).
    fn wait_below<O: Observer>(
        &mut self,
        n: u64,
        observer: &mut O,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        while !self.completed().all_below(n) {
            self.wait(observer, tally)?;
        }
        Ok(())
    }
}

/// The end of a zero-copy run that made `sends` sends: every one must be
/// reported complete before the buffers go, and a run that was not stopped
/// on purpose must have read the whole file.
pub fn finish<N: Notifications, O: Observer>(
    t: &Transfer<'_>,
    mut tally: Tally,
    notifications: &mut N,
    sends: u64,
    observer: &mut O,
) -> Result<Tally, TransferError> {
    if let Err(error) = notifications.wait_below(sends, observer, &mut tally) {
        return Err(TransferError { tally, error });
    }
    super::read_to_size(t, tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_in_any_order_and_ranges() {
        let mut c = Completed::default();
        assert!(c.all_below(0));
        assert!(!c.all_below(1));
        c.add_range(2, 3);
        assert!(!c.all_below(1));
        c.add_range(0, 0);
        assert!(c.all_below(1) && !c.all_below(2));
        c.add_range(1, 1);
        assert!(c.all_below(4) && !c.all_below(5));
        // A repeated range changes nothing.
        c.add_range(0, 3);
        assert!(c.all_below(4) && !c.all_below(5));
    }

    #[test]
    fn ring_sizes() {
        assert_eq!(Slots::new(4096).count(), 2048);
        assert_eq!(Slots::new(512).count(), 16384);
        assert_eq!(Slots::new(64 << 20).count(), 2);
        let mut s = Slots::new(1 << 20);
        assert_eq!(s.count(), 8);
        s.used_by(3, 7);
        s.used_by(3, 2);
        assert_eq!(s.busy_until(3), 8);
        assert_eq!(s.slot_mut(7).len(), 1 << 20);
    }
}
