//! A minimal HTTP/1.1 client: GET one path N times over one keep-alive
//! connection, drain each body into a buffer, and check its length and
//! CRC-32 against the file on disk. Enough for nginx serving a static file;
//! not a general client (no chunked bodies, no redirects).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::error::{ContextT, fail_t};
use crate::text::demo as t;

/// What the client measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fetched {
    pub responses: u64,
    /// Body bytes received (all verified).
    pub body_bytes: u64,
    /// Wall time spent on the wire: from each request to its last body
    /// byte, summed (the client's own checksum work left out).
    pub elapsed: Duration,
}

/// GETs `path` from `addr` `n` times; every body must be `expect_len` bytes
/// with CRC-32 `expect_crc`. Stops early (with an error) when `cancelled`
/// says so.
pub fn fetch(
    addr: SocketAddr,
    path: &str,
    n: u64,
    expect_len: u64,
    expect_crc: u32,
    cancelled: &dyn Fn() -> bool,
) -> Result<Fetched> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .context_t(t::CONNECT, &[("addr", &addr)])?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .context_t(t::READ_TIMEOUT, &[])?;
    let mut writer = stream
        .try_clone()
        .context_t(crate::text::run::DUPLICATE_SOCKET, &[])?;
    let mut reader = BufReader::with_capacity(256 * 1024, stream);
    let mut body = vec![0u8; expect_len as usize];
    let mut on_wire = Duration::ZERO;
    let mut total = 0u64;
    for i in 0..n {
        if cancelled() {
            return Err(fail_t(t::INTERRUPTED, &[]));
        }
        let started = Instant::now();
        write!(
            writer,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: zclab\r\nAccept: */*\r\n\r\n"
        )
        .context_t(t::SEND_REQUEST, &[])?;
        let n = i + 1;
        let len = read_head(&mut reader).context_t(t::RESPONSE, &[("n", &n)])?;
        if len != expect_len {
            return Err(fail_t(
                t::LENGTH,
                &[("n", &n), ("len", &len), ("expect", &expect_len)],
            ));
        }
        reader
            .read_exact(&mut body)
            .context_t(t::BODY_SHORT, &[("n", &n)])?;
        on_wire += started.elapsed();
        let crc = crc32fast::hash(&body);
        if crc != expect_crc {
            return Err(fail_t(
                t::BODY_CRC,
                &[
                    ("n", &n),
                    ("crc", &format_args!("{crc:08x}")),
                    ("expect", &format_args!("{expect_crc:08x}")),
                ],
            ));
        }
        total += len;
    }
    Ok(Fetched {
        responses: n,
        body_bytes: total,
        elapsed: on_wire,
    })
}

/// Reads a status line and headers; requires 200 and returns Content-Length.
fn read_head(r: &mut impl BufRead) -> Result<u64> {
    let mut line = String::new();
    r.read_line(&mut line).context_t(t::NO_STATUS, &[])?;
    let status = line.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(fail_t(
            t::STATUS,
            &[("line", &format_args!("{:?}", line.trim_end()))],
        ));
    }
    let mut len = None;
    loop {
        line.clear();
        if r.read_line(&mut line).context_t(t::HEADERS_SHORT, &[])? == 0 {
            return Err(fail_t(t::CLOSED_IN_HEADERS, &[]));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse::<u64>().ok();
            } else if k.eq_ignore_ascii_case("transfer-encoding") {
                return Err(fail_t(t::CHUNKED, &[]));
            }
        }
    }
    len.context_t(t::NO_LENGTH, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_parsing() {
        let mut ok = &b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 42\r\n\r\nrest"[..];
        assert_eq!(read_head(&mut ok).ok(), Some(42));
        let mut missing = &b"HTTP/1.1 404 Not Found\r\n\r\n"[..];
        assert!(read_head(&mut missing).is_err());
        let mut chunked = &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..];
        assert!(read_head(&mut chunked).is_err());
    }
}
