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
        421 => "Misdirected Request",
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

/// Where a response is written: HTTP/1.1 bytes ([`Http1`]) or, with the `http` feature,
/// an `http::Response`. Each response is composed once, in terms of this trait, so both
/// forms carry the same status, headers and body.
pub(crate) trait ResponseSink {
    /// Whether the response goes out on an HTTP/2 stream (or HTTP/3): no
    /// connection-specific headers then (RFC 9113 §8.2.2), and no 101.
    fn http2(&self) -> bool {
        false
    }
    fn status(&mut self, status: u16);
    fn header(&mut self, name: &str, value: &[u8]);
    /// The 101's own lines: `Upgrade: websocket`, `Connection: Upgrade` and the accept
    /// value. A sink may build them faster than three [`header`](Self::header)s.
    fn upgrade_lines(&mut self, accept: &[u8]) {
        self.header("Upgrade", b"websocket");
        self.header("Connection", b"Upgrade");
        self.header("Sec-WebSocket-Accept", accept);
    }
    fn header_display(&mut self, name: &str, value: &dyn fmt::Display);
    /// Ends the head; then the body, if any.
    fn body(&mut self, body: &[u8]);
    /// Ends the head; then a formatted body.
    fn body_fmt(&mut self, body: fmt::Arguments<'_>);
}

/// HTTP/1.1 bytes into a buffer.
pub(crate) struct Http1<'o, B: BufMut>(pub(crate) &'o mut B);

impl<B: BufMut> ResponseSink for Http1<'_, B> {
    fn status(&mut self, status: u16) {
        if status == 101 {
            // The hot path: no formatting.
            self.0.put_slice(b"HTTP/1.1 101 Switching Protocols\r\n");
        } else {
            put_status_line(self.0, status);
        }
    }

    fn header(&mut self, name: &str, value: &[u8]) {
        put_header(self.0, name, value);
    }

    fn header_display(&mut self, name: &str, value: &dyn fmt::Display) {
        let _ = write!(BufWriter(self.0), "{name}: {value}\r\n");
    }

    fn body(&mut self, body: &[u8]) {
        self.0.put_slice(b"\r\n");
        self.0.put_slice(body);
    }

    fn body_fmt(&mut self, body: fmt::Arguments<'_>) {
        self.0.put_slice(b"\r\n");
        let _ = BufWriter(self.0).write_fmt(body);
    }
}

/// How many bytes `body` formats to, to send `Content-Length` before it.
pub(crate) fn formatted_len(body: fmt::Arguments<'_>) -> usize {
    let mut counter = Counter(0);
    let _ = counter.write_fmt(body);
    counter.0
}

/// A complete error response: status line, `Connection: close` (HTTP/1.1), and `message`
/// as a one-line plain-text body; `extra` headers first.
pub(crate) fn error_response(
    status: u16,
    extra: &[(&str, &[u8])],
    message: &impl fmt::Display,
    out: &mut impl ResponseSink,
) {
    out.status(status);
    for (name, value) in extra {
        out.header(name, value);
    }
    if !out.http2() {
        out.header(
            "Connection",
            if status == 426 {
                b"Upgrade, close"
            } else {
                b"close"
            },
        );
    }
    out.header("Content-Type", b"text/plain; charset=utf-8");
    out.header_display(
        "Content-Length",
        &formatted_len(format_args!("{message}\n")),
    );
    out.body_fmt(format_args!("{message}\n"));
}

/// The answer to a peer's error: its status with `Allow` (405) or the version and protocol
/// to use (426), complete. Over HTTP/2 a version refusal is a 400 with
/// `Sec-WebSocket-Version: 13`: a 426 must name the protocol in `Upgrade` (RFC 9110
/// §15.5.22), a header HTTP/2 forbids (RFC 9113 §8.2.2).
pub(crate) fn peer_error_response(error: &crate::Error, out: &mut impl ResponseSink) {
    use crate::Error;
    let http2 = out.http2();
    let status = match error.status().unwrap_or(400) {
        426 if http2 => 400,
        status => status,
    };
    let version: &[(&str, &[u8])] = if http2 {
        &[("Sec-WebSocket-Version", b"13")]
    } else {
        &[("Sec-WebSocket-Version", b"13"), ("Upgrade", b"websocket")]
    };
    let extra: &[(&str, &[u8])] = match error {
        Error::MethodNotAllowed { .. } => &[("Allow", b"GET")],
        Error::MethodNotConnect { .. } => &[("Allow", b"CONNECT")],
        Error::MissingVersion | Error::UnsupportedVersion { .. } => version,
        _ => &[],
    };
    error_response(status, extra, error, out);
}
