//! Verifying a 101 (C11) and the views of a response: the verified outcome, borrowed or
//! owned, and a refusal with its head and the start of its body.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

use wshake_accept::Accept;

use crate::classify::{Known, classify};
use crate::extensions::{AnswerCheck, DeflateParams, Extension, Extensions};
use crate::grammar::{ascii_str, is_token, trim_ows};
use crate::head::Field;
use crate::rules::UpgradeHeaders;
use crate::{Error, Headers};

use super::ClientConfig;

/// What verification learnt about a 101, as positions in the head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    pub(crate) reason: Range<usize>,
    pub(crate) protocol: Option<Range<usize>>,
    pub(crate) deflate: Option<DeflateParams>,
}

/// C11, in the order the response is read.
pub(crate) fn verify(
    response: &Response<'_>,
    config: &ClientConfig,
    expected: &Accept,
) -> Result<Verified, Error> {
    if response.status != 101 {
        return Err(not_switching(response));
    }
    if response.minor == 0 {
        return Err(Error::UnsupportedHttpVersion);
    }
    let (head, fields) = (response.head, response.fields);
    let mut upgrade = UpgradeHeaders::default();
    let mut accept_seen = false;
    let mut protocol = None;
    let deflate_offers = config.deflate_offers().iter().copied();
    let mut extensions = AnswerCheck::new(config.extensions(), deflate_offers, false);
    for field in fields {
        let kind = classify(&head[field.name.clone()]);
        let value = &head[field.value.clone()];
        match kind {
            Known::Upgrade | Known::Connection | Known::ContentLength | Known::TransferEncoding => {
                upgrade.field(kind, value)?;
            }
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
    upgrade.finish()?;
    if !accept_seen {
        return Err(Error::MissingAccept);
    }
    if protocol.is_none() && !config.protocols().is_empty() && !config.allow_missing_protocol {
        return Err(Error::ProtocolNotChosen);
    }
    Ok(Verified {
        reason: response.reason.clone(),
        protocol,
        deflate: extensions.deflate(),
    })
}

/// A response head, borrowed from the machine's buffer.
#[derive(Clone, Copy)]
pub struct Response<'a> {
    pub(crate) head: &'a [u8],
    pub(crate) fields: &'a [Field],
    pub(crate) status: u16,
    pub(crate) reason: &'a Range<usize>,
    pub(crate) minor: u8,
}

impl<'a> Response<'a> {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase as sent.
    pub fn reason(&self) -> &'a [u8] {
        &self.head[self.reason.clone()]
    }

    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub fn minor_version(&self) -> u8 {
        self.minor
    }

    /// Every header line, in order, duplicates included.
    pub fn headers(&self) -> Headers<'a> {
        Headers {
            head: self.head,
            fields: self.fields,
        }
    }

    /// The whole head as received.
    pub fn raw(&self) -> &'a [u8] {
        self.head
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
        self.verified
            .protocol
            .clone()
            .map(|range| ascii_str(trim_ows(&self.response.head[range])))
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
            head: self.response.head.to_vec(),
            fields: self.response.fields.to_vec(),
            verified: self.verified.clone(),
        }
    }
}

/// A verified 101, owned: see [`Outcome::into_owned`]. Read it through
/// [`view`](Self::view).
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedOutcome {
    head: Vec<u8>,
    fields: Vec<Field>,
    verified: Verified,
}

impl OwnedOutcome {
    /// The outcome, borrowed from this copy.
    pub fn view(&self) -> Outcome<'_> {
        Outcome {
            response: Response {
                head: &self.head,
                fields: &self.fields,
                status: 101,
                reason: &self.verified.reason,
                minor: 1,
            },
            verified: &self.verified,
        }
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
            head: self.response.head.to_vec(),
            fields: self.response.fields.to_vec(),
            status: self.response.status,
            reason: self.response.reason.clone(),
            minor: self.response.minor,
            body: self.body_start.to_vec(),
        }
    }
}

/// A refusal, owned: its head, and as much of its body as its reader kept.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedRefusal {
    head: Vec<u8>,
    fields: Vec<Field>,
    status: u16,
    reason: Range<usize>,
    minor: u8,
    body: Vec<u8>,
}

impl OwnedRefusal {
    /// The response head.
    pub fn response(&self) -> Response<'_> {
        Response {
            head: &self.head,
            fields: &self.fields,
            status: self.status,
            reason: &self.reason,
            minor: self.minor,
        }
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
