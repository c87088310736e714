//! Validating a complete request head (RFC 6455 §4.2.1), and the views of a valid one:
//! borrowed from the machine's buffer, or owned to keep after it.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

use wshake_accept::Key;

use crate::classify::{FieldSet, Known, classify};
use crate::either::{self, Either};
use crate::error::Excerpt;
use crate::extensions::{DeflateOffer, Extension, Extensions, deflate_offers};
use crate::grammar::{ascii_str, is_token, is_valid_host, list_elements};
use crate::head::{Field, RequestLine};
use crate::rules::{UpgradeHeaders, check_version};
use crate::{Error, Headers};

/// What validation learnt about a request, as positions in the head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Length of the head, the blank line included.
    pub(crate) end: usize,
    pub(crate) method: Range<usize>,
    pub(crate) target: Range<usize>,
    pub(crate) path: Range<usize>,
    pub(crate) query: Option<Range<usize>>,
    pub(crate) host: Range<usize>,
    pub(crate) origin: Option<Range<usize>>,
    pub(crate) key: Key,
    pub(crate) protocol_fields: FieldSet,
    pub(crate) extension_fields: FieldSet,
    pub(crate) deflate_offers: DeflateOffers,
}

/// The valid permessage-deflate offers of a request, in order, read once while the
/// request is validated when the server negotiates permessage-deflate: negotiation and
/// the check of the answer both need them. Up to [`DeflateOffers::CAPACITY`] are kept;
/// a request with more, or a server that does not negotiate, has them read again from
/// the request when needed (`read` is false).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DeflateOffers {
    read: bool,
    offers: [DeflateOffer; Self::CAPACITY],
    len: usize,
}

impl DeflateOffers {
    const CAPACITY: usize = 8;

    /// Keeps an offer; past the capacity, forgets them all, to be read again when needed.
    fn push(&mut self, offer: DeflateOffer) {
        if let Some(slot) = self.offers.get_mut(self.len) {
            *slot = offer;
            self.len += 1;
        } else {
            self.read = false;
        }
    }

    /// The offers, in the client's order.
    pub(crate) fn iter(&self) -> core::iter::Copied<core::slice::Iter<'_, DeflateOffer>> {
        self.offers[..self.len].iter().copied()
    }
}

/// Checks the request line and every header, in the order they were read, then what is
/// missing. The first problem found is the one reported.
pub(crate) fn validate(
    head: &[u8],
    fields: &[Field],
    (method, target, version): RequestLine,
    read_deflate: bool,
) -> Result<Parsed, Error> {
    if &head[method.clone()] != b"GET" {
        return Err(Error::MethodNotAllowed {
            method: Excerpt::new(&head[method]),
        });
    }
    let (path, query) = split_target(head, target.clone())?;
    if version == 0 {
        // H21: an Upgrade in an HTTP/1.0 request is ignored, so this is no handshake.
        return Err(Error::Http10);
    }
    let mut headers = RequestHeaders::default();
    headers.deflate_offers.read = read_deflate;
    for (index, field) in fields.iter().enumerate() {
        let (name, value) = (&head[field.name.clone()], &head[field.value.clone()]);
        headers.line(index, name, value, field.value.clone())?;
    }
    let deflate_offers = headers.deflate_offers;
    let (host, origin, key, protocol_fields, extension_fields) = headers.finish()?;
    Ok(Parsed {
        end: head.len(),
        method,
        target,
        path,
        query,
        host,
        origin,
        key,
        protocol_fields,
        extension_fields,
        deflate_offers,
    })
}

/// The header rules of a request (S12–S19, H22, H23), one line at a time. `L` says where
/// a value is, so that any representation of a head can keep what it needs.
#[derive(Clone, Debug)]
pub(crate) struct RequestHeaders<L> {
    upgrade: UpgradeHeaders,
    host: Option<L>,
    origin: Option<L>,
    key: Option<Key>,
    version_seen: bool,
    protocol_fields: FieldSet,
    extension_fields: FieldSet,
    deflate_offers: DeflateOffers,
    /// The lines of an HTTP/2 (or HTTP/3) extended CONNECT: no connection-specific
    /// headers, and no key (RFC 8441 §5).
    http2: bool,
}

impl<L> Default for RequestHeaders<L> {
    fn default() -> Self {
        Self {
            http2: false,
            upgrade: UpgradeHeaders::default(),
            host: None,
            origin: None,
            key: None,
            version_seen: false,
            protocol_fields: FieldSet::default(),
            extension_fields: FieldSet::default(),
            deflate_offers: DeflateOffers::default(),
        }
    }
}

/// Host, Origin, key, and which lines offer subprotocols and extensions.
pub(crate) type Found<L> = (L, Option<L>, Key, FieldSet, FieldSet);

impl<L> RequestHeaders<L> {
    /// The rules for the header lines of an HTTP/2 (or HTTP/3) extended CONNECT.
    #[cfg(feature = "http")]
    pub(crate) fn http2() -> Self {
        Self {
            http2: true,
            ..Self::default()
        }
    }

    /// Applies the rules to line number `index`, named `name`, holding `value` at `at`:
    /// every representation of a head (bytes, `http` types, HTTP/2) comes through here.
    pub(crate) fn line(
        &mut self,
        index: usize,
        name: &[u8],
        value: &[u8],
        at: L,
    ) -> Result<(), Error> {
        self.classified_line(index, classify(name), name, value, at)
    }

    /// Whether these are the rules of an HTTP/2 (or HTTP/3) extended CONNECT.
    #[cfg(feature = "http")]
    pub(crate) fn is_http2(&self) -> bool {
        self.http2
    }

    /// [`line`](Self::line) for a line whose name was classified already (`http` types
    /// classify their `HeaderName`s by length, confirmed as `http`'s constant, without
    /// comparing the bytes). The name is read only for an HTTP/2 request's
    /// connection-specific headers.
    #[cfg_attr(not(feature = "http"), allow(unused_variables))]
    #[inline]
    pub(crate) fn classified_line(
        &mut self,
        index: usize,
        kind: Known,
        name: &[u8],
        value: &[u8],
        at: L,
    ) -> Result<(), Error> {
        match kind {
            #[cfg(feature = "http")]
            Known::Other if self.http2 && crate::rules::is_connection_specific(name, value) => {
                Err(Error::ConnectionSpecificHeader {
                    name: Excerpt::new(name),
                })
            }
            Known::Other => Ok(()),
            kind => self.field(index, kind, value, at),
        }
    }

    /// Applies the rules to line number `index`, of kind `kind`, holding `value` at `at`.
    #[inline]
    fn field(&mut self, index: usize, kind: Known, value: &[u8], at: L) -> Result<(), Error> {
        match kind {
            // RFC 9113 §8.2.2: these make an HTTP/2 request malformed.
            Known::Upgrade | Known::Connection | Known::TransferEncoding if self.http2 => {
                return Err(Error::ConnectionSpecificHeader {
                    name: Excerpt::new(kind.name().as_bytes()),
                });
            }
            // RFC 8441 §5: the key is not used over HTTP/2; a client sending one anyway
            // is not refused for it.
            Known::Key if self.http2 => {}
            Known::Upgrade | Known::Connection | Known::ContentLength | Known::TransferEncoding => {
                self.upgrade.field(kind, value)?;
            }
            Known::Host => {
                if self.host.is_some() {
                    return Err(Error::DuplicateHost);
                }
                if !is_valid_host(value) {
                    return Err(Error::InvalidHost);
                }
                self.host = Some(at);
            }
            Known::Key => {
                if self.key.is_some() {
                    return Err(Error::DuplicateKey);
                }
                self.key = Some(Key::parse(value)?);
            }
            Known::Version => {
                if self.version_seen {
                    return Err(Error::DuplicateVersion);
                }
                self.version_seen = true;
                check_version(value)?;
            }
            Known::Protocol => {
                let mut elements = list_elements(value).peekable();
                if elements.peek().is_none() || !elements.all(is_token) {
                    return Err(Error::InvalidProtocol);
                }
                self.protocol_fields.insert(index);
            }
            Known::Extensions => {
                let offered = Extensions::parse(value).ok_or(Error::InvalidExtensions)?;
                if self.deflate_offers.read {
                    for offer in deflate_offers(offered) {
                        self.deflate_offers.push(offer);
                    }
                }
                self.extension_fields.insert(index);
            }
            Known::Origin => {
                if self.origin.is_some() {
                    return Err(Error::DuplicateOrigin);
                }
                self.origin = Some(at);
            }
            // A response header in a request means nothing: ignored like any other.
            Known::Accept | Known::Other => {}
        }
        Ok(())
    }

    /// Once every line of an extended CONNECT is read: the version must be there (the
    /// pseudo-headers are checked by the caller). The `host` line, if any, the `Origin`,
    /// and which lines offer subprotocols and extensions.
    #[cfg(feature = "http")]
    pub(crate) fn finish_http2(self) -> Result<(Option<L>, Option<L>, FieldSet, FieldSet), Error> {
        if !self.version_seen {
            return Err(Error::MissingVersion);
        }
        Ok((
            self.host,
            self.origin,
            self.protocol_fields,
            self.extension_fields,
        ))
    }

    /// Once every line is read: what must be there, in the order the RFC lists it.
    #[inline]
    pub(crate) fn finish(self) -> Result<Found<L>, Error>
    where
        L: Clone,
    {
        let (host, key) = self.complete()?;
        Ok((
            host.clone(),
            self.origin,
            key,
            self.protocol_fields,
            self.extension_fields,
        ))
    }

    /// [`finish`](Self::finish)'s checks, in its order, without taking the rules apart:
    /// the host line and the key (what a request in `http` types keeps of them).
    #[inline]
    pub(crate) fn complete(&self) -> Result<(&L, Key), Error> {
        let host = self.host.as_ref().ok_or(Error::MissingHost)?;
        self.upgrade.finish()?;
        let key = self.key.ok_or(Error::MissingKey)?;
        if !self.version_seen {
            return Err(Error::MissingVersion);
        }
        Ok((host, key))
    }
}

/// Origin-form (`/path?query`) or absolute-form (`http://host/path?query`, also `https`,
/// `ws`, `wss`): anything else, or a fragment, is refused. Returns where the path and
/// the query are.
pub(crate) fn split_target(
    head: &[u8],
    target: Range<usize>,
) -> Result<(Range<usize>, Option<Range<usize>>), Error> {
    let bytes = &head[target.clone()];
    if bytes.contains(&b'#') {
        return Err(Error::InvalidTarget);
    }
    let path_start = if bytes.first() == Some(&b'/') {
        target.start
    } else {
        let scheme_end = bytes
            .windows(3)
            .position(|w| w == b"://")
            .ok_or(Error::InvalidTarget)?;
        let scheme = &bytes[..scheme_end];
        if !["http", "https", "ws", "wss"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s.as_bytes()))
        {
            return Err(Error::InvalidTarget);
        }
        let authority_start = scheme_end + 3;
        let authority_len = bytes[authority_start..]
            .iter()
            .position(|&b| b == b'/' || b == b'?')
            .unwrap_or(bytes.len() - authority_start);
        if authority_len == 0 || !is_valid_host(&bytes[authority_start..][..authority_len]) {
            return Err(Error::InvalidTarget);
        }
        target.start + authority_start + authority_len
    };
    let rest = &head[path_start..target.end];
    let (path, query) = match rest.iter().position(|&b| b == b'?') {
        Some(q) => (
            path_start..path_start + q,
            Some(path_start + q + 1..target.end),
        ),
        None => (path_start..target.end, None),
    };
    let query_bytes = query.clone().map_or(&[][..], |q| &head[q]);
    if head[path.clone()].iter().any(|&b| !is_path_byte(b))
        || query_bytes.iter().any(|&b| !is_query_byte(b))
    {
        return Err(Error::InvalidTarget);
    }
    Ok((path, query))
}

/// H23: bytes no URI may hold (RFC 3986 §2) that every browser percent-encodes in a path
/// (WHATWG URL, the path percent-encode set): `<`, `>`, `` ` ``. Others that RFC 3986
/// also excludes (`|`, `^`, `{`, `}`, `"`, `\`) arrive raw from real clients and stay
/// accepted, as `http::Uri` accepts them, so a request parsed by hyper and the same bytes
/// get one answer.
fn is_path_byte(byte: u8) -> bool {
    !matches!(byte, b'<' | b'>' | b'`')
}

/// H23: the query's counterpart of [`is_path_byte`] (the WHATWG query percent-encode set):
/// `"`, `<`, `>`.
fn is_query_byte(byte: u8) -> bool {
    !matches!(byte, b'"' | b'<' | b'>')
}

/// A validated upgrade request, borrowed from the machine's buffer (or, with the `http`
/// feature, from the `http` types it was validated from): nothing is copied. What a
/// decision reads; [`into_owned`](Self::into_owned) keeps it past the machine.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    source: Source<'a>,
}

/// What a request was validated from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Head {
        head: &'a [u8],
        parsed: &'a Parsed,
        fields: &'a [Field],
    },
    #[cfg(feature = "http")]
    Http(super::http_types::HttpRequest<'a>),
}

impl<'a> Request<'a> {
    /// A request validated from a head read by the machine.
    pub(crate) fn from_head(head: &'a [u8], parsed: &'a Parsed, fields: &'a [Field]) -> Self {
        Self {
            source: Source::Head {
                head,
                parsed,
                fields,
            },
        }
    }

    /// A request validated from `http` types.
    #[cfg(feature = "http")]
    pub(crate) fn from_http(request: super::http_types::HttpRequest<'a>) -> Self {
        Self {
            source: Source::Http(request),
        }
    }

    /// Whether the request came as an HTTP/2 (or HTTP/3) extended CONNECT (RFC 8441), with
    /// no key, to be answered with a 200 rather than a 101.
    pub fn is_http2(&self) -> bool {
        self.key().is_none()
    }

    /// The scheme the request itself names: `:scheme` over HTTP/2, `None` over HTTP/1.1
    /// (a request-target's scheme says nothing of the connection it came on).
    pub(crate) fn scheme(&self) -> Option<&'a str> {
        match self.source {
            Source::Head { .. } => None,
            #[cfg(feature = "http")]
            Source::Http(request) if request.key.is_none() => request.uri.scheme_str(),
            #[cfg(feature = "http")]
            Source::Http(_) => None,
        }
    }

    /// The method: `GET` once validated, `CONNECT` over HTTP/2.
    pub fn method(&self) -> &'a str {
        match self.source {
            Source::Head { head, parsed, .. } => ascii_str(&head[parsed.method.clone()]),
            #[cfg(feature = "http")]
            Source::Http(request) => request.method.as_str(),
        }
    }

    /// The request-target exactly as sent (origin-form or absolute-form). For a request
    /// validated from `http` types: the path and query (the `Uri` keeps no other text;
    /// over HTTP/2, `:path`).
    pub fn target(&self) -> &'a str {
        match self.source {
            Source::Head { head, parsed, .. } => ascii_or_empty(&head[parsed.target.clone()]),
            #[cfg(feature = "http")]
            Source::Http(request) => request
                .uri
                .path_and_query()
                .map_or("/", http::uri::PathAndQuery::as_str),
        }
    }

    /// The path, without the query (`/` for an absolute-form target without a path).
    pub fn path(&self) -> &'a str {
        let path = match self.source {
            Source::Head { head, parsed, .. } => ascii_or_empty(&head[parsed.path.clone()]),
            #[cfg(feature = "http")]
            Source::Http(request) => request.uri.path(),
        };
        if path.is_empty() { "/" } else { path }
    }

    /// The query, without the `?`, as sent (still percent-encoded).
    pub fn query(&self) -> Option<&'a str> {
        match self.source {
            Source::Head { head, parsed, .. } => {
                parsed.query.clone().map(|q| ascii_or_empty(&head[q]))
            }
            #[cfg(feature = "http")]
            Source::Http(request) => request.uri.query(),
        }
    }

    /// The first value of the query parameter `name`, percent-decoded (`+` is a space),
    /// e.g. `room` in `/chat?room=lobby`. Borrowed unless decoding changed it. Values
    /// that are not UTF-8 once decoded are replaced lossily.
    ///
    /// Query strings end up in access logs: a secret passed this way (a token) should be
    /// short-lived.
    pub fn query_param(&self, name: &str) -> Option<Cow<'a, str>> {
        self.query()?
            .split('&')
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .find(|(key, _)| percent_decode(key) == name)
            .map(|(_, value)| percent_decode(value))
    }

    /// The `Host` value (over HTTP/2, `:authority`, or `host` without one).
    pub fn host(&self) -> &'a str {
        ascii_or_empty(self.host_bytes())
    }

    /// The host's bytes, as [`host`](Self::host) reads them (ASCII: validated).
    pub(crate) fn host_bytes(&self) -> &'a [u8] {
        match self.source {
            Source::Head { head, parsed, .. } => &head[parsed.host.clone()],
            #[cfg(feature = "http")]
            Source::Http(request) => request.host,
        }
    }

    /// The `Origin` value, if sent.
    pub fn origin(&self) -> Option<&'a [u8]> {
        match self.source {
            Source::Head { head, parsed, .. } => parsed.origin.clone().map(|o| &head[o]),
            #[cfg(feature = "http")]
            Source::Http(request) => request
                .headers
                .get(&http::header::ORIGIN)
                .map(http::HeaderValue::as_bytes),
        }
    }

    /// The validated `Sec-WebSocket-Key`; `None` over HTTP/2, which uses none (RFC 8441
    /// §5).
    pub fn key(&self) -> Option<Key> {
        match self.source {
            Source::Head { parsed, .. } => Some(parsed.key),
            #[cfg(feature = "http")]
            Source::Http(request) => request.key,
        }
    }

    /// The offered subprotocols in the client's order, merged across header lines (S18).
    pub fn protocols(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.values(Known::Protocol)
            .flat_map(list_elements)
            .map(ascii_str)
    }

    /// A credential a browser offered as a subprotocol, `prefix` then the token (e.g.
    /// `bearer.` in `new WebSocket(url, ["chat", "bearer." + token])`: browsers cannot
    /// send `Authorization` on a WebSocket): the token of the first such offer. The
    /// decision checks it and answers a real subprotocol; the policies choose only the
    /// configured subprotocols, so the token is never echoed.
    ///
    /// ```
    /// use wshake_proto::server::{Answer, ServerConfig, ServerHandshake};
    /// use wshake_proto::Status;
    ///
    /// let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
    /// server.feed(b"GET / HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\n\
    ///     Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    ///     Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, bearer.s3cret\r\n\r\n");
    /// let Ok(Status::Ready(incoming)) = server.poll() else { panic!() };
    /// let answer = match incoming.request().protocol_token("bearer.") {
    ///     Some("s3cret") => Answer::policy(),
    ///     _ => Answer::reject(401),
    /// };
    /// let mut out = Vec::new();
    /// incoming.answer(&answer, &mut out);
    /// let response = String::from_utf8(out).unwrap();
    /// assert!(response.contains("Sec-WebSocket-Protocol: chat\r\n"));
    /// assert!(!response.contains("s3cret"));
    /// ```
    pub fn protocol_token(&self, prefix: &str) -> Option<&'a str> {
        self.protocols()
            .find_map(|offered| offered.strip_prefix(prefix))
            .filter(|token| !token.is_empty())
    }

    /// Whether the client offered this subprotocol (compared exactly: tokens are
    /// case-sensitive).
    pub fn offers_protocol(&self, protocol: &str) -> bool {
        self.protocols().any(|offered| offered == protocol)
    }

    /// The offered extensions in the client's order, merged across header lines (S18).
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'a>> + Clone + use<'a> {
        self.values(Known::Extensions)
            .flat_map(Extensions::already_valid)
    }

    /// The valid permessage-deflate offers, in the client's order: those read during
    /// validation, or else read now.
    pub(crate) fn deflate_offers(&self) -> impl Iterator<Item = DeflateOffer> + Clone + 'a {
        let cached = match self.source {
            Source::Head { parsed, .. } => Some(&parsed.deflate_offers),
            #[cfg(feature = "http")]
            Source::Http(_) => None,
        };
        match cached {
            Some(cached) if cached.read => Either::Left(cached.iter()),
            _ => Either::Right(deflate_offers(self.extensions())),
        }
    }

    /// The values of the subprotocol or extension lines, in order.
    fn values(&self, kind: Known) -> impl Iterator<Item = &'a [u8]> + Clone + use<'a> {
        match self.source {
            Source::Head {
                head,
                parsed,
                fields,
            } => {
                let set = if kind == Known::Protocol {
                    parsed.protocol_fields
                } else {
                    parsed.extension_fields
                };
                either::left!(
                    set.iter()
                        .map(move |index| &head[fields[index].value.clone()]),
                )
            }
            #[cfg(feature = "http")]
            Source::Http(request) => {
                let name = if kind == Known::Protocol {
                    http::header::SEC_WEBSOCKET_PROTOCOL
                } else {
                    http::header::SEC_WEBSOCKET_EXTENSIONS
                };
                Either::Right(request.headers.values(name))
            }
        }
    }

    /// Every header line, in order, duplicates and non-UTF-8 values included.
    pub fn headers(&self) -> Headers<'a> {
        match self.source {
            Source::Head { head, fields, .. } => Headers::from_head(head, fields),
            #[cfg(feature = "http")]
            Source::Http(request) => Headers::from_http(request.headers),
        }
    }

    /// The whole head as received, request line to blank line; `None` for a request
    /// validated from `http` types, which keep no bytes.
    pub fn raw(&self) -> Option<&'a [u8]> {
        match self.source {
            Source::Head { head, .. } => Some(head),
            #[cfg(feature = "http")]
            Source::Http(_) => None,
        }
    }

    /// An owned copy, to keep after the machine is reused or dropped: one copy of the
    /// head and one of the field positions, whatever the number of headers (for `http`
    /// types, clones of the method, URI and header map).
    pub fn into_owned(self) -> OwnedRequest {
        OwnedRequest {
            source: match self.source {
                Source::Head {
                    head,
                    parsed,
                    fields,
                } => OwnedSource::Head(Box::new(OwnedHead {
                    head: head.to_vec(),
                    fields: fields.to_vec(),
                    parsed: parsed.clone(),
                })),
                #[cfg(feature = "http")]
                Source::Http(request) => OwnedSource::Http(request.into_owned()),
            },
        }
    }
}

impl Request<'_> {
    /// An owned copy of what answering this request reads, to answer it later with
    /// [`Incoming::validated`](super::Incoming::validated): everything
    /// [`into_owned`](Self::into_owned) keeps, except that of a request in `http` types
    /// only the lines an answer reads are kept (`Host`, `Origin`,
    /// `Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions`, `Forwarded`,
    /// `X-Forwarded-Host`, `X-Forwarded-Proto`), so the copy's
    /// [`headers`](Self::headers) holds those alone. Every answer is the same as from the
    /// request itself; a request whose other lines are still wanted takes
    /// [`into_owned`](Self::into_owned).
    #[must_use]
    pub fn into_owned_for_answer(self) -> OwnedRequest {
        match self.source {
            #[cfg(feature = "http")]
            Source::Http(request) => OwnedRequest {
                source: OwnedSource::Http(request.into_owned_for_answer()),
            },
            Source::Head { .. } => self.into_owned(),
        }
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("target", &self.target())
            .field("headers", &self.headers())
            .finish()
    }
}

/// A validated request, owned: see [`Request::into_owned`]. Read it through
/// [`view`](Self::view), the same accessors as the borrowed request.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedRequest {
    source: OwnedSource,
}

#[derive(Clone, PartialEq, Eq)]
enum OwnedSource {
    /// Boxed, as the other: a copy of a head read by wshake (its parsed ranges, its
    /// offers) is the larger; boxed, every copy moves as a pointer, for one allocation
    /// more when it is made (measured: no row grew).
    Head(Box<OwnedHead>),
    /// Boxed and built in place (its few lines inline, see `OwnedHttpRequest::boxed`).
    #[cfg(feature = "http")]
    Http(Box<super::http_types::OwnedHttpRequest>),
}

#[derive(Clone, PartialEq, Eq)]
struct OwnedHead {
    head: Vec<u8>,
    fields: Vec<Field>,
    parsed: Parsed,
}

impl OwnedRequest {
    /// A copy of a request in `http` types.
    #[cfg(feature = "http")]
    pub(super) fn from_http(request: Box<super::http_types::OwnedHttpRequest>) -> Self {
        Self {
            source: OwnedSource::Http(request),
        }
    }

    /// The request, borrowed from this copy.
    pub fn view(&self) -> Request<'_> {
        match &self.source {
            OwnedSource::Head(owned) => {
                Request::from_head(&owned.head, &owned.parsed, &owned.fields)
            }
            #[cfg(feature = "http")]
            OwnedSource::Http(request) => Request::from_http(request.view()),
        }
    }
}

impl fmt::Debug for OwnedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}

fn ascii_or_empty(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// `%XX` and `+` decoded; borrowed when there is nothing to decode.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'+' => Some((b' ', 1)),
            // Two hex digits, nothing else: `from_str_radix` alone would take `%+5`.
            b'%' => text
                .get(i + 1..i + 3)
                .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .map(|byte| (byte, 3)),
            _ => None,
        };
        let (byte, width) = decoded.unwrap_or((bytes[i], 1));
        out.push(byte);
        i += width;
    }
    Cow::Owned(alloc::string::String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        // Not an escape (`from_str_radix` alone would take `+5`); the `+` is a space.
        assert_eq!(percent_decode("%+5%-1"), "% 5%-1");
        assert_eq!(percent_decode("%E2%9C%93"), "\u{2713}");
    }
}
