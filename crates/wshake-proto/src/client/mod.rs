//! The client role: write the request, then read and verify the response (C11), keeping
//! the bytes that followed it.
//!
//! ```text
//!  write_request()   feed() / spare()+advance()     poll()
//! ────────────────▶ ClientHandshake ─────────────────────▶ Status::Ready(Outcome), leftover()
//!                      ▲ Status::NeedMore ◀┘ │
//!                      └─────────────────────┘
//!                                            ▼
//!                  Err(Error): close the connection (refusal() shows a non-101 answer)
//! ```

mod config;
#[cfg(feature = "http")]
mod http_types;
mod reader;
pub(crate) mod response;
mod target;

use alloc::sync::Arc;

use bytes::{BufMut, Bytes};
use wshake_accept::{Accept, Key};

pub use config::ClientConfig;
pub use reader::ResponseReader;
pub use response::{Outcome, OwnedOutcome, OwnedRefusal, Refusal, Response};
pub use target::Target;

use crate::head::Failure;
use crate::write::put_header;
use crate::{Error, Status};
use response::Verified;

/// The client side of one handshake, reusable (for the same target) after [`reset`].
///
/// ```
/// use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
/// use wshake_proto::{Key, Status};
///
/// let target = Target::new("example.com", "/chat")?;
/// let mut client =
///     ClientHandshake::new(ClientConfig::new(), target, Key::from_nonce(*b"the sample nonce"));
/// let mut request = Vec::new();
/// client.write_request(&mut request);
/// assert!(request.starts_with(b"GET /chat HTTP/1.1\r\nHost: example.com\r\n"));
///
/// client.feed(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");
/// assert!(matches!(client.poll(), Ok(Status::NeedMore)));
/// client.feed(b"Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
/// assert!(matches!(client.poll(), Ok(Status::Ready(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`reset`]: ClientHandshake::reset
#[derive(Debug)]
pub struct ClientHandshake {
    config: Arc<ClientConfig>,
    target: Target,
    key: Key,
    expected: Accept,
    reader: ResponseReader,
    verified: Option<Verified>,
    failure: Failure,
}

impl ClientHandshake {
    /// A handshake to `target`, offering what `config` says, with this key: use a fresh
    /// random key for every connection (C7), e.g. `Key::random()` with the `getrandom`
    /// feature.
    pub fn new(config: impl Into<Arc<ClientConfig>>, target: Target, key: Key) -> Self {
        let config = config.into();
        Self {
            reader: ResponseReader::new(config.limits),
            config,
            target,
            key,
            expected: Accept::for_key(&key),
            verified: None,
            failure: Failure::default(),
        }
    }

    /// Forgets the response but keeps every allocation; the next attempt uses `key`.
    pub fn reset(&mut self, key: Key) {
        self.reader.reset();
        self.key = key;
        self.expected = Accept::for_key(&key);
        self.verified = None;
        self.failure = Failure::default();
    }

    /// What this handshake offers.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Where it connects.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The key sent.
    pub fn key(&self) -> Key {
        self.key
    }

    /// Writes the request (C4–C9) into `out`. Nothing is allocated beyond `out`.
    pub fn write_request(&self, out: &mut impl BufMut) {
        out.put_slice(b"GET ");
        out.put_slice(self.target.resource().as_bytes());
        out.put_slice(b" HTTP/1.1\r\n");
        for (name, value) in self.request_headers() {
            put_header(out, name, value.as_bytes());
        }
        out.put_slice(b"\r\n");
    }

    /// Every header of the request (C4–C9), in the order sent: what both the bytes and
    /// the `http` form carry.
    fn request_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        [
            ("Host", self.target.host_header()),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", self.key.as_str()),
            ("Sec-WebSocket-Version", "13"),
        ]
        .into_iter()
        .chain(self.config.offered_headers())
    }

    /// Appends bytes read from the server.
    pub fn feed(&mut self, data: &[u8]) {
        self.reader.feed(data);
    }

    /// Room to read the server's next bytes into: see
    /// [`ServerHandshake::spare`](crate::server::ServerHandshake::spare).
    pub fn spare(&mut self, grow_by: usize) -> &mut [u8] {
        self.reader.spare(grow_by)
    }

    /// Marks `n` bytes of [`spare`](Self::spare) as read.
    pub fn advance(&mut self, n: usize) {
        self.reader.advance(n);
    }

    /// Looks at the bytes fed since the last call: more needed, a verified 101, or what
    /// the server got wrong (C11). Linear in the bytes fed, whatever the pieces. Once
    /// ready or failed, it says so again on every call.
    pub fn poll(&mut self) -> Result<Status<Outcome<'_>>, Error> {
        self.failure.check()?;
        let response = match self.reader.poll()? {
            Status::NeedMore => return Ok(Status::NeedMore),
            Status::Ready(response) => response,
        };
        let verified = if let Some(verified) = self.verified.take() {
            verified
        } else {
            response::verify(&response, &self.config, &self.expected)
                .map_err(|error| self.failure.fail(error))?
        };
        let verified = self.verified.insert(verified);
        Ok(Status::Ready(Outcome { response, verified }))
    }

    /// The server's answer when it was not a 101, as far as it was read (the error
    /// [`poll`](Self::poll) returned is [`Error::NotSwitchingProtocols`]): status,
    /// headers, and the body bytes that came with the head.
    pub fn refusal(&self) -> Option<Refusal<'_>> {
        let response = self.reader.response()?;
        (response.status() != 101).then(|| Refusal {
            response,
            body_start: self.reader.leftover(),
        })
    }

    /// The bytes after the response head (the server's first frames, H24). Empty until
    /// the response is verified (C10: nothing belongs to the WebSocket connection before
    /// that).
    pub fn leftover(&self) -> &[u8] {
        if self.verified.is_some() {
            self.reader.leftover()
        } else {
            &[]
        }
    }

    /// Takes the leftover out without copying. Empty until the response is verified.
    pub fn take_leftover(&mut self) -> Bytes {
        if self.verified.is_some() {
            self.reader.take_leftover()
        } else {
            Bytes::new()
        }
    }
}
