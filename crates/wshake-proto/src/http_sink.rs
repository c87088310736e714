//! Responses as `http` types (feature `http`): the same composition as the HTTP/1.1
//! bytes, collected into an `http::Response`; and the errors' answers in that form.

use alloc::string::ToString;

use bytes::Bytes;
use core::fmt;
use http::{HeaderName, HeaderValue, StatusCode};

use crate::write::{ResponseSink, error_response};
use crate::{Error, LocalError};

/// Collects a composed response into an `http::Response`.
#[derive(Debug, Default)]
pub(crate) struct HttpSink {
    response: http::Response<Bytes>,
    /// Set when a name or value was refused by `http` (the composition checks both
    /// first, so this stays `false`; kept so that nothing is dropped silently).
    refused: bool,
}

impl HttpSink {
    /// The response, or `Err` if `http` refused a header.
    pub(crate) fn finish(self) -> Result<http::Response<Bytes>, LocalError> {
        if self.refused {
            Err(LocalError::InvalidHeaderValue)
        } else {
            Ok(self.response)
        }
    }

    /// The response, headers `http` refused left out (none can be: see `refused`).
    pub(crate) fn into_response(self) -> http::Response<Bytes> {
        self.response
    }
}

impl ResponseSink for HttpSink {
    fn status(&mut self, status: u16) {
        match StatusCode::from_u16(status) {
            Ok(code) => *self.response.status_mut() = code,
            Err(_) => self.refused = true,
        }
    }

    fn header(&mut self, name: &str, value: &[u8]) {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.response.headers_mut().append(name, value);
            }
            _ => self.refused = true,
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
        let mut sink = HttpSink::default();
        error_response(self.status().unwrap_or(400), self, &mut sink);
        sink.into_response()
    }
}

impl LocalError {
    /// The answer to this error as an `http::Response`: the plain 500 that
    /// [`write_response`](Self::write_response) writes (feature `http`).
    pub fn to_response(&self) -> http::Response<Bytes> {
        let mut sink = HttpSink::default();
        error_response(500, &"internal server error", &mut sink);
        sink.into_response()
    }
}
