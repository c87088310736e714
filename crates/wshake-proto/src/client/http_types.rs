//! The client role over `http` types (feature `http`): the request as an `http::Request`
//! for a stack that writes it (hyper's client), and its `http::Response` verified by the
//! same rules as the bytes.

use http::{HeaderName, HeaderValue, Method, Uri, Version};

use crate::{Error, Headers, LocalError};

use super::response::{Response, verify};
use super::{ClientHandshake, Outcome};

/// With the `http` feature: the request for another stack to send, and its response.
impl ClientHandshake {
    /// The request (C4–C9) as an `http::Request`, with the same headers in the same
    /// order as [`write_request`](Self::write_request) (feature `http`). Send it as
    /// HTTP/1.1, e.g. with `hyper::client::conn::http1`.
    ///
    /// ```
    /// use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
    /// use wshake_proto::Key;
    ///
    /// let target = Target::new("example.com", "/chat")?;
    /// let mut client =
    ///     ClientHandshake::new(ClientConfig::new(), target, Key::from_nonce(*b"the sample nonce"));
    /// let request = client.http_request()?;
    /// assert_eq!(request.headers()["sec-websocket-version"], "13");
    ///
    /// let response = http::Response::builder()
    ///     .status(101)
    ///     .header("upgrade", "websocket")
    ///     .header("connection", "Upgrade")
    ///     .header("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    ///     .body(())?;
    /// let (parts, ()) = response.into_parts();
    /// let outcome = client.verify_response(&parts)?;
    /// assert_eq!(outcome.protocol(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_request(&self) -> Result<http::Request<()>, LocalError> {
        let mut request = http::Request::new(());
        *request.method_mut() = Method::GET;
        *request.version_mut() = Version::HTTP_11;
        *request.uri_mut() =
            Uri::try_from(self.target.resource()).map_err(|_| LocalError::InvalidResource)?;
        append(request.headers_mut(), self.request_headers())?;
        Ok(request)
    }

    /// The extended CONNECT (RFC 8441 §4, E31, E32) that opens this WebSocket over an
    /// HTTP/2 connection: method `CONNECT`, the absolute URI (`https` over TLS, `http`
    /// without) that gives `:scheme`, `:authority` and `:path`, `sec-websocket-version: 13`
    /// and what the config offers (subprotocols, extensions, `Origin`, extra headers); no
    /// `Host`, `Upgrade`, `Connection` or key. `http` types cannot carry `:protocol`: the
    /// stack that sends it adds `websocket` (hyper: the `hyper::ext::Protocol` extension).
    ///
    /// ```
    /// use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
    /// use wshake_proto::Key;
    ///
    /// let target = Target::new("example.com", "/chat")?;
    /// let config = ClientConfig::new().protocol("chat")?;
    /// let mut client = ClientHandshake::new(config, target, Key::from_nonce(*b"the sample nonce"));
    /// let request = client.http2_request(true)?;
    /// assert_eq!(request.method(), "CONNECT");
    /// assert_eq!(request.uri(), "https://example.com/chat");
    /// assert!(request.headers().get("sec-websocket-key").is_none());
    ///
    /// let response = http::Response::builder()
    ///     .status(200)
    ///     .version(http::Version::HTTP_2)
    ///     .header("sec-websocket-protocol", "chat")
    ///     .body(())?;
    /// let (parts, ()) = response.into_parts();
    /// assert_eq!(client.verify_response(&parts)?.protocol(), Some("chat"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http2_request(&self, tls: bool) -> Result<http::Request<()>, LocalError> {
        let mut request = http::Request::new(());
        *request.method_mut() = Method::CONNECT;
        *request.version_mut() = Version::HTTP_2;
        let scheme = if tls { "https" } else { "http" };
        let uri = alloc::format!(
            "{scheme}://{}{}",
            self.target.host_header(),
            self.target.resource()
        );
        *request.uri_mut() = Uri::try_from(uri).map_err(|_| LocalError::InvalidResource)?;
        let own = [("sec-websocket-version", "13")].into_iter();
        append(
            request.headers_mut(),
            own.chain(self.config.offered_headers()),
        )?;
        Ok(request)
    }

    /// Verifies a response another stack read (C11) with exactly the rules and errors of
    /// [`poll`](Self::poll) (feature `http`). A status other than 101 is
    /// [`Error::NotSwitchingProtocols`]; the body is not read. Over HTTP/2 (the answer to
    /// [`http2_request`](Self::http2_request)) the status is 200, there is no accept, and
    /// a connection-specific header is an error (E36).
    pub fn verify_response<'a>(
        &'a mut self,
        response: &'a http::response::Parts,
    ) -> Result<Outcome<'a>, Error> {
        let (minor, http2) = match response.version {
            Version::HTTP_10 => (0, false),
            Version::HTTP_11 => (1, false),
            Version::HTTP_2 | Version::HTTP_3 => (0, true),
            _ => return Err(Error::UnsupportedHttpVersion),
        };
        let response = Response {
            headers: Headers::from_map(&response.headers),
            raw: None,
            status: response.status.as_u16(),
            reason: response
                .status
                .canonical_reason()
                .unwrap_or_default()
                .as_bytes(),
            minor,
            http2,
        };
        let verified = verify(&response, &self.config, &self.expected)?;
        Ok(Outcome {
            response,
            verified: self.verified.insert(verified),
        })
    }
}

/// Appends `(name, value)` pairs, in order, to an `http` header map.
fn append<'h>(
    headers: &mut http::HeaderMap,
    lines: impl Iterator<Item = (&'h str, &'h str)>,
) -> Result<(), LocalError> {
    for (name, value) in lines {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| LocalError::InvalidHeaderName)?;
        let value = HeaderValue::from_str(value).map_err(|_| LocalError::InvalidHeaderValue)?;
        headers.append(name, value);
    }
    Ok(())
}
