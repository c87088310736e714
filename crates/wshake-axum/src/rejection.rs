//! Why the extractor refused a request, answered as wshake answers it.

use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};

/// The extractor's refusal: the request broke the handshake, or it came through no
/// connection that can be upgraded. Its response is the one the byte path sends.
#[non_exhaustive]
#[derive(Debug)]
pub enum Rejection {
    /// The request broke the handshake: answered with the error's status, headers and
    /// one-line body (e.g. 426 with `Sec-WebSocket-Version: 13`), in the form its HTTP
    /// version takes (over HTTP/2 no connection-specific header, and a version refusal is
    /// a 400 with `sec-websocket-version: 13`).
    Handshake {
        /// What the request got wrong.
        error: wshake_hyper::wshake_proto::Error,
        /// The request's HTTP version.
        version: http::Version,
    },
    /// A valid request, but hyper gave no upgrade for its connection (a request not
    /// served by hyper's HTTP/1.1 connection with upgrades, or its HTTP/2 connection): 500.
    NotUpgradable,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Handshake { error, .. } => write!(f, "handshake refused: {error}"),
            Self::NotUpgradable => f.write_str("the connection cannot be upgraded"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Handshake { error, .. } => Some(error),
            Self::NotUpgradable => None,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let response = match self {
            Self::Handshake { error, version } => error.to_response_for(version),
            Self::NotUpgradable => {
                wshake_hyper::wshake_proto::LocalError::InvalidResource.to_response()
            }
        };
        response.map(Body::from)
    }
}
