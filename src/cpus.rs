//! The CPUs this process may run on, and pinning the calling thread to one
//! of them (`sched_getaffinity`, `sched_setaffinity`).

use nix::libc::{CPU_ISSET, CPU_SET, CPU_SETSIZE, cpu_set_t, sched_getaffinity, sched_setaffinity};

const SET_BYTES: usize = std::mem::size_of::<cpu_set_t>();

/// The CPUs the calling thread may run on, in order (empty if the kernel
/// will not say).
pub fn allowed() -> Vec<usize> {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid cpu_set_t of SET_BYTES bytes; 0 = this thread.
    if unsafe { sched_getaffinity(0, SET_BYTES, &mut set) } != 0 {
        return Vec::new();
    }
    (0..CPU_SETSIZE as usize)
        // SAFETY: reading one bit of a valid set.
        .filter(|&c| unsafe { CPU_ISSET(c, &set) })
        .collect()
}

/// Pins the calling thread to `cpu`; false if the kernel refused.
pub fn pin_this_thread(cpu: usize) -> bool {
    allow_this_thread(&[cpu])
}

/// Lets the calling thread run on `cpus` only; false if the kernel refused.
pub fn allow_this_thread(cpus: &[usize]) -> bool {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus.iter().filter(|&&c| c < CPU_SETSIZE as usize) {
        // SAFETY: sets one bit (cpu < CPU_SETSIZE) of a valid set.
        unsafe { CPU_SET(cpu, &mut set) };
    }
    // SAFETY: a valid set of SET_BYTES bytes for this thread (0).
    unsafe { sched_setaffinity(0, SET_BYTES, &set) == 0 }
}
