//! Writing HTTP/1.1 responses: the 101 that accepts, and the complete responses that
//! reject (errors and application rejections). Nothing here allocates.

use core::fmt::{self, Write as _};

use bytes::BufMut;

use crate::Error;

/// The canonical reason phrase for the statuses a handshake uses.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        414 => "URI Too Long",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// `BufMut` as a `fmt::Write`, so `Display` output goes straight into the buffer.
pub(crate) struct BufWriter<'a, B: BufMut>(pub(crate) &'a mut B);

impl<B: BufMut> fmt::Write for BufWriter<'_, B> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.put_slice(s.as_bytes());
        Ok(())
    }
}

/// Counts what `Display` would write, to send `Content-Length` before the body.
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

pub(crate) fn put_header(out: &mut impl BufMut, name: &str, value: &[u8]) {
    out.put_slice(name.as_bytes());
    out.put_slice(b": ");
    out.put_slice(value);
    out.put_slice(b"\r\n");
}

pub(crate) fn put_status_line(out: &mut impl BufMut, status: u16) {
    let _ = write!(
        BufWriter(out),
        "HTTP/1.1 {status} {}\r\n",
        reason_phrase(status)
    );
}

fn put_content_length(out: &mut impl BufMut, length: usize) {
    let _ = write!(BufWriter(out), "Content-Length: {length}\r\n");
}

/// The complete response for an error: see [`Error::write_response`].
pub(crate) fn write_error(error: &Error, out: &mut impl BufMut) {
    let status = error.status().unwrap_or(500);
    put_status_line(out, status);
    match status {
        405 => put_header(out, "Allow", b"GET"),
        // RFC 6455 §4.4 and RFC 9110 §15.5.22: say which version and protocol to use.
        426 => {
            put_header(out, "Sec-WebSocket-Version", b"13");
            put_header(out, "Upgrade", b"websocket");
        }
        _ => {}
    }
    put_header(
        out,
        "Connection",
        if status == 426 {
            b"Upgrade, close"
        } else {
            b"close"
        },
    );
    put_header(out, "Content-Type", b"text/plain; charset=utf-8");
    let mut counter = Counter(0);
    let _ = writeln!(counter, "{error}");
    put_content_length(out, counter.0);
    out.put_slice(b"\r\n");
    let _ = writeln!(BufWriter(out), "{error}");
}

/// An application's refusal: any status from 300 to 599, its own headers and body.
///
/// ```
/// use wshake_proto::RejectConnection;
///
/// let reject = RejectConnection::new(401)?
///     .header("WWW-Authenticate", "Bearer")?
///     .body(b"log in first\n");
/// let mut out = Vec::new();
/// reject.write(&mut out);
/// assert!(out.starts_with(b"HTTP/1.1 401 Unauthorized\r\n"));
/// # Ok::<(), wshake_proto::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectConnection<'a> {
    status: u16,
    headers: crate::ExtraHeaders<'a>,
    body: &'a [u8],
}

impl<'a> RejectConnection<'a> {
    /// A rejection with this status. 1xx and 2xx cannot reject a handshake.
    pub fn new(status: u16) -> Result<Self, Error> {
        if !(300..=599).contains(&status) {
            return Err(Error::InvalidRejectStatus { status });
        }
        Ok(Self {
            status,
            headers: crate::ExtraHeaders::new(),
            body: &[],
        })
    }

    /// Adds a header (`Location`, `WWW-Authenticate`, …). `Content-Length`, `Connection`
    /// and `Transfer-Encoding` are the handshake's own; CR, LF and NUL are refused.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Result<Self, Error> {
        self.headers.push(name, value, RESERVED_IN_REJECT)?;
        Ok(self)
    }

    /// The body, sent with its `Content-Length`.
    #[must_use]
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Writes the whole response.
    pub fn write(&self, out: &mut impl BufMut) {
        put_status_line(out, self.status);
        put_header(out, "Connection", b"close");
        let mut has_type = false;
        for (name, value) in self.headers.iter() {
            has_type |= name.eq_ignore_ascii_case("content-type");
            put_header(out, name, value.as_bytes());
        }
        if !has_type && !self.body.is_empty() {
            put_header(out, "Content-Type", b"text/plain; charset=utf-8");
        }
        put_content_length(out, self.body.len());
        out.put_slice(b"\r\n");
        out.put_slice(self.body);
    }
}

/// Header names an application may not set on a rejection.
pub(crate) const RESERVED_IN_REJECT: &[&str] =
    &["content-length", "connection", "transfer-encoding"];
