//! The consumer's byte check, off its critical path.
//!
//! Every byte a run delivers is checked against the file's CRC-32. Done on
//! the consumer thread, the CRC costs the consumer a tenth or more of its
//! time, and for sendfile the consumer is what limits the transfer: the
//! instrument would shrink the very effect it measures. So the consumer
//! only reads, into the slots of a small ring, and a checking thread
//! digests the slots behind it. The consumer waits only if the ring is full
//! (the CRC runs ten times faster than loopback TCP, so it hardly ever is)
//! and wakes the checker once every few slots, not once per read.
//!
//! The checker's CPU time is zclab's, not the consumer's: the consumer's
//! figures (`schedstat`, `/proc`) stay those of a plain `read()` loop.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::Thread;
use std::time::Duration;

/// Slots in the ring.
const SLOTS: usize = 32;
/// The consumer wakes the checker once per this many filled slots.
const WAKE_EVERY: u64 = 8;

/// One slot: a piece of the ring's buffer and how many of its bytes are
/// data.
struct Slot<'a> {
    buf: &'a mut [u8],
    len: usize,
}

/// The ring shared by the consumer (fills slots in order) and the checker
/// (digests them in the same order).
pub struct Ring<'a> {
    slots: Vec<Mutex<Slot<'a>>>,
    /// Slots filled so far (written by the consumer).
    filled: AtomicU64,
    /// Slots digested so far (written by the checker).
    digested: AtomicU64,
    /// The consumer has filled its last slot.
    done: AtomicBool,
    /// The consumer is waiting for a free slot.
    consumer_waiting: AtomicBool,
    checker: Mutex<Option<Thread>>,
    consumer: Mutex<Option<Thread>>,
}

/// The memory of a ring of slots of `slot_bytes` each, in one allocation
/// (large enough that the allocator maps it on its own: the same system
/// calls in every run, whichever thread allocates it).
pub fn ring_memory(slot_bytes: usize) -> Vec<u8> {
    vec![0u8; SLOTS * slot_bytes.max(1)]
}

impl<'a> Ring<'a> {
    /// A ring over `memory` (from [`ring_memory`]), cut into its slots.
    pub fn new(memory: &'a mut [u8]) -> Ring<'a> {
        let slot_bytes = (memory.len() / SLOTS).max(1);
        Ring {
            slots: memory
                .chunks_mut(slot_bytes)
                .take(SLOTS)
                .map(|buf| Mutex::new(Slot { buf, len: 0 }))
                .collect(),
            filled: AtomicU64::new(0),
            digested: AtomicU64::new(0),
            done: AtomicBool::new(false),
            consumer_waiting: AtomicBool::new(false),
            checker: Mutex::new(None),
            consumer: Mutex::new(None),
        }
    }

    fn wake(who: &Mutex<Option<Thread>>) {
        if let Some(t) = who.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            t.unpark();
        }
    }

    /// The checking thread's loop: digests every slot the consumer fills,
    /// in order, until the consumer is done; returns the CRC-32.
    pub fn check(&self) -> u32 {
        *self.checker.lock().unwrap_or_else(PoisonError::into_inner) = Some(std::thread::current());
        let mut hasher = crc32fast::Hasher::new();
        let mut next: u64 = 0;
        loop {
            if next < self.filled.load(Ordering::Acquire) {
                {
                    let slot = self.slots[next as usize % SLOTS]
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    hasher.update(&slot.buf[..slot.len]);
                }
                next += 1;
                self.digested.store(next, Ordering::Release);
                if self.consumer_waiting.load(Ordering::Acquire) {
                    Ring::wake(&self.consumer);
                }
                continue;
            }
            if self.done.load(Ordering::Acquire) && next == self.filled.load(Ordering::Acquire) {
                return hasher.finalize();
            }
            // Woken by the consumer every few slots and when it is done;
            // the timeout only guards against a lost wake-up.
            std::thread::park_timeout(Duration::from_millis(20));
        }
    }

    /// Fills the next slot with `fill` (on the consumer thread), which
    /// returns how many bytes it put in (0: end of stream, nothing to
    /// digest). Waits while every slot is still being digested.
    pub fn fill<E>(&self, fill: impl FnOnce(&mut [u8]) -> Result<usize, E>) -> Result<usize, E> {
        let filled = self.filled.load(Ordering::Relaxed);
        if filled - self.digested.load(Ordering::Acquire) >= SLOTS as u64 {
            *self.consumer.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(std::thread::current());
            self.consumer_waiting.store(true, Ordering::Release);
            Ring::wake(&self.checker);
            while filled - self.digested.load(Ordering::Acquire) >= SLOTS as u64 {
                std::thread::park_timeout(Duration::from_millis(1));
            }
            self.consumer_waiting.store(false, Ordering::Release);
        }
        let mut slot = self.slots[filled as usize % SLOTS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = fill(slot.buf)?;
        if n > 0 {
            slot.len = n;
            drop(slot);
            self.filled.store(filled + 1, Ordering::Release);
            if (filled + 1).is_multiple_of(WAKE_EVERY) {
                Ring::wake(&self.checker);
            }
        }
        Ok(n)
    }

    /// The consumer has filled its last slot: the checker finishes.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Release);
        Ring::wake(&self.checker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_every_byte_in_order_through_a_small_ring() {
        let data: Vec<u8> = (0..1_000_003u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let mut memory = ring_memory(1000);
        let ring = Ring::new(&mut memory);
        let crc = std::thread::scope(|s| {
            let checker = s.spawn(|| ring.check());
            let mut pos = 0;
            // Uneven pieces, as reads from a socket return them.
            let mut step = 1;
            loop {
                let n = ring
                    .fill(|buf| -> Result<usize, ()> {
                        let n = step.min(buf.len()).min(data.len() - pos);
                        buf[..n].copy_from_slice(&data[pos..pos + n]);
                        Ok(n)
                    })
                    .unwrap_or(0);
                if n == 0 {
                    break;
                }
                pos += n;
                step = step * 3 % 997 + 1;
            }
            ring.finish();
            checker.join().expect("checker")
        });
        assert_eq!(crc, crc32fast::hash(&data));
    }
}
