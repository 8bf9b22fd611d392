//! Raw key reading on a terminal, with the terminal restored on every way
//! out: normal quit, error (the guard's `Drop` runs while the error unwinds
//! the stack) and Ctrl-C (echo and signals are off in raw mode, so Ctrl-C
//! arrives as a key and is handled as quit instead of killing the process
//! with the terminal left raw).

use std::os::fd::AsFd;

use anyhow::{Context, Result};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Space,
    Backspace,
    Left,
    Right,
    /// Ctrl-C or Ctrl-D.
    Interrupt,
    Char(char),
    Other,
}

/// While alive, the terminal on stdin is in non-canonical, no-echo,
/// no-signal mode. Output processing stays on, so `\n` still starts a line.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    pub fn enter() -> Result<RawMode> {
        let stdin = std::io::stdin();
        let saved =
            termios::tcgetattr(stdin.as_fd()).context("cannot read the terminal settings")?;
        let mut raw = saved.clone();
        raw.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG | LocalFlags::IEXTEN);
        raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSAFLUSH, &raw)
            .context("cannot switch the terminal to key-by-key input")?;
        Ok(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing sensible is left to do if restoring fails; the shell's
        // `reset` fixes it and the error would hide the real one.
        let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSAFLUSH, &self.saved);
        print!("\x1b[?25h");
    }
}

/// Blocks for one key press. Reads one byte at a time, so keys typed ahead
/// (or pasted) are taken one by one; an escape sequence (arrow keys) or a
/// multi-byte UTF-8 character is read whole.
pub fn read_key() -> Result<Key> {
    // Straight from the fd, not through std's buffered stdin: a buffer
    // would swallow the rest of an escape sequence, and `poll` on the fd
    // would then not see it.
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let read_into = |buf: &mut [u8]| -> Result<usize> {
        loop {
            match nix::unistd::read(fd, buf) {
                Err(nix::errno::Errno::EINTR) => continue,
                other => return other.context("cannot read a key from the terminal"),
            }
        }
    };
    let mut first = [0u8; 1];
    if read_into(&mut first)? == 0 {
        return Ok(Key::Interrupt);
    }
    let more = match first[0] {
        // ESC: an arrow key sends ESC [ C at once; a lone ESC does not, so
        // wait only briefly for the rest.
        0x1b => {
            let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
            if poll(&mut fds, PollTimeout::from(30u8)).unwrap_or(0) > 0 {
                2
            } else {
                0
            }
        }
        b if b >= 0xf0 => 3,
        b if b >= 0xe0 => 2,
        b if b >= 0xc0 => 1,
        _ => 0,
    };
    let mut buf = vec![first[0]];
    let mut rest = vec![0u8; more];
    let mut got = 0;
    while got < more {
        let n = read_into(&mut rest[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    buf.extend_from_slice(&rest[..got]);
    Ok(match buf.as_slice() {
        [b'\r'] | [b'\n'] => Key::Enter,
        [b' '] => Key::Space,
        [0x7f] | [0x08] => Key::Backspace,
        [0x03] | [0x04] => Key::Interrupt,
        [0x1b, b'[', b'C'] => Key::Right,
        [0x1b, b'[', b'D'] => Key::Left,
        bytes => match std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.chars().next())
        {
            Some(c) if !c.is_control() => Key::Char(c),
            _ => Key::Other,
        },
    })
}

pub const CLEAR: &str = "\x1b[2J\x1b[H";
