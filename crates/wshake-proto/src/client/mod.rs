//! The client role: write the request, then read and verify the response (C11), keeping
//! the bytes that followed it.
//!
//! ```text
//!  write_request()   feed()/buffer_mut()     poll()
//! ────────────────▶ Reading ──────────────────────▶ Ready: outcome(), leftover()
//!                      │ NeedMore ◀┘
//!                      ▼
//!                   Err(Error): close the connection
//! ```

mod config;

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use core::ops::Range;

use bytes::{BufMut, Bytes, BytesMut};
use wshake_accept::{Accept, Key};

pub use config::ClientConfig;

use crate::deflate::{DeflateParams, PERMESSAGE_DEFLATE};
use crate::extension::{Extension, Extensions};
use crate::head::{Field, Fields, Head, Kind};
use crate::token::{Known, ascii_str, classify, is_token, list_contains, trim_ows};
use crate::{Error, Status};

/// Extensions known to use the RSV1 bit: two of them in one response conflict (D24).
const RSV1_EXTENSIONS: &[&str] = &[
    PERMESSAGE_DEFLATE,
    "x-webkit-deflate-frame",
    "deflate-frame",
    "perframe-deflate",
];

#[derive(Clone, Debug)]
struct Verified {
    status: u16,
    reason: Range<usize>,
    protocol: Option<Range<usize>>,
    deflate: Option<DeflateParams>,
}

/// The client side of one handshake.
///
/// ```
/// use wshake_proto::{ClientConfig, ClientHandshake, Error, Key, Status};
///
/// let config = ClientConfig::new("example.com", "/chat")?;
/// let mut client = ClientHandshake::new(config, Key::from_nonce(*b"the sample nonce"));
/// let mut request = Vec::new();
/// client.write_request(&mut request);
/// assert!(request.starts_with(b"GET /chat HTTP/1.1\r\nHost: example.com\r\n"));
///
/// client.feed(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");
/// assert_eq!(client.poll()?, Status::NeedMore);
/// client.feed(b"Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
/// assert_eq!(client.poll()?, Status::Ready);
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug)]
pub struct ClientHandshake {
    config: Arc<ClientConfig>,
    key: Key,
    expected: Accept,
    head: Head,
    verified: Option<Verified>,
    error: Option<Error>,
}

impl ClientHandshake {
    /// A handshake for this request with this key: use a fresh random key for every
    /// connection (C7), e.g. `Key::random()` with the `getrandom` feature.
    pub fn new(config: impl Into<Arc<ClientConfig>>, key: Key) -> Self {
        let config = config.into();
        Self {
            head: Head::new(),
            config,
            key,
            expected: Accept::for_key(&key),
            verified: None,
            error: None,
        }
    }

    /// Forgets the response but keeps every allocation; the next attempt uses `key`.
    pub fn reset(&mut self, key: Key) {
        self.head.reset();
        self.key = key;
        self.expected = Accept::for_key(&key);
        self.verified = None;
        self.error = None;
    }

    /// The request this handshake sends.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The key sent.
    pub fn key(&self) -> Key {
        self.key
    }

    /// Writes the request into `out`.
    pub fn write_request(&self, out: &mut impl BufMut) {
        self.config.write_request(&self.key, out);
    }

    /// Appends bytes read from the server.
    pub fn feed(&mut self, data: &[u8]) {
        self.head.feed(data);
    }

    /// The input buffer, to read into directly. Only append.
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        self.head.buffer_mut()
    }

    /// Looks at the bytes fed since the last call: need more, a verified 101, or the
    /// reason the handshake failed (C11). Linear in the bytes fed, whatever the pieces.
    pub fn poll(&mut self) -> Result<Status, Error> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if self.verified.is_some() {
            return Ok(Status::Ready);
        }
        match self.read_response() {
            Ok(status) => Ok(status),
            Err(error) => {
                self.error = Some(error.clone());
                Err(error)
            }
        }
    }

    fn read_response(&mut self) -> Result<Status, Error> {
        let limits = *self.config.limits_ref();
        let (status, reason, version) = if let Some(parsed) = self.head.response_at_once(&limits) {
            parsed?
        } else {
            if !self.head.scan(&limits, Kind::Response)? {
                return Ok(Status::NeedMore);
            }
            self.head.parse_response(&limits)?
        };
        let end = self.head.end().unwrap_or(0);
        let head = &self.head.bytes()[..end];
        let fields = self.head.fields();
        if status != 101 {
            let location = Fields { head, fields }
                .all("location")
                .next()
                .map(|value| String::from_utf8_lossy(value).into_owned());
            return Err(Error::NotSwitchingProtocols {
                status,
                reason: String::from_utf8_lossy(&head[reason]).into_owned(),
                location,
            });
        }
        if version == 0 {
            return Err(Error::UnsupportedHttpVersion);
        }
        let verified = verify(head, fields, &self.config, &self.expected, status, reason)?;
        self.verified = Some(verified);
        Ok(Status::Ready)
    }

    /// The verified response, once [`poll`](Self::poll) said `Ready`.
    pub fn outcome(&self) -> Option<Outcome<'_>> {
        let verified = self.verified.as_ref()?;
        let end = self.head.end()?;
        Some(Outcome {
            response: Response {
                head: &self.head.bytes()[..end],
                fields: self.head.fields(),
                status: verified.status,
                reason: verified.reason.clone(),
            },
            protocol: verified.protocol.clone(),
            deflate: verified.deflate,
        })
    }

    /// The bytes after the response head (the server's first frames, H24). Empty until
    /// the head is complete.
    pub fn leftover(&self) -> &[u8] {
        if self.verified.is_some() {
            self.head.leftover()
        } else {
            &[]
        }
    }

    /// Takes the leftover out without copying. Empty until the response is verified (C10:
    /// nothing belongs to the WebSocket connection before that).
    pub fn take_leftover(&mut self) -> Bytes {
        if self.verified.is_some() {
            self.head.take_leftover()
        } else {
            Bytes::new()
        }
    }
}

/// C11, in the order the response is read.
fn verify(
    head: &[u8],
    fields: &[Field],
    config: &ClientConfig,
    expected: &Accept,
    status: u16,
    reason: Range<usize>,
) -> Result<Verified, Error> {
    let (mut upgrade, mut upgrade_websocket) = (false, false);
    let (mut connection, mut connection_upgrade) = (false, false);
    let mut accept_seen = false;
    let mut protocol = None;
    let mut deflate = None;
    let mut rsv1_users = 0;
    for field in fields {
        let kind = classify(&head[field.name.clone()]);
        let value = &head[field.value.clone()];
        if kind == Known::Upgrade {
            upgrade = true;
            upgrade_websocket |= list_contains(value, "websocket");
        } else if kind == Known::Connection {
            connection = true;
            connection_upgrade |= list_contains(value, "upgrade");
        } else if kind == Known::Accept {
            if accept_seen {
                return Err(Error::DuplicateAccept);
            }
            accept_seen = true;
            if !expected.matches(value) {
                return Err(Error::AcceptMismatch);
            }
        } else if kind == Known::Protocol {
            if protocol.is_some() {
                return Err(Error::DuplicateProtocol);
            }
            // S17: the server's value is one token, never empty, never a list.
            let chosen = trim_ows(value);
            if !is_token(chosen) {
                return Err(Error::InvalidProtocol);
            }
            if !config.protocols().iter().any(|p| p.as_bytes() == chosen) {
                return Err(Error::ProtocolNotOffered);
            }
            protocol = Some(field.value.clone());
        } else if kind == Known::Extensions {
            // Erratum 3433: the header may repeat in a response; lists are merged.
            let extensions = Extensions::parse(value).ok_or(Error::InvalidExtensions)?;
            for extension in extensions {
                rsv1_users += usize::from(
                    RSV1_EXTENSIONS
                        .iter()
                        .any(|n| extension.name().eq_ignore_ascii_case(n)),
                );
                if rsv1_users > 1 {
                    return Err(Error::ConflictingExtensions);
                }
                if let Some(params) = check_extension(config, &extension)? {
                    deflate = Some(params);
                }
            }
        } else if kind == Known::ContentLength {
            if value.iter().any(|&b| b != b'0') {
                return Err(Error::ResponseBody);
            }
        } else if kind == Known::TransferEncoding {
            return Err(Error::ResponseBody);
        }
    }
    if !upgrade {
        return Err(Error::MissingUpgrade);
    }
    if !upgrade_websocket {
        return Err(Error::UpgradeNotWebSocket);
    }
    if !connection {
        return Err(Error::MissingConnection);
    }
    if !connection_upgrade {
        return Err(Error::ConnectionNotUpgrade);
    }
    if !accept_seen {
        return Err(Error::MissingAccept);
    }
    if protocol.is_none() && !config.protocols().is_empty() && !config.allows_missing_protocol() {
        return Err(Error::ProtocolNotChosen);
    }
    Ok(Verified {
        status,
        reason,
        protocol,
        deflate,
    })
}

/// An extension in the response must have been offered; a permessage-deflate one must be
/// a valid answer to one of the offers (D25–D29).
fn check_extension(
    config: &ClientConfig,
    extension: &Extension<'_>,
) -> Result<Option<DeflateParams>, Error> {
    if extension.name().eq_ignore_ascii_case(PERMESSAGE_DEFLATE) {
        let offers = config.deflate_offers();
        if offers.is_empty() {
            return Err(Error::ExtensionNotOffered);
        }
        let params = DeflateParams::parse(extension).map_err(Error::InvalidDeflate)?;
        let mut first_error = None;
        for offer in offers {
            match offer.accepts(&params) {
                Ok(()) => return Ok(Some(params)),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        return Err(first_error.map_or(Error::ExtensionNotOffered, Error::InvalidDeflate));
    }
    let offered = config
        .extension_offers()
        .iter()
        .filter_map(|value| Extensions::parse(value.as_bytes()))
        .flatten()
        .any(|offer| offer.name().eq_ignore_ascii_case(extension.name()));
    if offered {
        Ok(None)
    } else {
        Err(Error::ExtensionNotOffered)
    }
}

/// A verified 101 response, borrowed from the machine's buffer.
#[derive(Clone, Debug)]
pub struct Response<'a> {
    head: &'a [u8],
    fields: &'a [Field],
    status: u16,
    reason: Range<usize>,
}

impl<'a> Response<'a> {
    /// The status code (101).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase as sent.
    pub fn reason(&self) -> &'a [u8] {
        &self.head[self.reason.clone()]
    }

    /// The first value of a header, by name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.header_all(name).next()
    }

    /// Every value of a header, in order.
    pub fn header_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.view().all(name)
    }

    /// All headers in order, duplicates included.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.view().iter()
    }

    fn view(&self) -> Fields<'a> {
        Fields {
            head: self.head,
            fields: self.fields,
        }
    }

    /// The whole head as received.
    pub fn raw(&self) -> &'a [u8] {
        self.head
    }
}

/// What the handshake settled: subprotocol, extensions, and the response itself.
#[derive(Clone, Debug)]
pub struct Outcome<'a> {
    response: Response<'a>,
    protocol: Option<Range<usize>>,
    deflate: Option<DeflateParams>,
}

impl<'a> Outcome<'a> {
    /// The subprotocol the server chose.
    pub fn protocol(&self) -> Option<&'a str> {
        self.protocol
            .clone()
            .map(|range| ascii_str(trim_ows(&self.response.head[range])))
    }

    /// The negotiated permessage-deflate parameters, if the server accepted it.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.deflate
    }

    /// Every extension the server answered, in order.
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'a>> + 'a {
        self.response
            .header_all("sec-websocket-extensions")
            .filter_map(Extensions::parse)
            .flatten()
    }

    /// The response.
    pub fn response(&self) -> &Response<'a> {
        &self.response
    }

    /// The subprotocol as an owned string, for keeping after the machine is gone.
    pub fn protocol_owned(&self) -> Option<String> {
        self.protocol().map(ToString::to_string)
    }
}
