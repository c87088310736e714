//! Writing HTTP/1.1 heads: header lines, status lines, `Display` values, and the complete
//! error response. Shared by both roles; nothing here allocates.

use core::fmt::{self, Write as _};

use bytes::BufMut;

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

pub(crate) fn put_content_length(out: &mut impl BufMut, length: usize) {
    let _ = write!(BufWriter(out), "Content-Length: {length}\r\n");
}

/// Writes `value` as a header value through `Display`, without allocating.
pub(crate) fn put_display(out: &mut impl BufMut, value: &impl fmt::Display) {
    let _ = write!(BufWriter(out), "{value}");
}

/// A complete error response: status line, `Allow: GET` (405) or the version and
/// protocol to use (426), `Connection: close`, and `message` as a one-line plain-text body.
pub(crate) fn error_response(status: u16, message: &impl fmt::Display, out: &mut impl BufMut) {
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
    let _ = writeln!(counter, "{message}");
    put_content_length(out, counter.0);
    out.put_slice(b"\r\n");
    let _ = writeln!(BufWriter(out), "{message}");
}
