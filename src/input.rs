//! Opening the user's file: read-only, refusing what zclab cannot measure
//! honestly (directories, FIFOs, devices, sockets) with an error that says
//! what to do instead.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nix::fcntl::{FcntlArg, OFlag, fcntl};

use crate::error;

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
            std::io::ErrorKind::NotFound => error::input(format!(
                "cannot open {shown}: no such file; check the path, or make a sample with `zclab sample --size 64MiB -o {shown}`"
            )),
            std::io::ErrorKind::PermissionDenied => error::input(format!(
                "cannot open {shown}: permission denied; zclab only needs to read it: check its mode (ls -l) or copy it somewhere readable"
            )),
            _ => error::input(format!("cannot open {shown}: {e}")),
        })?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot stat {shown}"))?;
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        Some("a directory")
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_char_device() {
        Some("a character device")
    } else if ft.is_block_device() {
        Some("a block device")
    } else if ft.is_socket() {
        Some("a socket")
    } else if !ft.is_file() {
        Some("not a regular file")
    } else {
        None
    };
    if let Some(what) = what {
        return Err(error::input(format!(
            "{shown} is {what}: zclab sends regular files; give a file, or make one with `zclab sample --size 64MiB -o sample.log`"
        )));
    }
    fcntl(&file, FcntlArg::F_SETFL(OFlag::empty()))
        .with_context(|| format!("cannot clear O_NONBLOCK on {shown}"))?;
    Ok(InputFile {
        path: path.to_path_buf(),
        file,
        size: meta.len(),
    })
}
