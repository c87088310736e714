//! The server role over `http` types (feature `http`): a request another stack already
//! parsed (hyper, axum) is validated by the byte path's own rules (`RequestHeaders`,
//! the limits, the target and version checks), and answered as an `http::Response`
//! composed by the same code that writes the bytes.

use alloc::boxed::Box;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, Version};
use smallvec::SmallVec;
use wshake_accept::Key;

use crate::error::Excerpt;
use crate::grammar::is_valid_host;
use crate::headers::HttpLines;
use crate::http_sink::HttpSink;
use crate::limits::Limits;
use crate::{Error, LocalError};

use super::request::RequestHeaders;
use super::{
    AcceptConnection, Answer, Answered, Incoming, OwnedRequest, RejectConnection, Request,
    ServerConfig,
};
use crate::classify::{Known, classify_header_name};

/// A request validated from `http` types: borrowed, nothing copied.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HttpRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: HttpLines<'a>,
    /// The host as validated (ASCII): read as text only when asked for.
    pub(crate) host: &'a [u8],
    /// `None` for an HTTP/2 (or HTTP/3) extended CONNECT, which has no key.
    pub(crate) key: Option<Key>,
}

impl HttpRequest<'_> {
    pub(crate) fn into_owned(self) -> Box<OwnedHttpRequest> {
        let mut owned = OwnedHttpRequest::boxed(self.method.clone(), self.uri.clone());
        owned.headers.reserve_exact(self.headers.len());
        owned.headers.extend(
            self.headers
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        owned.key = self.key;
        owned
    }

    /// The owned copy with only the lines answering reads ([`is_answer_line`]).
    pub(crate) fn into_owned_for_answer(self) -> Box<OwnedHttpRequest> {
        let mut owned = OwnedHttpRequest::boxed(self.method.clone(), self.uri.clone());
        for (name, value) in self.headers.iter() {
            if is_answer_line(classify_header_name(name, name.as_str()), name, true) {
                owned.headers.push((name.clone(), value.clone()));
            }
        }
        owned.key = self.key;
        owned
    }
}

/// The lines an answer reads: `Host` and `Origin` (the origin policy), the offered
/// subprotocols and extensions (negotiation, and the check of what an answer chooses),
/// and, if `forwarded`, what a trusted proxy forwards (the origin policy behind it).
#[inline]
fn is_answer_line(kind: Known, name: &HeaderName, forwarded: bool) -> bool {
    match kind {
        Known::Other => forwarded && is_forwarding_name(name),
        kind => is_answer_kind(kind),
    }
}

/// The handshake's own lines an answer reads: `Host`, `Origin`, the offered
/// subprotocols and extensions.
#[inline]
fn is_answer_kind(kind: Known) -> bool {
    matches!(
        kind,
        Known::Host | Known::Origin | Known::Protocol | Known::Extensions
    )
}

/// `Forwarded`, `X-Forwarded-Host`, `X-Forwarded-Proto`: what a trusted proxy forwards.
fn is_forwarding_name(name: &HeaderName) -> bool {
    // By length first: most other names are none of the three.
    match name.as_str().len() {
        9 => *name == http::header::FORWARDED,
        16 => name == "x-forwarded-host",
        17 => name == "x-forwarded-proto",
        _ => false,
    }
}

/// An owned copy: clones of the method, the URI and the header lines, as a list (their
/// bytes are shared, not copied, when the stack that parsed them kept them in `Bytes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OwnedHttpRequest {
    method: Method,
    uri: Uri,
    headers: KeptLines,
    key: Option<Key>,
}

/// The lines an owned copy keeps: inline up to four (`Host`, `Origin`, the offered
/// subprotocols and extensions of a browser's request), without an allocation of their
/// own; more spill to one.
pub(crate) type KeptLines = SmallVec<[(HeaderName, HeaderValue); 4]>;

impl OwnedHttpRequest {
    /// A copy of the request line, boxed before its lines and key are added: built where
    /// it stays (`Box::default` lets the optimiser build it in the allocation, measured:
    /// no copy of its inline lines), and moved as a pointer.
    fn boxed(method: Method, uri: Uri) -> Box<Self> {
        let mut owned = Box::<Self>::default();
        owned.method = method;
        // The default URI (`/`) holds static bytes only (`tests/no_alloc.rs` checks it):
        // forgotten, not dropped, as there is nothing to free.
        core::mem::forget(core::mem::replace(&mut owned.uri, uri));
        owned
    }

    pub(crate) fn view(&self) -> HttpRequest<'_> {
        HttpRequest {
            method: &self.method,
            uri: &self.uri,
            headers: HttpLines::List(&self.headers),
            // As validation chose it: over HTTP/2 (no key) `:authority` when there is one,
            // else `Host`.
            host: match self.uri.authority() {
                Some(authority) if self.key.is_none() => authority.as_str().as_bytes(),
                _ => HttpLines::List(&self.headers)
                    .get(&http::header::HOST)
                    .map_or(b"", http::HeaderValue::as_bytes),
            },
            key: self.key,
        }
    }
}

/// Checks a parsed request with the rules of [`super::request::validate`], in the same
/// order: limits, method, target, version, then every header line as the map holds them
/// (lines of one name together), then what is missing.
fn validate<'a>(
    limits: &Limits,
    method: &'a Method,
    uri: &'a Uri,
    version: Version,
    headers: &'a HeaderMap,
    keep: Keep<'_>,
) -> Result<HttpRequest<'a>, Error> {
    let mut rules = RequestHeaders::<&'a [u8]>::default();
    let lines = scan_lines(headers, &mut rules, limits.max_headers, keep);
    check_limits(limits, method, uri, headers, &lines)?;
    if version > Version::HTTP_11 {
        // HTTP/2 and later open WebSockets with an extended CONNECT (RFC 8441), whose
        // `:protocol` is not in `http` types: `Incoming::from_http2` validates those.
        return Err(Error::UnsupportedHttpVersion);
    }
    if method != Method::GET {
        return Err(Error::MethodNotAllowed {
            method: Excerpt::new(method.as_str().as_bytes()),
        });
    }
    check_target(uri)?;
    match version {
        Version::HTTP_11 => {}
        // H21: an Upgrade in an HTTP/1.0 request is ignored, so this is no handshake.
        Version::HTTP_09 | Version::HTTP_10 => return Err(Error::Http10),
        _ => return Err(Error::UnsupportedHttpVersion),
    }
    if let Some(error) = lines.error {
        return Err(error);
    }
    let (&host, key) = rules.complete()?;
    Ok(HttpRequest {
        method,
        uri,
        headers: HttpLines::Map(headers),
        host,
        key: Some(key),
    })
}

/// One pass over the header lines: each through the rules, in the map's order, until
/// one breaks them, and the lines' count and size as HTTP/1.1 would carry them
/// (`name: value\r\n`) for the limits.
pub(super) struct LineScan {
    count: usize,
    bytes: usize,
    /// The first line's error: reported after the limits and the request line's checks,
    /// in the byte path's order.
    pub(super) error: Option<Error>,
}

/// Where the lines an answer reads are kept while validating, when they are.
pub(super) type Keep<'k> = Option<Kept<'k>>;

/// The list the lines an answer reads go to, and whether it takes the forwarding
/// headers (only a configuration that trusts proxies reads them).
pub(super) struct Kept<'k> {
    lines: &'k mut KeptLines,
    forwarded: bool,
}

/// Runs the lines of `headers` through `rules` and measures them all, in one pass,
/// keeping the lines an answer reads in `keep` if given. Only the first `max_headers`
/// lines meet the rules: a request with more is refused by the limits (431, or 414 for
/// its target), which answer before any line's rule, and the rules keep line numbers
/// below the ceiling.
pub(super) fn scan_lines<'a>(
    headers: &'a HeaderMap,
    rules: &mut RequestHeaders<&'a [u8]>,
    max_headers: usize,
    mut keep: Keep<'_>,
) -> LineScan {
    let mut scan = LineScan {
        count: 0,
        bytes: 0,
        error: None,
    };
    let http2 = rules.is_http2();
    let forwarded = keep.as_ref().is_some_and(|kept| kept.forwarded);
    let mut lines = headers.iter();
    for (name, value) in lines.by_ref() {
        let (text, value_bytes) = (name.as_str(), value.as_bytes());
        let index = scan.count;
        scan.count += 1;
        scan.bytes += carried_len(text.as_bytes(), value_bytes);
        if index == max_headers {
            break;
        }
        let kind = classify_header_name(name, text);
        // Most lines are none of the handshake's: no rule reads them over HTTP/1.1.
        if kind != Known::Other || http2 {
            let line =
                rules.classified_line(index, kind, text.as_bytes(), value_bytes, value_bytes);
            if let Err(error) = line {
                scan.error = Some(error);
                break;
            }
        }
        // Most lines are `Other`: the forwarding names are compared only when a proxy is
        // trusted.
        if is_answer_line(kind, name, forwarded) {
            if let Some(kept) = keep.as_mut() {
                kept.lines.push((name.clone(), value.clone()));
            }
        }
    }
    // After the first broken rule, or past the lines the rules may read: measured only.
    for (name, value) in lines {
        scan.count += 1;
        scan.bytes += carried_len(name.as_str().as_bytes(), value.as_bytes());
    }
    scan
}

/// The byte path's limits, measured on the request as HTTP/1.1 would carry it
/// (`METHOD target HTTP/1.1\r\n`, then `name: value\r\n` per line) and met in the order
/// the byte path's scan meets them: 414 for the target, 431 for the number of lines or
/// the head. `http` types hold no more than their stack allowed, which may be more.
#[inline]
pub(super) fn check_limits(
    limits: &Limits,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    scan: &LineScan,
) -> Result<(), Error> {
    let target = target_len(uri);
    let offset = method.as_str().len() + 1;
    let first_line = offset + target + " HTTP/1.1\r\n".len();
    let lines = || {
        headers
            .iter()
            .map(|(name, value)| carried_len(name.as_str().as_bytes(), value.as_bytes()))
    };
    limits.check_parsed(
        first_line,
        (offset, target),
        (scan.count, scan.bytes),
        lines,
    )
}

/// A header line's length as HTTP/1.1 carries it: `name: value\r\n`.
fn carried_len(name: &[u8], value: &[u8]) -> usize {
    name.len() + 2 + value.len() + 2
}

/// The length of the request-target the URI was parsed from.
fn target_len(uri: &Uri) -> usize {
    let path = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => scheme.len() + 3 + authority.as_str().len() + path,
        (_, Some(authority)) => authority.as_str().len() + path,
        _ => path,
    }
}

/// Origin-form or absolute-form with an `http`, `https`, `ws` or `wss` scheme and a valid
/// host, as [`super::request::split_target`] requires. (A fragment never reaches here:
/// `Uri` drops it when parsing.)
fn check_target(uri: &Uri) -> Result<(), Error> {
    match (uri.scheme_str(), uri.authority()) {
        (None, None) if uri.path().starts_with('/') => Ok(()),
        (Some(scheme), Some(authority))
            if ["http", "https", "ws", "wss"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s))
                && is_valid_host(authority.as_str().as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(Error::InvalidTarget),
    }
}

/// With the `http` feature: a request another stack parsed, and the answers as
/// `http::Response`s.
impl<'a> Incoming<'a> {
    /// Validates a request parsed into `http` types with exactly the rules and errors of
    /// [`ServerHandshake::poll`](super::ServerHandshake::poll) (feature `http`); the body
    /// is not read. Answer an `Err` with [`Error::to_response`].
    ///
    /// ```
    /// use wshake_proto::server::{Incoming, ServerConfig};
    ///
    /// let request = http::Request::get("/chat")
    ///     .header("host", "example.com")
    ///     .header("upgrade", "websocket")
    ///     .header("connection", "Upgrade")
    ///     .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
    ///     .header("sec-websocket-version", "13")
    ///     .body(())?;
    /// let config = ServerConfig::new();
    /// let incoming = Incoming::from_http(&config, &request)?;
    /// let answer = incoming.decide()?;
    /// let response = incoming.accept_response(&answer)?;
    /// assert_eq!(response.status(), 101);
    /// assert_eq!(response.headers()["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http<B>(
        config: &'a ServerConfig,
        request: &'a http::Request<B>,
    ) -> Result<Self, Error> {
        Self::from_http_parts(
            config,
            request.method(),
            request.uri(),
            request.version(),
            request.headers(),
        )
    }

    /// [`from_http`](Self::from_http) for the parts of a request, as an axum extractor
    /// or a hyper service holds them (feature `http`).
    pub fn from_parts(
        config: &'a ServerConfig,
        parts: &'a http::request::Parts,
    ) -> Result<Self, Error> {
        Self::from_http_parts(
            config,
            &parts.method,
            &parts.uri,
            parts.version,
            &parts.headers,
        )
    }

    fn from_http_parts(
        config: &'a ServerConfig,
        method: &'a Method,
        uri: &'a Uri,
        version: Version,
        headers: &'a HeaderMap,
    ) -> Result<Self, Error> {
        let request = validate(&config.limits, method, uri, version, headers, None)?;
        config.check_host(request.host)?;
        Ok(Self {
            request: Request::from_http(request),
            config,
            peer: None,
        })
    }

    /// The 101 for this acceptance as an `http::Response` (feature `http`), checked
    /// against the request first like [`accept`](Self::accept), with the same headers.
    pub fn accept_response(
        self,
        answer: &AcceptConnection<'_>,
    ) -> Result<http::Response<()>, LocalError> {
        let mut sink = HttpSink::for_request(&self.request);
        answer.write(&self.request, &mut sink)?;
        Ok(sink.finish()?.map(|_| ()))
    }

    /// The complete response an owned [`Answer`] makes, as an `http::Response` (feature
    /// `http`): the 101 (empty body), the rejection, or the answer to a policy's refusal
    /// or to an answer that cannot be sent (500).
    pub fn answer_response(self, answer: &Answer) -> (http::Response<Bytes>, Answered) {
        let mut sink = HttpSink::for_request(&self.request);
        let version = if self.request.is_http2() {
            Version::HTTP_2
        } else {
            Version::HTTP_11
        };
        let answered = answer
            .compose(&self, &mut sink)
            .unwrap_or_else(Answered::Failed);
        match answered {
            Answered::Refused(error) => (error.to_response_for(version), Answered::Refused(error)),
            Answered::Failed(error) => (error.to_response_for(version), Answered::Failed(error)),
            answered @ (Answered::Accepted { .. } | Answered::Rejected { .. }) => {
                match sink.error() {
                    Some(error) => (error.to_response_for(version), Answered::Failed(error)),
                    // The composed response, moved once: into the answer.
                    None => (sink.into_response(), answered),
                }
            }
        }
    }

    /// The application's rejection as an `http::Response` (feature `http`): the same
    /// status, headers and body as [`reject`](Self::reject) writes.
    pub fn reject_response(self, reject: &RejectConnection<'_>) -> http::Response<Bytes> {
        let mut sink = HttpSink::for_request(&self.request);
        reject.compose(&mut sink);
        sink.into_response()
    }
}

/// With the `http` feature: a request validated and kept in one pass, to be answered
/// later (an extractor, which cannot borrow the request past its extraction).
impl OwnedRequest {
    /// Validates the parts of a request exactly like [`Incoming::from_parts`] and, in the
    /// same pass over its lines, keeps what answering it under `config` reads: the copy
    /// [`Request::into_owned_for_answer`](super::Request::into_owned_for_answer) makes,
    /// except that the forwarding headers (`Forwarded`, `X-Forwarded-Host`,
    /// `X-Forwarded-Proto`) are kept only if `config` trusts a proxy. Answer it with
    /// [`Incoming::validated`] on its [`view`](Self::view), under the same config.
    ///
    /// ```
    /// use wshake_proto::server::{Incoming, OwnedRequest, ServerConfig};
    ///
    /// let (parts, ()) = http::Request::get("/chat")
    ///     .header("host", "example.com")
    ///     .header("upgrade", "websocket")
    ///     .header("connection", "Upgrade")
    ///     .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
    ///     .header("sec-websocket-version", "13")
    ///     .header("cookie", "a=1")
    ///     .body(())?
    ///     .into_parts();
    /// let config = ServerConfig::new();
    /// let kept = OwnedRequest::from_parts(&config, &parts)?;
    /// assert_eq!(kept.view().headers().get("cookie"), None); // no answer reads it
    /// let answer = Incoming::validated(&config, kept.view()).decide()?;
    /// # let _ = answer;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parts(config: &ServerConfig, parts: &http::request::Parts) -> Result<Self, Error> {
        validate_and_keep(config, parts, |keep| {
            validate(
                &config.limits,
                &parts.method,
                &parts.uri,
                parts.version,
                &parts.headers,
                keep,
            )
        })
    }
}

/// The one-pass copy of either version: `validate` with the lines an answer reads kept,
/// then the host allow-list, as `Incoming` checks it.
pub(super) fn validate_and_keep<'a>(
    config: &ServerConfig,
    parts: &http::request::Parts,
    validate: impl FnOnce(Keep<'_>) -> Result<HttpRequest<'a>, Error>,
) -> Result<OwnedRequest, Error> {
    // Boxed before validating, its lines kept in place: nothing to move once valid. (A
    // refused request's answer allocates anyway.)
    let mut owned = OwnedHttpRequest::boxed(parts.method.clone(), parts.uri.clone());
    let request = validate(Some(Kept {
        lines: &mut owned.headers,
        forwarded: !config.trusted_proxies.is_empty(),
    }))?;
    config.check_host(request.host)?;
    owned.key = request.key;
    Ok(OwnedRequest::from_http(owned))
}
