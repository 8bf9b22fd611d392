//! One client connection: frames in, answers out, in order.
//!
//! A frame is an int32 length and that many bytes; a length over the limit
//! (Kafka's `socket.request.max.bytes`), a truncated frame or a request
//! that does not decode closes this connection only, with a logged reason.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::Result;
use nix::errno::Errno;

use super::fetch::Counting;
use super::{Event, Shared, TICK, WRITE_TIMEOUT};
use crate::error::{Localized, fail_t};
use crate::kafka::wire::{self, Refusal, Request, Writer};
use crate::lang::Lang;
use crate::methods::{Call, Observer};
use crate::text::kafka as t;

/// A produced partition: topic, partition, and where its records sit in
/// the frame (start, length).
pub(super) type ProducedPart = (String, i32, Option<(usize, usize)>);

pub(super) struct Connection {
    pub(super) stream: TcpStream,
    peer: SocketAddr,
    pub(super) shared: Arc<Shared>,
    pub(super) client_id: String,
    /// read-write's own file handles, and where each one's position is.
    pub(super) files: HashMap<PathBuf, (File, u64)>,
    pub(super) buf: Vec<u8>,
    pub(super) tid: i32,
}

impl Connection {
    pub(super) fn new(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) -> Connection {
        Connection {
            stream,
            peer,
            shared,
            client_id: String::new(),
            files: HashMap::new(),
            buf: Vec::new(),
            tid: nix::unistd::gettid().as_raw(),
        }
    }

    pub(super) fn client(&self) -> String {
        if self.client_id.is_empty() {
            self.peer.to_string()
        } else {
            format!("{} ({})", self.peer, self.client_id)
        }
    }

    pub(super) fn refuse(&self, why: Localized, closed: bool) {
        self.shared.emit(Event::Refused {
            client: self.client(),
            why,
            closed,
        });
    }

    pub(super) fn serve(mut self) {
        let _ = self.stream.set_nonblocking(false);
        let _ = self.stream.set_read_timeout(Some(TICK));
        let _ = self.stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = self.stream.set_nodelay(true);
        self.shared.emit(Event::Connected {
            client: self.client(),
            tid: self.tid,
        });
        let mut frame = Vec::new();
        while self.read_frame(&mut frame) {
            match self.handle(&mut frame) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    let why = Localized {
                        en: crate::error::message(&e, Lang::En),
                        zh: crate::error::message(&e, Lang::Zh),
                        usage: false,
                    };
                    self.refuse(why, true);
                    return;
                }
            }
        }
    }

    /// Reads the next frame into `frame`; `false` when the connection ends
    /// (closed, stopping, or a frame refused).
    fn read_frame(&mut self, frame: &mut Vec<u8>) -> bool {
        let mut len = [0u8; 4];
        match self.read_full(&mut len, true) {
            Ok(true) => {}
            Ok(false) => return false, // closed between requests, or stopping
            Err(e) => {
                self.refuse(
                    Localized::around(t::CONNECTION_ERROR, "reason", &Localized::io(&e), &[]),
                    true,
                );
                return false;
            }
        }
        let size = i32::from_be_bytes(len);
        if size < 0 || size as usize > self.shared.config.max_frame_bytes {
            self.refuse(
                Localized::new(
                    t::FRAME_TOO_LARGE,
                    &[
                        ("size", &size),
                        ("limit", &self.shared.config.max_frame_bytes),
                    ],
                ),
                true,
            );
            return false;
        }
        // Grow as the bytes arrive, so a lying length costs no memory.
        frame.clear();
        let mut left = size as usize;
        while left > 0 {
            let chunk = left.min(1 << 20);
            let at = frame.len();
            frame.resize(at + chunk, 0);
            match self.read_full(&mut frame[at..], false) {
                Ok(true) => left -= chunk,
                Ok(false) => return false,
                Err(e) => {
                    self.refuse(
                        Localized::around(
                            t::FRAME_TRUNCATED,
                            "reason",
                            &Localized::io(&e),
                            &[("at", &at), ("size", &size)],
                        ),
                        true,
                    );
                    return false;
                }
            }
        }
        true
    }

    /// Fills `buf`. `Ok(false)`: the peer closed before the first byte (when
    /// `at_boundary`) or the broker is stopping.
    fn read_full(&mut self, buf: &mut [u8], at_boundary: bool) -> io::Result<bool> {
        let mut got = 0;
        while got < buf.len() {
            if self.shared.stop.load(Ordering::SeqCst) {
                return Ok(false);
            }
            match self.stream.read(&mut buf[got..]) {
                Ok(0) if got == 0 && at_boundary => return Ok(false),
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        Localized::new(t::CLOSED_MID_FRAME, &[]),
                    ));
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset && got == 0 && at_boundary => {
                    return Ok(false);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    pub(super) fn write_all_mem(&mut self, bytes: &[u8], obs: &mut Counting) -> Result<()> {
        write_all_counted(&self.stream, bytes, obs)
    }

    /// Serves one frame. `Ok(false)` closes the connection.
    fn handle(&mut self, frame: &mut [u8]) -> Result<bool> {
        let (header, request) = match wire::decode(frame) {
            Ok(x) => x,
            Err(Refusal::ApiVersionsFallback { correlation_id }) => {
                let body = wire::api_versions_response(0, wire::UNSUPPORTED_VERSION);
                let mut obs = Counting::default();
                self.write_all_mem(&wire::frame(correlation_id, &body), &mut obs)?;
                return Ok(true);
            }
            Err(Refusal::Close(why)) => {
                self.refuse(
                    Localized::around(t::BAD_REQUEST, "why", &why.localized(), &[]),
                    true,
                );
                return Ok(false);
            }
        };
        if let Some(id) = &header.client_id
            && self.client_id.is_empty()
        {
            self.client_id = id.chars().take(64).collect();
        }
        let v = header.api_version;
        let corr = header.correlation_id;
        let body = match request {
            Request::ApiVersions => wire::api_versions_response(v, wire::NONE),
            Request::Metadata(m) => self.metadata(v, m)?,
            Request::InitProducerId => {
                let mut w = Writer::default();
                w.i32(0).i16(wire::NONE).i64(1).i16(0);
                w.buf
            }
            Request::ListOffsets(topics) => self.list_offsets(v, topics),
            Request::Produce(p) => {
                let acks = p.acks;
                // Where each partition's records sit in the frame, so the
                // offsets can be written in place once the borrow ends.
                let base = frame.as_ptr() as usize;
                let parts: Vec<ProducedPart> = p
                    .topics
                    .iter()
                    .flat_map(|t| {
                        t.partitions.iter().map(move |pp| {
                            (
                                t.name.clone(),
                                pp.index,
                                pp.records.map(|r| (r.as_ptr() as usize - base, r.len())),
                            )
                        })
                    })
                    .collect();
                let body = self.produce(v, frame, parts);
                if acks == 0 {
                    return Ok(true);
                }
                body
            }
            Request::Fetch(f) => {
                self.fetch(v, corr, f)?;
                return Ok(true);
            }
        };
        let mut obs = Counting::default();
        self.write_all_mem(&wire::frame(corr, &body), &mut obs)?;
        Ok(true)
    }
}

/// Writes all of `bytes` to `stream` with `write(2)`, every call seen by
/// `obs`: the response headers, and read-write's chunks of records.
pub(super) fn write_all_counted(
    stream: &TcpStream,
    bytes: &[u8],
    obs: &mut Counting,
) -> Result<()> {
    let mut done = 0;
    while done < bytes.len() {
        let call = Call::Write {
            fd: stream.as_raw_fd(),
            len: bytes.len() - done,
        };
        obs.before(&call);
        let r = nix::unistd::write(stream.as_fd(), &bytes[done..]);
        obs.after(&call, r);
        match r {
            Ok(0) => return Err(fail_t(t::CLIENT_WRITE_ZERO, &[])),
            Ok(n) => done += n,
            Err(Errno::EINTR) => {}
            Err(e) => {
                return Err(fail_t(
                    t::CLIENT_CALL_FAILED,
                    &[("call", &"write()"), ("reason", &e)],
                ));
            }
        }
    }
    Ok(())
}
