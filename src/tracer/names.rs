//! System call numbers → names, and the groups a lesson about copies cares
//! about.
//!
//! The kernel reports a bare number plus the ABI it was made under
//! (`ptrace_syscall_info.arch`). A 64-bit process can still enter the kernel
//! through the 32-bit `int 0x80` gate, where the numbers mean something else
//! entirely (3 is `read` there, `close` on x86_64), so the ABI is part of the
//! key. The tables (`syscall_table.rs`, made by `src/tracer/gen-syscall-table.sh`) come
//! from the kernel's own syscall
//! tables.

use std::borrow::Cow;

use super::syscall_table;

/// `AUDIT_ARCH_X86_64` from `<linux/audit.h>`: the native 64-bit ABI.
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// `AUDIT_ARCH_I386`: the 32-bit compat ABI (`int 0x80`, 32-bit binaries).
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// x32 ABI calls are native calls with this bit set in the number.
const X32_SYSCALL_BIT: u64 = 0x4000_0000;

/// Which ABI a system call number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Abi {
    X86_64,
    X32,
    I386,
    /// Any other `AUDIT_ARCH_*` value: we have no table for it.
    Other(u32),
}

impl Abi {
    pub fn from_audit_arch(arch: u32, nr: u64) -> Abi {
        match arch {
            AUDIT_ARCH_X86_64 if nr & X32_SYSCALL_BIT != 0 => Abi::X32,
            AUDIT_ARCH_X86_64 => Abi::X86_64,
            AUDIT_ARCH_I386 => Abi::I386,
            other => Abi::Other(other),
        }
    }
}

/// The name of system call `nr` under `abi`: `read`, `i386:read`,
/// `x32:read`, or `syscall_451` when the table does not know the number
/// (a kernel newer than the table, or a deliberately bogus number).
pub fn syscall_name(abi: Abi, nr: u64) -> Cow<'static, str> {
    match abi {
        Abi::X86_64 => match lookup(&syscall_table::X86_64, nr) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(format!("syscall_{nr}")),
        },
        Abi::X32 => match lookup(&syscall_table::X86_64, nr & !X32_SYSCALL_BIT) {
            Some(name) => Cow::Owned(format!("x32:{name}")),
            None => Cow::Owned(format!("x32:syscall_{nr}")),
        },
        Abi::I386 => match lookup(&syscall_table::I386, nr) {
            Some(name) => Cow::Owned(format!("i386:{name}")),
            None => Cow::Owned(format!("i386:syscall_{nr}")),
        },
        Abi::Other(arch) => Cow::Owned(format!("arch_{arch:#x}:syscall_{nr}")),
    }
}

fn lookup(table: &'static [&'static str], nr: u64) -> Option<&'static str> {
    let name = *table.get(usize::try_from(nr).ok()?)?;
    (!name.is_empty()).then_some(name)
}

/// Families of system calls, ordered the way the report lists them: the
/// data-moving families first, `Other` last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SyscallGroup {
    /// read, pread64, readv, preadv, preadv2: kernel → user-space copies.
    Read,
    /// write, pwrite64, writev, pwritev, pwritev2: user-space → kernel copies.
    Write,
    /// sendto/sendmsg/sendmmsg/recvfrom/recvmsg/recvmmsg: socket copies.
    SendRecv,
    /// sendfile: file → socket inside the kernel, no user-space buffer.
    Sendfile,
    /// splice, tee, vmsplice: moving pages through a pipe.
    Splice,
    /// copy_file_range: file → file inside the kernel.
    CopyFileRange,
    /// mmap, munmap: mapping the page cache instead of copying it.
    Mmap,
    /// Everything else (open, close, fstat, futex, …).
    Other,
}

impl SyscallGroup {
    /// All groups in report order.
    pub const ALL: [SyscallGroup; 8] = [
        SyscallGroup::Read,
        SyscallGroup::Write,
        SyscallGroup::SendRecv,
        SyscallGroup::Sendfile,
        SyscallGroup::Splice,
        SyscallGroup::CopyFileRange,
        SyscallGroup::Mmap,
        SyscallGroup::Other,
    ];

    /// A stable identifier for JSON and tests.
    pub fn id(self) -> &'static str {
        match self {
            SyscallGroup::Read => "read-family",
            SyscallGroup::Write => "write-family",
            SyscallGroup::SendRecv => "send-recv",
            SyscallGroup::Sendfile => "sendfile",
            SyscallGroup::Splice => "splice-tee-vmsplice",
            SyscallGroup::CopyFileRange => "copy_file_range",
            SyscallGroup::Mmap => "mmap-munmap",
            SyscallGroup::Other => "other",
        }
    }

    /// Whether calls in this group move file or socket data (the rows a
    /// lesson about copies should make stand out).
    pub fn moves_data(self) -> bool {
        self != SyscallGroup::Other
    }
}

/// The group of a system call, by name. Compat-ABI names (`i386:read`) are
/// grouped like their native twins; `sendfile64` is the i386 spelling.
pub fn group_of(name: &str) -> SyscallGroup {
    let bare = name.rsplit(':').next().unwrap_or(name);
    match bare {
        "read" | "pread64" | "readv" | "preadv" | "preadv2" => SyscallGroup::Read,
        "write" | "pwrite64" | "writev" | "pwritev" | "pwritev2" => SyscallGroup::Write,
        "sendto" | "sendmsg" | "sendmmsg" | "recvfrom" | "recvmsg" | "recvmmsg" | "send"
        | "recv" => SyscallGroup::SendRecv,
        "sendfile" | "sendfile64" => SyscallGroup::Sendfile,
        "splice" | "tee" | "vmsplice" => SyscallGroup::Splice,
        "copy_file_range" => SyscallGroup::CopyFileRange,
        "mmap" | "mmap2" | "munmap" => SyscallGroup::Mmap,
        _ => SyscallGroup::Other,
    }
}

/// How to find the bytes a call moved once it has returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteRule {
    /// Not a data-moving call.
    None,
    /// The return value is the byte count (read, write, sendfile, …).
    Return,
    /// The mapping length, argument 2 (mmap, munmap): the return value of
    /// mmap is an address, of munmap zero.
    LengthArg,
    /// sendmmsg/recvmmsg return a message count; the bytes are in each
    /// `mmsghdr.msg_len` of the vector the first argument points to.
    MmsgVector,
}

pub(crate) fn byte_rule(abi: Abi, name: &str) -> ByteRule {
    let bare = name.rsplit(':').next().unwrap_or(name);
    match bare {
        // The `struct mmsghdr` layout we read is the x86_64 one.
        "sendmmsg" | "recvmmsg" if abi == Abi::X86_64 => ByteRule::MmsgVector,
        "sendmmsg" | "recvmmsg" => ByteRule::None,
        "mmap" | "mmap2" | "munmap" => ByteRule::LengthArg,
        _ if group_of(bare).moves_data() => ByteRule::Return,
        _ => ByteRule::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_and_compat_numbers_mean_different_calls() {
        assert_eq!(syscall_name(Abi::X86_64, 0), "read");
        assert_eq!(syscall_name(Abi::X86_64, 40), "sendfile");
        assert_eq!(syscall_name(Abi::I386, 3), "i386:read");
        assert_eq!(syscall_name(Abi::X86_64, 99_999), "syscall_99999");
    }

    #[test]
    fn generated_table_agrees_with_libc_numbers() {
        use nix::libc;
        for (nr, name) in [
            (libc::SYS_read, "read"),
            (libc::SYS_pwritev2, "pwritev2"),
            (libc::SYS_sendfile, "sendfile"),
            (libc::SYS_splice, "splice"),
            (libc::SYS_copy_file_range, "copy_file_range"),
            (libc::SYS_recvmmsg, "recvmmsg"),
            (libc::SYS_clone3, "clone3"),
            (libc::SYS_execve, "execve"),
        ] {
            assert_eq!(syscall_name(Abi::X86_64, nr as u64), name);
        }
    }

    #[test]
    fn groups_cover_the_data_moving_calls() {
        assert_eq!(group_of("pread64"), SyscallGroup::Read);
        assert_eq!(group_of("pwritev2"), SyscallGroup::Write);
        assert_eq!(group_of("recvmmsg"), SyscallGroup::SendRecv);
        assert_eq!(group_of("i386:sendfile64"), SyscallGroup::Sendfile);
        assert_eq!(group_of("vmsplice"), SyscallGroup::Splice);
        assert_eq!(group_of("copy_file_range"), SyscallGroup::CopyFileRange);
        assert_eq!(group_of("munmap"), SyscallGroup::Mmap);
        assert_eq!(group_of("openat"), SyscallGroup::Other);
        assert_eq!(byte_rule(Abi::X86_64, "mmap"), ByteRule::LengthArg);
        assert_eq!(byte_rule(Abi::X86_64, "sendmmsg"), ByteRule::MmsgVector);
        assert_eq!(byte_rule(Abi::X86_64, "close"), ByteRule::None);
    }
}
