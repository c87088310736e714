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
        let headers = request.headers_mut();
        for (name, value) in self.request_headers() {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| LocalError::InvalidHeaderName)?;
            let value = HeaderValue::from_str(value).map_err(|_| LocalError::InvalidHeaderValue)?;
            headers.append(name, value);
        }
        Ok(request)
    }

    /// Verifies a response another stack read (C11) with exactly the rules and errors of
    /// [`poll`](Self::poll) (feature `http`). A status other than 101 is
    /// [`Error::NotSwitchingProtocols`]; the body is not read.
    pub fn verify_response<'a>(
        &'a mut self,
        response: &'a http::response::Parts,
    ) -> Result<Outcome<'a>, Error> {
        let minor = match response.version {
            Version::HTTP_10 => 0,
            Version::HTTP_11 => 1,
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
        };
        let verified = verify(&response, &self.config, &self.expected)?;
        Ok(Outcome {
            response,
            verified: self.verified.insert(verified),
        })
    }
}
