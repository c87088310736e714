//! Responses as `http` types (feature `http`): the same composition as the HTTP/1.1
//! bytes, collected into an `http::Response`; and the errors' answers in that form.

use alloc::string::ToString;

use bytes::Bytes;
use core::fmt;
use http::{HeaderName, HeaderValue, StatusCode, Version};

use crate::write::{ResponseSink, error_response, peer_error_response};
use crate::{Error, LocalError};

/// Collects a composed response into an `http::Response`.
#[derive(Debug)]
pub(crate) struct HttpSink {
    response: http::Response<Bytes>,
    /// Set when a name or value was refused by `http` (the composition checks both
    /// first, so this stays `false`; kept so that nothing is dropped silently).
    refused: bool,
    /// The response answers an HTTP/2 (or HTTP/3) request.
    http2: bool,
}

/// The handshake's own header names, as `http` constants (no parsing), and its constant
/// values as static `HeaderValue`s (no copy). Other names and values are parsed.
fn known_name(name: &str) -> Option<HeaderName> {
    use http::header;
    Some(match name {
        "Upgrade" => header::UPGRADE,
        "Connection" => header::CONNECTION,
        "Sec-WebSocket-Accept" => header::SEC_WEBSOCKET_ACCEPT,
        "Sec-WebSocket-Protocol" => header::SEC_WEBSOCKET_PROTOCOL,
        "Sec-WebSocket-Extensions" => header::SEC_WEBSOCKET_EXTENSIONS,
        "Sec-WebSocket-Version" => header::SEC_WEBSOCKET_VERSION,
        "Content-Type" => header::CONTENT_TYPE,
        "Content-Length" => header::CONTENT_LENGTH,
        "Allow" => header::ALLOW,
        _ => return None,
    })
}

fn known_value(value: &[u8]) -> Option<HeaderValue> {
    Some(HeaderValue::from_static(match value {
        b"websocket" => "websocket",
        b"Upgrade" => "Upgrade",
        b"close" => "close",
        b"13" => "13",
        b"GET" => "GET",
        b"CONNECT" => "CONNECT",
        b"text/plain; charset=utf-8" => "text/plain; charset=utf-8",
        _ => return None,
    }))
}

impl HttpSink {
    /// A sink for a response to a request of this version (the response's own version is
    /// left to the stack that sends it).
    pub(crate) fn for_version(version: Version) -> Self {
        Self::new(version >= Version::HTTP_2)
    }

    /// A sink for the response to `request`.
    pub(crate) fn for_request(request: &crate::server::Request<'_>) -> Self {
        Self::new(request.is_http2())
    }

    fn new(http2: bool) -> Self {
        let mut sink = Self {
            response: http::Response::new(Bytes::new()),
            refused: false,
            http2,
        };
        // A 101 has 3 to 6 headers before any extra ones, a refusal 4 or 5: room for 6
        // (`http`'s smallest table, as `HeaderMap::new` grows to on its first insert);
        // an answer with more headers grows it. Reserved in the map `Response::new` made,
        // which holds nothing yet: no second map to build and drop.
        sink.response.headers_mut().reserve(5);
        sink
    }

    /// The response, or `Err` if `http` refused a header.
    pub(crate) fn finish(self) -> Result<http::Response<Bytes>, LocalError> {
        self.error().map_or(Ok(self.response), Err)
    }

    /// The error [`finish`](Self::finish) would give, if any: checked before the
    /// response is moved out.
    pub(crate) fn error(&self) -> Option<LocalError> {
        self.refused.then_some(LocalError::InvalidHeaderValue)
    }

    /// The response, headers `http` refused left out (none can be: see `refused`).
    pub(crate) fn into_response(self) -> http::Response<Bytes> {
        self.response
    }
}

impl ResponseSink for HttpSink {
    fn http2(&self) -> bool {
        self.http2
    }

    fn status(&mut self, status: u16) {
        match StatusCode::from_u16(status) {
            Ok(code) => *self.response.status_mut() = code,
            Err(_) => self.refused = true,
        }
    }

    fn header(&mut self, name: &str, value: &[u8]) {
        // A response has no `TE` at all: `trailers` is a request's value.
        if self.http2 && crate::rules::is_connection_specific(name.as_bytes(), b"") {
            // RFC 9113 §8.2.2: an HTTP/2 stack would strip it (hyper does, silently);
            // only an application's extra header on a rejection can be one.
            return;
        }
        match (
            known_name(name).map_or_else(|| HeaderName::from_bytes(name.as_bytes()), Ok),
            known_value(value).map_or_else(|| HeaderValue::from_bytes(value), Ok),
        ) {
            (Ok(name), Ok(value)) => {
                self.response.headers_mut().append(name, value);
            }
            _ => self.refused = true,
        }
    }

    fn upgrade_lines(&mut self, accept: &[u8]) {
        // Built as constants, not looked up: the hot path of every 101.
        const WEBSOCKET: HeaderValue = HeaderValue::from_static("websocket");
        const UPGRADE: HeaderValue = HeaderValue::from_static("Upgrade");
        let headers = self.response.headers_mut();
        headers.append(http::header::UPGRADE, WEBSOCKET);
        headers.append(http::header::CONNECTION, UPGRADE);
        match HeaderValue::from_bytes(accept) {
            Ok(accept) => {
                headers.append(http::header::SEC_WEBSOCKET_ACCEPT, accept);
            }
            Err(_) => self.refused = true,
        }
    }

    fn header_display(&mut self, name: &str, value: &dyn fmt::Display) {
        self.header(name, value.to_string().as_bytes());
    }

    fn body(&mut self, body: &[u8]) {
        if !body.is_empty() {
            *self.response.body_mut() = Bytes::copy_from_slice(body);
        }
    }

    fn body_fmt(&mut self, body: fmt::Arguments<'_>) {
        *self.response.body_mut() = Bytes::from(alloc::fmt::format(body));
    }
}

impl Error {
    /// The answer to this error as an `http::Response`: the same status, headers and
    /// body as [`write_response`](Self::write_response) writes (feature `http`).
    ///
    /// ```
    /// let response = wshake_proto::Error::MissingVersion.to_response();
    /// assert_eq!(response.status(), 426);
    /// assert_eq!(response.headers()["sec-websocket-version"], "13");
    /// ```
    pub fn to_response(&self) -> http::Response<Bytes> {
        self.to_response_for(Version::HTTP_11)
    }

    /// The answer to this error for a request of `version`: over HTTP/2 (and HTTP/3)
    /// without connection-specific headers, and a version refusal is a 400 with
    /// `sec-websocket-version: 13` (a 426 would need `Upgrade`, which HTTP/2 forbids).
    ///
    /// ```
    /// use http::Version;
    ///
    /// let response = wshake_proto::Error::MissingVersion.to_response_for(Version::HTTP_2);
    /// assert_eq!(response.status(), 400);
    /// assert_eq!(response.headers()["sec-websocket-version"], "13");
    /// assert!(response.headers().get("connection").is_none());
    /// ```
    pub fn to_response_for(&self, version: Version) -> http::Response<Bytes> {
        let mut sink = HttpSink::for_version(version);
        peer_error_response(self, &mut sink);
        sink.into_response()
    }
}

impl LocalError {
    /// The answer to this error as an `http::Response`: the plain 500 that
    /// [`write_response`](Self::write_response) writes (feature `http`).
    pub fn to_response(&self) -> http::Response<Bytes> {
        self.to_response_for(Version::HTTP_11)
    }

    /// [`to_response`](Self::to_response) for a request of `version` (no
    /// `Connection: close` over HTTP/2 and later).
    pub fn to_response_for(&self, version: Version) -> http::Response<Bytes> {
        let mut sink = HttpSink::for_version(version);
        error_response(500, &[], &"internal server error", &mut sink);
        sink.into_response()
    }
}
