//! Key-by-key input on a terminal, restored on every way out.
//!
//! While a [`RawMode`] guard lives, stdin is non-canonical, without echo
//! and without signals: Ctrl-C arrives as a key ([`Key::Interrupt`]) and is
//! handled as "quit", so the process never dies with the terminal left raw.
//! The guard's `Drop` restores the saved settings on quit, on error (the
//! guard drops while the error travels up) and on panic (unwinding).

use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::time::Duration;

use anyhow::Result;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

use crate::error::ContextT;
use crate::text::run as t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Space,
    Backspace,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Ctrl-C or Ctrl-D.
    Interrupt,
    Char(char),
    Other,
}

/// Both ends a person sits at are terminals: keys can be read and the
/// output is being watched.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// While alive, the terminal on stdin is in key-by-key mode.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    pub fn enter() -> Result<RawMode> {
        let stdin = std::io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd()).context_t(t::TERMINAL_SETTINGS, &[])?;
        let mut raw = saved.clone();
        raw.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG | LocalFlags::IEXTEN);
        raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSAFLUSH, &raw)
            .context_t(t::TERMINAL_RAW, &[])?;
        Ok(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing sensible is left to do if restoring fails; `reset` fixes
        // the terminal, and an error here would hide the real one.
        let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSAFLUSH, &self.saved);
        print!("\x1b[?25h");
    }
}

/// Blocks for one key press. Reads the fd one byte at a time (std's
/// buffered stdin would swallow keys typed ahead, and the tail of an escape
/// sequence, where `poll` can no longer see them); an escape sequence
/// (arrow keys) or a multi-byte UTF-8 character is read whole.
pub fn read_key() -> Result<Key> {
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let read_into = |buf: &mut [u8]| -> Result<usize> {
        loop {
            match nix::unistd::read(fd, buf) {
                Err(nix::errno::Errno::EINTR) => continue,
                other => return other.context_t(t::TERMINAL_KEY, &[]),
            }
        }
    };
    let mut first = [0u8; 1];
    if read_into(&mut first)? == 0 {
        return Ok(Key::Interrupt);
    }
    let more = match first[0] {
        // An arrow key sends ESC [ C at once; a lone ESC does not, so wait
        // only briefly for the rest.
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
    // PgUp/PgDn send ESC [ 5 ~ / ESC [ 6 ~: read the closing `~` too, so it
    // does not arrive as a key of its own.
    if buf.len() == 3 && buf[1] == b'[' && buf[2].is_ascii_digit() {
        let mut tail = [0u8; 1];
        for _ in 0..4 {
            if read_into(&mut tail)? == 0 {
                break;
            }
            buf.push(tail[0]);
            if tail[0] == b'~' {
                break;
            }
        }
    }
    if buf == [0x03] {
        CTRL_C.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(decode(&buf))
}

/// Set when Ctrl-C was read as a key: the command then quits cleanly as with
/// its quit key, but zclab exits with 130 like a process stopped by Ctrl-C
/// (the shell's convention), so scripts can tell it from a finished run.
static CTRL_C: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether Ctrl-C was pressed as a key during this run.
pub fn ctrl_c_pressed() -> bool {
    CTRL_C.load(std::sync::atomic::Ordering::SeqCst)
}

/// Waits up to `timeout` for a key; `Ok(None)` when none came.
pub fn read_key_timeout(timeout: Duration) -> Result<Option<Key>> {
    let stdin = std::io::stdin();
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    let ready = match poll(
        &mut fds,
        PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
    ) {
        Ok(n) => n,
        Err(nix::errno::Errno::EINTR) => 0,
        Err(e) => return Err(crate::error::wrap_t(e, t::TERMINAL_WAIT, &[])),
    };
    if ready == 0 {
        Ok(None)
    } else {
        read_key().map(Some)
    }
}

fn decode(bytes: &[u8]) -> Key {
    match bytes {
        [] => Key::Interrupt,
        [b'\r'] | [b'\n'] => Key::Enter,
        [b' '] => Key::Space,
        [0x7f] | [0x08] => Key::Backspace,
        [0x03] | [0x04] => Key::Interrupt,
        [0x1b, b'[', b'C', ..] => Key::Right,
        [0x1b, b'[', b'D', ..] => Key::Left,
        [0x1b, b'[', b'A', ..] => Key::Up,
        [0x1b, b'[', b'B', ..] => Key::Down,
        [0x1b, b'[', b'5', b'~'] => Key::PageUp,
        [0x1b, b'[', b'6', b'~'] => Key::PageDown,
        bytes => match std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.chars().next())
        {
            Some(c) if !c.is_control() => Key::Char(c),
            _ => Key::Other,
        },
    }
}

/// Clears the screen and moves the cursor home.
pub const CLEAR: &str = "\x1b[2J\x1b[H";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_keys() {
        assert_eq!(decode(b"\r"), Key::Enter);
        assert_eq!(decode(b" "), Key::Space);
        assert_eq!(decode(&[3]), Key::Interrupt);
        assert_eq!(decode(b"\x1b[C"), Key::Right);
        assert_eq!(decode(b"\x1b[B"), Key::Down);
        assert_eq!(decode(b"\x1b[6~"), Key::PageDown);
        assert_eq!(decode(b"\x1b[5~"), Key::PageUp);
        assert_eq!(decode(b"q"), Key::Char('q'));
        assert_eq!(decode("中".as_bytes()), Key::Char('中'));
        assert_eq!(decode(b"\x1b"), Key::Other);
    }
}
