//! What an application's decision answers, owned so that it can be built across awaits,
//! and the response it composes: [`Incoming::answer`] writes it as HTTP/1.1 bytes,
//! `Incoming::answer_response` (feature `http`) as an `http::Response`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::extensions::DeflateParams;
use crate::write::ResponseSink;
use crate::{Error, LocalError};

use super::{Incoming, RejectConnection};

/// An application's answer to a valid request, owned so that a decision can build it
/// across awaits (wshake-tokio's `accept_with`, wshake-hyper, wshake-axum). Accepting keeps the configured negotiation (subprotocol preference,
/// permessage-deflate); what the answer names is checked against the request when it
/// is written, and one the handshake cannot send is answered with a 500.
///
/// ```
/// use wshake_proto::server::Answer;
///
/// // Every configured policy, plus a header on the 101.
/// let welcome = Answer::policy().header("X-Session", "42");
/// // The application checked the origin itself and picks the subprotocol.
/// let chosen = Answer::accept().protocol("chat.v2");
/// // A refusal with the usual HTTP means.
/// let refused = Answer::reject(401).header("WWW-Authenticate", "Bearer").body("log in first\n");
/// # let _ = (welcome, chosen, refused);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    kind: Kind,
    headers: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Accept {
        check_origin: bool,
        protocol: Protocol,
    },
    Reject {
        status: u16,
        body: Vec<u8>,
    },
}

/// Which subprotocol an acceptance answers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Protocol {
    /// The configured preference's choice.
    Negotiated,
    /// The application's: none.
    Without,
    /// The application's: this one.
    Chosen(String),
}

impl Answer {
    /// Accepts as every configured policy says: the origin policy (403 when it refuses),
    /// the subprotocol preference (400 when one is required and none agreed), and
    /// permessage-deflate.
    pub const fn policy() -> Self {
        Self::accepting(true)
    }

    /// Accepts: the application decided, so no policy refuses (neither the origin policy
    /// nor [`require_protocol`](super::ServerConfig::require_protocol));
    /// it checked `Origin` (or a token) itself. The subprotocol and permessage-deflate
    /// are still negotiated as configured unless [`protocol`](Self::protocol) or
    /// [`no_protocol`](Self::no_protocol) says otherwise.
    pub const fn accept() -> Self {
        Self::accepting(false)
    }

    const fn accepting(check_origin: bool) -> Self {
        Self {
            kind: Kind::Accept {
                check_origin,
                protocol: Protocol::Negotiated,
            },
            headers: Vec::new(),
        }
    }

    /// Rejects with this status (300–599; anything else is answered with a 500 and
    /// a [`LocalError`]).
    pub fn reject(status: u16) -> Self {
        Self {
            kind: Kind::Reject {
                status,
                body: Vec::new(),
            },
            headers: Vec::new(),
        }
    }

    /// When accepting, this subprotocol instead of the configured preference's choice
    /// (it must be one the client offered). Ignored by a rejection.
    #[must_use]
    pub fn protocol(mut self, protocol: impl Into<String>) -> Self {
        if let Kind::Accept {
            protocol: chosen, ..
        } = &mut self.kind
        {
            *chosen = Protocol::Chosen(protocol.into());
        }
        self
    }

    /// When accepting, no subprotocol at all. Ignored by a rejection.
    #[must_use]
    pub fn no_protocol(mut self) -> Self {
        if let Kind::Accept {
            protocol: chosen, ..
        } = &mut self.kind
        {
            *chosen = Protocol::Without;
        }
        self
    }

    /// Adds a header to the 101 or to the rejection (up to 16). The handshake's own
    /// headers and control characters are refused when the answer is written.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The rejection's body, sent with its `Content-Length`. Ignored when accepting.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        if let Kind::Reject { body: kept, .. } = &mut self.kind {
            *kept = body.into();
        }
        self
    }

    pub(crate) fn compose(
        &self,
        incoming: &Incoming<'_>,
        out: &mut impl ResponseSink,
    ) -> Result<Answered, LocalError> {
        match &self.kind {
            Kind::Accept {
                check_origin,
                protocol,
            } => {
                // Built once and changed in place: an acceptance holds its extra headers
                // inline, and every copy of it costs a few hundred bytes' move.
                let mut answer = incoming.negotiate();
                if *check_origin {
                    if let Err(refused) = incoming.check_decision(&answer) {
                        return Ok(Answered::Refused(refused));
                    }
                }
                match protocol {
                    Protocol::Negotiated => {}
                    Protocol::Chosen(protocol) => answer.protocol = Some(protocol),
                    Protocol::Without => answer.protocol = None,
                }
                for (name, value) in &self.headers {
                    answer.push_header(name, value)?;
                }
                answer.write(&incoming.request, out)?;
                Ok(Answered::Accepted {
                    protocol: answer.chosen_protocol().map(str::to_string),
                    deflate: answer.deflate(),
                })
            }
            Kind::Reject { status, body } => {
                let mut reject = RejectConnection::new(*status)?.body(body);
                for (name, value) in &self.headers {
                    reject = reject.header(name, value)?;
                }
                reject.compose(out);
                Ok(Answered::Rejected { status: *status })
            }
        }
    }
}

/// What an [`Answer`] made of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answered {
    /// A 101.
    Accepted {
        /// The subprotocol answered.
        protocol: Option<String>,
        /// The permessage-deflate parameters answered.
        deflate: Option<DeflateParams>,
    },
    /// The application's rejection.
    Rejected {
        /// Its status.
        status: u16,
    },
    /// A policy refused the request (e.g. 403 for the origin): answer the error.
    Refused(Error),
    /// The answer cannot be sent (the application's mistake): answer a 500.
    Failed(LocalError),
}
