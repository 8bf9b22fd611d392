//! Opening the user's file: read-only, refusing what zclab cannot measure
//! honestly (directories, FIFOs, devices, sockets) with an error that says
//! what to do instead.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::Result;
use nix::fcntl::{FcntlArg, OFlag, fcntl};

use crate::error::{self, ContextT};
use crate::text::errors as t;

/// A regular file opened read-only, with the size it had when opened.
#[derive(Debug)]
pub struct InputFile {
    pub path: PathBuf,
    pub file: File,
    pub size: u64,
}

/// Opens `path` read-only. `O_NONBLOCK` keeps a FIFO from blocking the
/// open before we can see (with `fstat` on the open fd, so nothing can be
/// swapped in between) that it is not a regular file; the flag is cleared
/// again for the regular file we keep.
pub fn open_regular(path: &Path) -> Result<InputFile> {
    let shown = path.display();
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => error::input_t(t::NO_SUCH_FILE, &[("path", &shown)]),
            std::io::ErrorKind::PermissionDenied => {
                error::input_t(t::PERMISSION_DENIED, &[("path", &shown)])
            }
            _ => error::input_t(t::CANNOT_OPEN, &[("path", &shown), ("reason", &e)]),
        })?;
    let meta = file
        .metadata()
        .context_t(t::CANNOT_STAT, &[("path", &shown)])?;
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        Some(t::KIND_DIRECTORY)
    } else if ft.is_fifo() {
        Some(t::KIND_FIFO)
    } else if ft.is_char_device() {
        Some(t::KIND_CHAR_DEVICE)
    } else if ft.is_block_device() {
        Some(t::KIND_BLOCK_DEVICE)
    } else if ft.is_socket() {
        Some(t::KIND_SOCKET)
    } else if !ft.is_file() {
        Some(t::KIND_OTHER)
    } else {
        None
    };
    if let Some(what) = what {
        let what = error::Localized::new(what, &[]);
        return Err(anyhow::Error::new(
            error::Localized::around(t::NOT_REGULAR, "what", &what, &[("path", &shown)]).usage(),
        ));
    }
    fcntl(&file, FcntlArg::F_SETFL(OFlag::empty()))
        .context_t(crate::text::run::CLEAR_NONBLOCK, &[("path", &shown)])?;
    Ok(InputFile {
        path: path.to_path_buf(),
        file,
        size: meta.len(),
    })
}
