//! Verifying a 101 (C11) and the views of a response: the verified outcome, borrowed or
//! owned, and a refusal with its head and the start of its body.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};
use core::ops::Range;

use wshake_accept::Accept;

use crate::classify::{Known, classify};
use crate::error::Excerpt;
use crate::extensions::{AnswerCheck, DeflateParams, Extension, Extensions};
use crate::grammar::{ascii_str, is_token, trim_ows};
use crate::head::Field;
use crate::rules::UpgradeHeaders;
use crate::{Error, Headers};

use super::ClientConfig;

/// What verification learnt about a 101 beyond its headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    pub(crate) deflate: Option<DeflateParams>,
}

/// C11, in the order the response is read.
/// Over HTTP/2 (E36): a 200, no key or accept, no connection-specific header, and the
/// same subprotocol and extension rules.
pub(crate) fn verify(
    response: &Response<'_>,
    config: &ClientConfig,
    expected: &Accept,
) -> Result<Verified, Error> {
    let http2 = response.http2;
    if response.status != if http2 { 200 } else { 101 } {
        return Err(not_switching(response));
    }
    if response.minor == 0 && !http2 {
        return Err(Error::UnsupportedHttpVersion);
    }
    let mut upgrade = UpgradeHeaders::default();
    let mut accept_seen = false;
    let mut protocol_seen = false;
    let deflate_offers = config.deflate_offers().iter().copied();
    let mut extensions = AnswerCheck::new(config.extensions(), deflate_offers, false);
    for (name, value) in response.headers.lines() {
        let kind = classify(name);
        match kind {
            // RFC 9113 §8.2.2: these make an HTTP/2 response malformed.
            Known::Upgrade | Known::Connection | Known::TransferEncoding if http2 => {
                return Err(Error::ConnectionSpecificHeader {
                    name: Excerpt::new(kind.name().as_bytes()),
                });
            }
            Known::Upgrade | Known::Connection | Known::ContentLength | Known::TransferEncoding => {
                upgrade.field(kind, value)?;
            }
            // RFC 8441 §5: no accept over HTTP/2; one sent anyway says nothing.
            Known::Accept if http2 => {}
            Known::Accept => {
                if accept_seen {
                    return Err(Error::DuplicateAccept);
                }
                accept_seen = true;
                if !expected.matches(value) {
                    return Err(Error::AcceptMismatch);
                }
            }
            Known::Protocol => {
                if protocol_seen {
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
                protocol_seen = true;
            }
            Known::Extensions => {
                // Erratum 3433: the header may repeat in a response; lists are merged.
                for extension in Extensions::parse(value).ok_or(Error::InvalidExtensions)? {
                    extensions.answered(&extension)?;
                }
            }
            Known::Host | Known::Key | Known::Version | Known::Origin | Known::Other => {}
        }
    }
    if !http2 {
        upgrade.finish()?;
        if !accept_seen {
            return Err(Error::MissingAccept);
        }
    }
    if !protocol_seen && !config.protocols().is_empty() && !config.allow_missing_protocol {
        return Err(Error::ProtocolNotChosen);
    }
    Ok(Verified {
        deflate: extensions.deflate(),
    })
}

/// A response head, borrowed from the machine's buffer.
#[derive(Clone, Copy)]
pub struct Response<'a> {
    pub(crate) headers: Headers<'a>,
    /// The head as received; `None` for a response given as `http` types.
    pub(crate) raw: Option<&'a [u8]>,
    pub(crate) status: u16,
    pub(crate) reason: &'a [u8],
    pub(crate) minor: u8,
    /// An HTTP/2 (or HTTP/3) response, given as `http` types.
    pub(crate) http2: bool,
}

impl<'a> Response<'a> {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase as sent.
    pub fn reason(&self) -> &'a [u8] {
        self.reason
    }

    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0 (0 over HTTP/2). (A response
    /// given as `http` types has its reason from the status code: `http` keeps no other.)
    pub fn minor_version(&self) -> u8 {
        self.minor
    }

    /// Whether the response came over HTTP/2 (or HTTP/3): the answer to an extended
    /// CONNECT, a 200 without accept.
    pub fn is_http2(&self) -> bool {
        self.http2
    }

    /// Every header line, in order, duplicates included.
    pub fn headers(&self) -> Headers<'a> {
        self.headers
    }

    /// The whole head as received; `None` for a response given as `http` types, which
    /// keep no bytes.
    pub fn raw(&self) -> Option<&'a [u8]> {
        self.raw
    }

    /// The head and its fields, for an owned copy: from a head read by wshake, or
    /// written anew from `http` types.
    fn owned_head(&self) -> OwnedHead {
        match self.headers.head_and_fields() {
            Some((head, fields)) => OwnedHead {
                reason: offset_in(head, self.reason),
                head: head.to_vec(),
                fields: fields.to_vec(),
                written: false,
                http2: false,
            },
            None => OwnedHead::written(self),
        }
    }
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers())
            .finish()
    }
}

/// What the handshake settled: subprotocol, extensions, and the 101 itself.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    pub(crate) response: Response<'a>,
    pub(crate) verified: &'a Verified,
}

impl<'a> Outcome<'a> {
    /// The subprotocol the server chose.
    pub fn protocol(&self) -> Option<&'a str> {
        // Verified: at most one line, a token the client offered.
        self.response
            .headers
            .get("sec-websocket-protocol")
            .map(|value| ascii_str(trim_ows(value)))
    }

    /// The negotiated permessage-deflate parameters, if the server accepted it.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.verified.deflate
    }

    /// Every extension the server answered, in order.
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'a>> + 'a {
        self.response
            .headers()
            .get_all("sec-websocket-extensions")
            .flat_map(Extensions::already_valid)
    }

    /// The 101 response.
    pub fn response(&self) -> Response<'a> {
        self.response
    }

    /// An owned copy, to keep after the machine is reused or dropped.
    pub fn into_owned(self) -> OwnedOutcome {
        OwnedOutcome {
            head: self.response.owned_head(),
            verified: self.verified.clone(),
        }
    }
}

/// A verified 101, owned: see [`Outcome::into_owned`]. Read it through
/// [`view`](Self::view).
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedOutcome {
    head: OwnedHead,
    verified: Verified,
}

impl OwnedOutcome {
    /// The outcome, borrowed from this copy.
    pub fn view(&self) -> Outcome<'_> {
        Outcome {
            response: if self.head.http2 {
                self.head.response(200, 0)
            } else {
                self.head.response(101, 1)
            },
            verified: &self.verified,
        }
    }
}

/// A response head, owned: the bytes, where each field and the reason are.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OwnedHead {
    head: Vec<u8>,
    fields: Vec<Field>,
    reason: Range<usize>,
    /// Written from `http` types, not received: no raw head to show.
    written: bool,
    /// Written from an HTTP/2 (or HTTP/3) response.
    http2: bool,
}

impl OwnedHead {
    /// The head of a response given as `http` types, written as HTTP/1.1 bytes.
    fn written(response: &Response<'_>) -> Self {
        let mut head = Vec::new();
        let mut fields = Vec::new();
        head.extend_from_slice(if response.http2 {
            b"HTTP/2 "
        } else {
            b"HTTP/1.1 "
        });
        let _ = write!(crate::write::BufWriter(&mut head), "{} ", response.status);
        let reason = head.len()..head.len() + response.reason.len();
        head.extend_from_slice(response.reason);
        head.extend_from_slice(b"\r\n");
        for (name, value) in response.headers.lines() {
            let name_start = head.len();
            head.extend_from_slice(name);
            head.extend_from_slice(b": ");
            let value_start = head.len();
            head.extend_from_slice(value);
            fields.push(Field {
                name: name_start..name_start + name.len(),
                value: value_start..head.len(),
            });
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        Self {
            head,
            fields,
            reason,
            written: true,
            http2: response.http2,
        }
    }

    fn response(&self, status: u16, minor: u8) -> Response<'_> {
        Response {
            headers: Headers::from_head(&self.head, &self.fields),
            raw: (!self.written).then_some(self.head.as_slice()),
            status,
            reason: &self.head[self.reason.clone()],
            minor,
            http2: self.http2,
        }
    }
}

/// Where `inner`, a slice of `outer`, lies in it (empty at 0 if it is not in it).
fn offset_in(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if start <= outer.len() && inner.len() <= outer.len() - start {
        start..start + inner.len()
    } else {
        0..0
    }
}

impl fmt::Debug for OwnedOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}

/// A server's answer other than 101, as far as it was read: its head, and the part of its
/// body that came with it. A driver that wants the whole body reads on until
/// [`body_length`](Self::body_length) bytes (or the end of the stream when it is `None`).
#[derive(Clone, Copy, Debug)]
pub struct Refusal<'a> {
    pub(crate) response: Response<'a>,
    pub(crate) body_start: &'a [u8],
}

impl<'a> Refusal<'a> {
    /// The response head.
    pub fn response(&self) -> Response<'a> {
        self.response
    }

    /// The body bytes that arrived with the head (possibly all of it, possibly more).
    pub fn body_start(&self) -> &'a [u8] {
        self.body_start
    }

    /// The body's length from `Content-Length`, if it has a valid one.
    pub fn body_length(&self) -> Option<usize> {
        let value = self.response.headers().get("content-length")?;
        if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
            return None;
        }
        ascii_str(value).parse().ok()
    }

    /// An owned copy of the head and the body so far, to keep in an error and to add the
    /// rest of the body to.
    pub fn into_owned(self) -> OwnedRefusal {
        OwnedRefusal {
            head: self.response.owned_head(),
            status: self.response.status,
            minor: self.response.minor,
            body: self.body_start.to_vec(),
        }
    }
}

/// A refusal, owned: its head, and as much of its body as its reader kept.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedRefusal {
    head: OwnedHead,
    status: u16,
    minor: u8,
    body: Vec<u8>,
}

impl OwnedRefusal {
    /// The response head.
    pub fn response(&self) -> Response<'_> {
        self.head.response(self.status, self.minor)
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body as kept.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, to add what was read after the head (or cut what is not the body).
    pub fn body_mut(&mut self) -> &mut Vec<u8> {
        &mut self.body
    }
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe_refusal(f, &self.response)
    }
}

impl fmt::Display for OwnedRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe_refusal(f, &self.response())
    }
}

/// The one wording of a refusal: `server answered 403 Forbidden, expected 101`, with
/// `Location` when there is one.
fn describe_refusal(f: &mut fmt::Formatter<'_>, response: &Response<'_>) -> fmt::Result {
    let location = response.headers().get("location");
    describe_status(f, response.status(), response.reason(), location)
}

/// See [`describe_refusal`]; also what [`Error::NotSwitchingProtocols`] says.
pub(crate) fn describe_status(
    f: &mut fmt::Formatter<'_>,
    status: u16,
    reason: &[u8],
    location: Option<&[u8]>,
) -> fmt::Result {
    let reason = String::from_utf8_lossy(reason);
    write!(f, "server answered {status} {reason}, expected 101")?;
    if let Some(location) = location {
        write!(f, " (Location: {})", String::from_utf8_lossy(location))?;
    }
    Ok(())
}

impl fmt::Debug for OwnedRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedRefusal")
            .field("response", &self.response())
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

/// The `Error` for a status other than 101 (C11): status, reason and `Location`.
fn not_switching(response: &Response<'_>) -> Error {
    Error::NotSwitchingProtocols {
        status: response.status,
        reason: String::from_utf8_lossy(response.reason()).into_owned(),
        location: response
            .headers()
            .get("location")
            .map(|value| String::from_utf8_lossy(value).into_owned()),
    }
}
