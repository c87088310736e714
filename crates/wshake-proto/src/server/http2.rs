//! The server role over HTTP/2 (and HTTP/3): an extended CONNECT (RFC 8441) that another
//! stack parsed, checked with the HTTP/1.1 path's own header rules (`RequestHeaders` in
//! its HTTP/2 mode, the limits, the Origin policy) plus the pseudo-header rules of RFC 8441
//! §4 and RFC 9113 §8.3 and §8.5, and answered with a 200 by the same composition.

use http::{HeaderMap, Method, Uri, Version};

use crate::Error;
use crate::error::Excerpt;
use crate::grammar::is_valid_host;
use crate::headers::HttpLines;
use crate::limits::Limits;

use super::http_types::{HttpRequest, Keep, check_limits, scan_lines, validate_and_keep};
use super::request::RequestHeaders;
use super::{Incoming, OwnedRequest, Request, ServerConfig};

/// What an HTTP/2 stack knows beside the `http::Request`: the `:protocol` pseudo-header,
/// which `http` types do not carry (hyper hands it over as `hyper::ext::Protocol` in the
/// request's extensions, h2 as `h2::ext::Protocol`), and whether the connection is TLS,
/// which `:scheme` must match (`https` over TLS, `http` without).
///
/// ```
/// use wshake_proto::server::ExtendedConnect;
///
/// let connect = ExtendedConnect::new(Some("websocket")).tls(true);
/// # let _ = connect;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtendedConnect<'a> {
    protocol: Option<&'a str>,
    tls: Option<bool>,
}

impl<'a> ExtendedConnect<'a> {
    /// The request's `:protocol`, if it had one. Whether the connection is TLS is not
    /// known: `:scheme` must then be `http` or `https`, either.
    pub fn new(protocol: Option<&'a str>) -> Self {
        Self {
            protocol,
            tls: None,
        }
    }

    /// Says whether the connection is TLS, so that `:scheme` is checked against it.
    #[must_use]
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = Some(tls);
        self
    }
}

/// With the `http` feature: a WebSocket over HTTP/2 (or HTTP/3).
impl<'a> Incoming<'a> {
    /// Validates an HTTP/2 (or HTTP/3) extended CONNECT (RFC 8441) parsed into `http`
    /// types: the pseudo-headers (method `CONNECT`, `:protocol` exactly `websocket`,
    /// `:scheme` matching the connection, `:path`, `:authority` or `host`, consistent),
    /// no connection-specific header, then every header rule of the HTTP/1.1 path with
    /// the same errors (version 13, subprotocols, extensions, `Origin`, duplicates, no
    /// body), and the same policies when answered. The answer is a 200 (no key, no
    /// accept); [`Error::to_response_for`] answers an `Err`.
    ///
    /// ```
    /// use wshake_proto::server::{ExtendedConnect, Incoming, ServerConfig};
    ///
    /// let request = http::Request::connect("https://example.com/chat")
    ///     .version(http::Version::HTTP_2)
    ///     .header("sec-websocket-version", "13")
    ///     .header("sec-websocket-protocol", "chat")
    ///     .body(())?;
    /// let config = ServerConfig::new().protocols(["chat"]);
    /// let connect = ExtendedConnect::new(Some("websocket")).tls(true);
    /// let incoming = Incoming::from_http2(&config, &request, connect)?;
    /// let answer = incoming.decide()?;
    /// let response = incoming.accept_response(&answer)?;
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
    /// assert!(response.headers().get("sec-websocket-accept").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http2<B>(
        config: &'a ServerConfig,
        request: &'a http::Request<B>,
        connect: ExtendedConnect<'_>,
    ) -> Result<Self, Error> {
        Self::from_http2_request(
            config,
            request.method(),
            request.uri(),
            request.version(),
            request.headers(),
            connect,
        )
    }

    /// [`from_http2`](Self::from_http2) for the parts of a request, as an axum extractor
    /// or a hyper service holds them.
    pub fn from_http2_parts(
        config: &'a ServerConfig,
        parts: &'a http::request::Parts,
        connect: ExtendedConnect<'_>,
    ) -> Result<Self, Error> {
        Self::from_http2_request(
            config,
            &parts.method,
            &parts.uri,
            parts.version,
            &parts.headers,
            connect,
        )
    }

    fn from_http2_request(
        config: &'a ServerConfig,
        method: &'a Method,
        uri: &'a Uri,
        version: Version,
        headers: &'a HeaderMap,
        connect: ExtendedConnect<'_>,
    ) -> Result<Self, Error> {
        let request = validate(&config.limits, method, uri, version, headers, connect, None)?;
        config.check_host(request.host)?;
        Ok(Self::validated(config, Request::from_http(request)))
    }
}

/// With the `http` feature: an extended CONNECT validated and kept in one pass.
impl OwnedRequest {
    /// [`OwnedRequest::from_parts`] for an HTTP/2 (or HTTP/3) extended CONNECT: validates
    /// exactly like [`Incoming::from_http2_parts`] and keeps what answering under `config`
    /// reads (the forwarding headers only if `config` trusts a proxy).
    pub fn from_http2_parts(
        config: &ServerConfig,
        parts: &http::request::Parts,
        connect: ExtendedConnect<'_>,
    ) -> Result<Self, Error> {
        validate_and_keep(config, parts, |keep| {
            validate(
                &config.limits,
                &parts.method,
                &parts.uri,
                parts.version,
                &parts.headers,
                connect,
                keep,
            )
        })
    }
}

/// The checks in order: limits, version, the pseudo-headers as RFC 8441 §4 lists them,
/// every header line, then what must be there and agree.
fn validate<'a>(
    limits: &Limits,
    method: &'a Method,
    uri: &'a Uri,
    version: Version,
    headers: &'a HeaderMap,
    connect: ExtendedConnect<'_>,
    keep: Keep<'_>,
) -> Result<HttpRequest<'a>, Error> {
    let mut rules = RequestHeaders::<&'a [u8]>::http2();
    let lines = scan_lines(headers, &mut rules, limits.max_headers, keep);
    check_limits(limits, method, uri, headers, &lines)?;
    if version < Version::HTTP_2 {
        // An HTTP/1.x request has no extended CONNECT: `Incoming::from_http` is its path.
        return Err(Error::UnsupportedHttpVersion);
    }
    if method != Method::CONNECT {
        return Err(Error::MethodNotConnect {
            method: Excerpt::new(method.as_str().as_bytes()),
        });
    }
    match connect.protocol {
        None => return Err(Error::MissingConnectProtocol),
        Some("websocket") => {}
        Some(protocol) => {
            return Err(Error::ConnectProtocolNotWebSocket {
                protocol: Excerpt::new(protocol.as_bytes()),
            });
        }
    }
    let authority = uri.authority().map(http::uri::Authority::as_str);
    check_scheme(uri.scheme_str(), authority.is_some(), connect.tls)?;
    if uri.path_and_query().is_none() || !uri.path().starts_with('/') {
        return Err(Error::MissingPath);
    }
    if authority.is_some_and(|authority| !is_valid_host(authority.as_bytes())) {
        return Err(Error::InvalidHost);
    }
    if let Some(error) = lines.error {
        return Err(error);
    }
    let (host, _origin, _, _) = rules.finish_http2()?;
    let host = match (authority.map(str::as_bytes), host) {
        (Some(authority), Some(host)) if !authority.eq_ignore_ascii_case(host) => {
            return Err(Error::AuthorityMismatch);
        }
        (Some(authority), _) => authority,
        (None, Some(host)) => host,
        (None, None) => return Err(Error::MissingAuthority),
    };
    Ok(HttpRequest {
        method,
        uri,
        headers: HttpLines::Map(headers),
        host,
        key: None,
    })
}

/// `:scheme` is `http` or `https`, and the connection's when known (RFC 8441 §4: `https`
/// for `wss`, `http` for `ws`). A stack may drop `:scheme` from the `Uri` of a request
/// without `:authority` (hyper does, and h2 has already refused one without `:scheme`);
/// with `:authority`, a missing scheme is the peer's.
fn check_scheme(scheme: Option<&str>, has_authority: bool, tls: Option<bool>) -> Result<(), Error> {
    let Some(scheme) = scheme else {
        return if has_authority {
            Err(Error::MissingScheme)
        } else {
            Ok(())
        };
    };
    let secure = match scheme {
        "https" => true,
        "http" => false,
        _ => {
            return Err(Error::UnexpectedScheme {
                scheme: Excerpt::new(scheme.as_bytes()),
            });
        }
    };
    if tls.is_some_and(|tls| tls != secure) {
        return Err(Error::UnexpectedScheme {
            scheme: Excerpt::new(scheme.as_bytes()),
        });
    }
    Ok(())
}
