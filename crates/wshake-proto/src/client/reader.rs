//! Reading any HTTP/1.x response head: the 101 of a handshake, a proxy's answer to
//! `CONNECT`, whatever a server sends a checker. The same scan, limits and parse as every
//! head wshake reads.

use core::ops::Range;

use bytes::Bytes;

use crate::head::{Failure, Head, Kind};
use crate::{Error, Headers, Limits, Status};

use super::Response;

/// A parsed head: status, where the reason is, minor version, and the head's length.
type Line = (u16, Range<usize>, u8, usize);

/// Reads one response head from bytes as they arrive, then keeps what followed it.
///
/// ```
/// use wshake_proto::client::ResponseReader;
/// use wshake_proto::{Limits, Status};
///
/// let mut reader = ResponseReader::new(Limits::new());
/// reader.feed(b"HTTP/1.1 200 Connection established\r\n");
/// assert!(matches!(reader.poll(), Ok(Status::NeedMore)));
/// reader.feed(b"\r\n\x16\x03\x01");
/// let Ok(Status::Ready(response)) = reader.poll() else { panic!("complete") };
/// assert_eq!(response.status(), 200);
/// assert_eq!(reader.leftover(), b"\x16\x03\x01");
/// ```
#[derive(Debug)]
pub struct ResponseReader {
    limits: Limits,
    head: Head,
    line: Option<Line>,
    failure: Failure,
}

impl ResponseReader {
    /// A reader enforcing these limits on the head.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            head: Head::new(),
            line: None,
            failure: Failure::default(),
        }
    }

    /// Forgets the response, keeping the allocations.
    pub fn reset(&mut self) {
        self.head.reset();
        self.line = None;
        self.failure = Failure::default();
    }

    /// Appends bytes read from the peer.
    pub fn feed(&mut self, data: &[u8]) {
        self.head.feed(data);
    }

    /// Room to read into: see
    /// [`ServerHandshake::spare`](crate::server::ServerHandshake::spare).
    pub fn spare(&mut self, grow_by: usize) -> &mut [u8] {
        self.head.spare(grow_by)
    }

    /// Marks `n` bytes of [`spare`](Self::spare) as read.
    pub fn advance(&mut self, n: usize) {
        self.head.advance(n);
    }

    /// More needed, the complete head, or why it is not an HTTP/1.x response head. Once
    /// complete or failed, it says so again on every call.
    pub fn poll(&mut self) -> Result<Status<Response<'_>>, Error> {
        self.failure.check()?;
        if self.line.is_none() {
            match self.read() {
                Ok(Some(line)) => self.line = Some(line),
                Ok(None) => return Ok(Status::NeedMore),
                Err(error) => return Err(self.failure.fail(error)),
            }
        }
        Ok(self.response().map_or(Status::NeedMore, Status::Ready))
    }

    fn read(&mut self) -> Result<Option<Line>, Error> {
        let (end, (status, reason, version)) =
            if let Some(parsed) = self.head.response_at_once(&self.limits) {
                parsed?
            } else {
                let Some(end) = self.head.scan(&self.limits, Kind::Response)? else {
                    return Ok(None);
                };
                (end, self.head.parse_response(&self.limits, end)?)
            };
        Ok(Some((status, reason, version, end)))
    }

    /// The response head, once complete.
    pub fn response(&self) -> Option<Response<'_>> {
        let (status, reason, minor, end) = self.line.as_ref()?;
        let head = &self.head.bytes()[..*end];
        Some(Response {
            headers: Headers::from_head(head, self.head.fields()),
            raw: Some(head),
            status: *status,
            reason: &head[reason.clone()],
            minor: *minor,
            http2: false,
        })
    }

    /// The bytes after the head. Empty until it is complete.
    pub fn leftover(&self) -> &[u8] {
        self.head.leftover()
    }

    /// Takes the leftover out without copying.
    pub fn take_leftover(&mut self) -> Bytes {
        self.head.take_leftover()
    }
}
