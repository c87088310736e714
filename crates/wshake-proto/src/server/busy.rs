//! The answer of a server too busy to read a request: written before any byte of it.

use bytes::BufMut;

use crate::write::{Http1, error_response};

/// Writes `503 Service Unavailable` with `Retry-After: retry_after_secs` (RFC 9110
/// §15.6.4, §10.2.3) and `Connection: close`, complete: the answer of a server that has as
/// many handshakes in progress as it allows, sent without reading the request, so that an
/// overloaded server spends nothing on it and a client knows when to come back.
///
/// ```
/// let mut out = Vec::new();
/// wshake_proto::server::write_busy_response(2, &mut out);
/// assert!(out.starts_with(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\n"));
/// ```
pub fn write_busy_response(retry_after_secs: u32, out: &mut impl BufMut) {
    let digits = Digits::of(retry_after_secs);
    error_response(
        503,
        &[("Retry-After", digits.as_bytes())],
        &"too many handshakes in progress: try again later",
        &mut Http1(out),
    );
}

/// A `u32` in decimal, on the stack.
struct Digits {
    bytes: [u8; 10],
    start: usize,
}

impl Digits {
    fn of(mut n: u32) -> Self {
        let mut digits = Self {
            bytes: [0; 10],
            start: 10,
        };
        loop {
            digits.start -= 1;
            digits.bytes[digits.start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return digits;
            }
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::write_busy_response;

    #[test]
    fn busy_response_is_a_complete_503_with_retry_after() {
        for (secs, text) in [(0, "0"), (7, "7"), (120, "120"), (u32::MAX, "4294967295")] {
            let mut out = alloc::vec::Vec::new();
            write_busy_response(secs, &mut out);
            let mut headers = [httparse::EMPTY_HEADER; 8];
            let mut response = httparse::Response::new(&mut headers);
            let httparse::Status::Complete(end) = response.parse(&out).unwrap() else {
                panic!("incomplete: {out:?}");
            };
            assert_eq!(response.code, Some(503));
            let get = |name: &str| {
                response
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| h.value)
            };
            assert_eq!(get("retry-after"), Some(text.as_bytes()));
            assert_eq!(get("connection"), Some(&b"close"[..]));
            let length: usize = core::str::from_utf8(get("content-length").unwrap())
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(out.len() - end, length);
        }
    }
}
