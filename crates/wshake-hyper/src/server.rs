//! The server role in a hyper service: validate the request hyper parsed, answer it, and
//! hand over the connection once hyper has sent the 101.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use hyper::upgrade::OnUpgrade;
use wshake_proto::extensions::DeflateParams;
use wshake_proto::server::{
    Answer, Answered, ExtendedConnect, Incoming, OwnedRequest, Request, ServerConfig,
};

use crate::Upgraded;
use crate::upgraded::Agreed;

/// The response to return from the service, with the body type hyper's examples use.
pub type Response = http::Response<Full<Bytes>>;

/// Validates `request` and answers it with every configured policy (origin,
/// subprotocol preference, permessage-deflate): the 101 to return from the service and
/// the connection to come, or the complete refusal to return instead.
///
/// The rules and the answers are wshake-proto's, the same as on the byte path: a bad
/// version gets 426 with `Sec-WebSocket-Version: 13`, a foreign `Origin` 403, and so on.
pub fn accept<B>(
    config: &ServerConfig,
    request: &mut http::Request<B>,
) -> Result<(Response, PendingUpgrade), Refused> {
    let version = request.version();
    let (response, answered) = match validate(config, request) {
        Ok(incoming) => incoming.answer_response(&Answer::policy()),
        Err(error) => (error.to_response_for(version), Answered::Refused(error)),
    };
    finish(request, response, answered)
}

/// Validates a request hyper parsed: an HTTP/1.1 upgrade (`GET`, `Upgrade: websocket`)
/// or an HTTP/2 extended CONNECT (RFC 8441), whose `:protocol` hyper keeps in the
/// request's extensions (`hyper::ext::Protocol`), its `:scheme` checked against the
/// connection when the request carries a [`Tls`] extension ([`Server`](crate::Server)
/// inserts one).
pub fn validate<'a, B>(
    config: &'a ServerConfig,
    request: &'a http::Request<B>,
) -> Result<Incoming<'a>, wshake_proto::Error> {
    if request.version() >= http::Version::HTTP_2 {
        Incoming::from_http2(config, request, extended_connect(request.extensions()))
    } else {
        Incoming::from_http(config, request)
    }
}

/// [`validate`] for the parts of a request (an axum extractor holds those).
pub fn validate_parts<'a>(
    config: &'a ServerConfig,
    parts: &'a http::request::Parts,
) -> Result<Incoming<'a>, wshake_proto::Error> {
    if parts.version >= http::Version::HTTP_2 {
        Incoming::from_http2_parts(config, parts, extended_connect(&parts.extensions))
    } else {
        Incoming::from_parts(config, parts)
    }
}

/// [`validate_parts`] and, in the same pass, a copy of what answering reads (the method,
/// the URI and the lines an answer reads: `OwnedRequest::from_parts`), for an extractor
/// that answers after it no longer holds the parts: answer it with
/// `Incoming::validated(config, kept.view())` under the same `config` (the copy holds
/// the forwarding headers only if it trusts a proxy) and [`respond`].
pub fn validate_parts_for_answer(
    config: &ServerConfig,
    parts: &http::request::Parts,
) -> Result<OwnedRequest, wshake_proto::Error> {
    if parts.version >= http::Version::HTTP_2 {
        OwnedRequest::from_http2_parts(config, parts, extended_connect(&parts.extensions))
    } else {
        OwnedRequest::from_parts(config, parts)
    }
}

/// What hyper knows of an HTTP/2 request beside its `http` types.
fn extended_connect(extensions: &http::Extensions) -> ExtendedConnect<'_> {
    let protocol = extensions
        .get::<hyper::ext::Protocol>()
        .map(hyper::ext::Protocol::as_str);
    let connect = ExtendedConnect::new(protocol);
    match extensions.get::<Tls>() {
        Some(Tls(tls)) => connect.tls(*tls),
        None => connect,
    }
}

/// Whether the connection a request came on is TLS, as an extension of the request:
/// [`validate`] then checks an HTTP/2 request's `:scheme` against it (`https` over TLS).
/// [`Server`](crate::Server) inserts it into every request; a service served another way
/// may insert it itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tls(pub bool);

/// Like [`accept`], with the application's decision: `decide` reads the validated
/// request (path, query, headers, offered subprotocols) and may await (a session store,
/// a token check) before it answers.
///
/// ```no_run
/// # async fn service(mut request: http::Request<hyper::body::Incoming>)
/// #     -> Result<wshake_hyper::Response, std::convert::Infallible> {
/// use wshake_hyper::wshake_proto::server::{Answer, ServerConfig};
///
/// let config = ServerConfig::new().protocols(["chat"]);
/// let decided = wshake_hyper::accept_with(&config, &mut request, async |request| {
///     match request.query_param("token").as_deref() {
///         Some("let-me-in") => Answer::policy(),
///         _ => Answer::reject(401).body("a token, please\n"),
///     }
/// })
/// .await;
/// Ok(match decided {
///     Ok((response, upgrade)) => {
///         tokio::spawn(async move {
///             if let Ok(upgraded) = upgrade.await {
///                 // Hand `upgraded` (AsyncRead + AsyncWrite) to a framing library.
///                 drop(upgraded);
///             }
///         });
///         response
///     }
///     Err(refused) => refused.into_response(),
/// })
/// # }
/// ```
pub async fn accept_with<B, F>(
    config: &ServerConfig,
    request: &mut http::Request<B>,
    decide: F,
) -> Result<(Response, PendingUpgrade), Refused>
where
    F: AsyncFnOnce(&Request<'_>) -> Answer,
{
    let version = request.version();
    let (response, answered) = match validate(config, request) {
        Ok(incoming) => {
            let answer = decide(&incoming.request()).await;
            incoming.answer_response(&answer)
        }
        Err(error) => (error.to_response_for(version), Answered::Refused(error)),
    };
    finish(request, response, answered)
}

/// Takes hyper's upgrade out of an accepted request; anything else is a refusal.
fn finish<B>(
    request: &mut http::Request<B>,
    response: http::Response<Bytes>,
    answered: Answered,
) -> Result<(Response, PendingUpgrade), Refused> {
    if matches!(answered, Answered::Accepted { .. }) {
        pending(response, answered, hyper::upgrade::on(request))
    } else {
        // hyper's upgrade stays in the request: nothing is upgraded.
        Err(Refused(Box::new(Refusal {
            response: response.map(Full::new),
            answered,
        })))
    }
}

/// Answers a request validated before (for an extractor that kept it, with hyper's
/// [`OnUpgrade`] taken from its extensions): the 101 and the connection to come, or the
/// refusal.
pub fn respond(
    incoming: Incoming<'_>,
    answer: &Answer,
    on_upgrade: OnUpgrade,
) -> Result<(Response, PendingUpgrade), Refused> {
    let (response, answered) = incoming.answer_response(answer);
    pending(response, answered, on_upgrade)
}

fn pending(
    response: http::Response<Bytes>,
    answered: Answered,
    on_upgrade: OnUpgrade,
) -> Result<(Response, PendingUpgrade), Refused> {
    let response = response.map(Full::new);
    match answered {
        Answered::Accepted { protocol, deflate } => Ok((
            response,
            PendingUpgrade {
                on_upgrade,
                agreed: Agreed::boxed(protocol, deflate),
            },
        )),
        answered => Err(Refused(Box::new(Refusal { response, answered }))),
    }
}

/// The connection of an accepted request: resolves once hyper has sent the 101 and
/// handed the connection over, with the bytes the client sent after its request still
/// to be read from it (hyper keeps them in front of the socket); over HTTP/2, once hyper
/// has sent the 200, the stream of the extended CONNECT.
#[derive(Debug)]
#[must_use = "the connection is upgraded only when this future is awaited"]
pub struct PendingUpgrade {
    on_upgrade: OnUpgrade,
    /// Handed to the [`Upgraded`] as it is: boxed once, only when something was agreed.
    agreed: Option<Box<Agreed>>,
}

/// What was answered, read before the upgrade resolves: once it has, the [`Upgraded`]
/// stream it gave holds them, and these answer `None`.
impl PendingUpgrade {
    /// The subprotocol answered.
    pub fn protocol(&self) -> Option<&str> {
        self.agreed.as_ref()?.protocol.as_deref()
    }

    /// The permessage-deflate parameters answered: the framing library must use them.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.agreed.as_ref()?.deflate
    }
}

impl Future for PendingUpgrade {
    type Output = Result<Upgraded, hyper::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let upgraded = std::task::ready!(Pin::new(&mut self.on_upgrade).poll(cx))?;
        Poll::Ready(Ok(Upgraded::new(upgraded, self.agreed.take())))
    }
}

/// A request that was not upgraded, and the complete response that says why: return
/// [`into_response`](Self::into_response) from the service.
#[derive(Debug)]
pub struct Refused(Box<Refusal>);

/// Boxed: a refusal is the rare path, and the accepted one stays small.
#[derive(Debug)]
struct Refusal {
    response: Response,
    answered: Answered,
}

impl Refused {
    /// Why: the request was invalid or a policy refused it ([`Answered::Refused`], with
    /// the peer's error), the application rejected it ([`Answered::Rejected`]), or the
    /// application's answer could not be sent ([`Answered::Failed`], a 500).
    pub fn answered(&self) -> &Answered {
        &self.0.answered
    }

    /// The response's status.
    pub fn status(&self) -> http::StatusCode {
        self.0.response.status()
    }

    /// The response to return from the service.
    pub fn into_response(self) -> Response {
        self.0.response
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.answered {
            Answered::Refused(error) => write!(f, "handshake refused: {error}"),
            Answered::Rejected { status } => write!(f, "handshake rejected with {status}"),
            Answered::Failed(error) => write!(f, "answer could not be sent: {error}"),
            Answered::Accepted { .. } => f.write_str("handshake accepted"),
        }
    }
}

impl std::error::Error for Refused {}
