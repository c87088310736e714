//! The server loop: read into the machine, let the application decide (possibly
//! awaiting), write the answer, hand over the stream.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use wshake_proto::{
    AcceptConnection, DeflateParams, ExtensionAnswer, RejectConnection, Request, ServerConfig,
    ServerHandshake, Status,
};

use crate::read::read_some;
use crate::{Error, Options, OwnedHead, Upgraded};

/// The request, owned: the read buffer is gone once the stream is handed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// The path, without the query.
    pub path: String,
    /// The query, without `?`.
    pub query: Option<String>,
    /// The `Host` value.
    pub host: String,
    /// The `Origin` value, if sent (lossily decoded).
    pub origin: Option<String>,
    /// Offered subprotocols, in the client's order.
    pub protocols: Vec<String>,
    /// Offered extensions, one per entry, as `name; param=value`.
    pub extensions: Vec<String>,
    /// The whole request head with every header in order, duplicates included.
    pub head: OwnedHead,
}

impl RequestInfo {
    fn from_request(request: &Request<'_>) -> Self {
        Self {
            path: request.path().to_string(),
            query: request.query().map(str::to_string),
            host: request.host().to_string(),
            origin: request
                .origin()
                .map(|o| String::from_utf8_lossy(o).into_owned()),
            protocols: request.protocols().map(str::to_string).collect(),
            extensions: request.extensions().map(|e| e.to_string()).collect(),
            head: OwnedHead::new(request.raw(), request.headers()),
        }
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.head.header(name)
    }
}

/// What an application's decision function answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Let the configured policies decide (origin, subprotocol, permessage-deflate).
    Policy,
    /// Accept: the application already checked the origin. The subprotocol must be one
    /// the client offered; permessage-deflate is negotiated by the config.
    Accept {
        /// The chosen subprotocol.
        protocol: Option<String>,
        /// Extra headers for the 101.
        headers: Vec<(String, String)>,
    },
    /// Reject with this status (300–599), headers and body (S13).
    Reject {
        /// The status.
        status: u16,
        /// Extra headers (`WWW-Authenticate`, `Location`, …).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
}

/// A completed server handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The request.
    pub request: RequestInfo,
    /// The subprotocol answered.
    pub protocol: Option<String>,
    /// The permessage-deflate parameters answered.
    pub deflate: Option<DeflateParams>,
}

/// Accepts a handshake with the configured policies.
///
/// On a bad request the right HTTP error is written, the write side shut down and the
/// typed error returned; nothing is left half-open.
pub async fn accept<IO>(
    io: IO,
    config: Arc<ServerConfig>,
    options: &Options,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    accept_with(io, config, options, async |_: &RequestInfo| Answer::Policy).await
}

/// Answers a plain HTTP request (a GET with no `Upgrade` header): given the path, return a
/// complete HTTP response to send, or `None` for the handshake's own 400.
pub type PlainHttp = dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync;

/// Accepts a handshake, asking `decide` (which may await a database or an auth service)
/// once the request is valid and before anything is written.
pub async fn accept_with<IO, F>(
    io: IO,
    config: Arc<ServerConfig>,
    options: &Options,
    decide: F,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&RequestInfo) -> Answer,
{
    serve(io, config, options, decide, None).await
}

/// Like [`accept_with`], and a plain HTTP GET without `Upgrade` goes to `plain` (a page
/// that opens a WebSocket back, a health check…). When `plain` answers, the response is
/// sent, the connection closed and [`Error::PlainHttp`] returned.
pub async fn accept_or_plain<IO, F>(
    io: IO,
    config: Arc<ServerConfig>,
    options: &Options,
    decide: F,
    plain: &PlainHttp,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&RequestInfo) -> Answer,
{
    serve(io, config, options, decide, Some(plain)).await
}

async fn serve<IO, F>(
    mut io: IO,
    config: Arc<ServerConfig>,
    options: &Options,
    decide: F,
    plain: Option<&PlainHttp>,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&RequestInfo) -> Answer,
{
    let mut machine = ServerHandshake::new(config);
    let result = tokio::time::timeout(
        options.timeout,
        exchange(&mut io, &mut machine, options, decide, plain),
    )
    .await;
    match result {
        Ok(Ok(accepted)) => {
            let leftover = machine.take_leftover();
            Ok((accepted, Upgraded::new(io, leftover)))
        }
        Ok(Err(error)) => Err(error),
        Err(_elapsed) => {
            let mut out = Vec::new();
            if let Ok(reject) = RejectConnection::new(408) {
                reject.body(b"handshake timed out\n").write(&mut out);
            }
            // Best effort: a slowloris peer may not read either.
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                io.write_all(&out).await?;
                io.shutdown().await
            })
            .await;
            linger(&mut io).await;
            Err(Error::Timeout)
        }
    }
}

/// Reads the head, then answers. Reading is the one step a slow peer can stretch out, so
/// only it lives in this future; the answering steps run once per connection, boxed, and a
/// pending handshake holds a small future.
async fn exchange<IO, F>(
    io: &mut IO,
    machine: &mut ServerHandshake,
    options: &Options,
    decide: F,
    plain: Option<&PlainHttp>,
) -> Result<Accepted, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&RequestInfo) -> Answer,
{
    let refused = loop {
        match machine.poll() {
            Ok(Status::Ready) => break None,
            Ok(Status::NeedMore) => {}
            Err(error) => break Some(error),
        }
        read_some(io, machine.buffer_mut(), options.read_chunk).await?;
    };
    match refused {
        None => Box::pin(answer(io, machine, decide)).await,
        Some(error) => Box::pin(refuse(io, machine, error, plain)).await,
    }
}

/// Asks the application, then writes the 101 or its rejection.
/// (`&mut`: a shared borrow of the machine, which has interior mutability, is not `Send`.)
async fn answer<IO, F>(
    io: &mut IO,
    machine: &mut ServerHandshake,
    decide: F,
) -> Result<Accepted, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&RequestInfo) -> Answer,
{
    let info = RequestInfo::from_request(&machine.request().ok_or(Error::Closed)?);
    let answer = decide(&info).await;
    let mut out = Vec::with_capacity(256);
    // Synchronous, so the answer's inline buffers never become part of this future.
    match respond(machine, &answer, &mut out)? {
        Responded::Accepted { protocol, deflate } => {
            io.write_all(&out).await?;
            io.flush().await?;
            Ok(Accepted {
                request: info,
                protocol,
                deflate,
            })
        }
        Responded::Rejected { status } => {
            io.write_all(&out).await?;
            io.shutdown().await?;
            linger(io).await;
            Err(Error::Rejected { status })
        }
        Responded::Refused(error) => Err(send_error(io, error).await),
    }
}

/// Answers a request the machine refused: the error's response, or the application's page
/// for a plain HTTP GET when there is one. Always an error.
async fn refuse<IO>(
    io: &mut IO,
    machine: &mut ServerHandshake,
    error: wshake_proto::Error,
    plain: Option<&PlainHttp>,
) -> Result<Accepted, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    if let Some(path) = plain_get(machine, &error)
        && let Some(response) = plain.and_then(|plain| plain(&path))
    {
        io.write_all(&response).await?;
        io.shutdown().await?;
        linger(io).await;
        return Err(Error::PlainHttp { path });
    }
    Err(send_error(io, error).await)
}

/// What [`respond`] wrote into `out`.
enum Responded {
    Accepted {
        protocol: Option<String>,
        deflate: Option<DeflateParams>,
    },
    Rejected {
        status: u16,
    },
    /// A policy refused the request (e.g. 403 for the origin); nothing written yet.
    Refused(wshake_proto::Error),
}

/// Turns the application's answer into response bytes.
fn respond(
    machine: &ServerHandshake,
    answer: &Answer,
    out: &mut Vec<u8>,
) -> Result<Responded, Error> {
    match answer {
        Answer::Policy => match machine.decide() {
            Ok(policy) => {
                machine.accept(&policy, out)?;
                Ok(Responded::Accepted {
                    protocol: policy.protocol_name().map(str::to_string),
                    deflate: deflate_of(&policy),
                })
            }
            Err(error) => Ok(Responded::Refused(error)),
        },
        Answer::Accept { protocol, headers } => {
            let request = machine.request().ok_or(Error::Closed)?;
            let mut accept = AcceptConnection::new();
            if let Some(protocol) = protocol {
                accept = accept.protocol(protocol);
            }
            if let Some(params) = machine
                .config()
                .deflate
                .and_then(|d| d.negotiate(request.extensions()))
            {
                accept = accept.extensions(ExtensionAnswer::Deflate(params));
            }
            for (name, value) in headers {
                accept = accept.header(name, value)?;
            }
            machine.accept(&accept, out)?;
            Ok(Responded::Accepted {
                protocol: protocol.clone(),
                deflate: deflate_of(&accept),
            })
        }
        Answer::Reject {
            status,
            headers,
            body,
        } => {
            let mut reject = RejectConnection::new(*status)?.body(body);
            for (name, value) in headers {
                reject = reject.header(name, value)?;
            }
            machine.reject(&reject, out)?;
            Ok(Responded::Rejected { status: *status })
        }
    }
}

/// The path of a plain HTTP GET: no `Upgrade` and no `Sec-WebSocket-Key` at all (a
/// browser navigating, a health check). A request with WebSocket headers but no `Upgrade`
/// is a broken handshake and gets its 400.
fn plain_get(machine: &ServerHandshake, error: &wshake_proto::Error) -> Option<String> {
    if *error != wshake_proto::Error::MissingUpgrade {
        return None;
    }
    let head = machine.raw_head()?;
    let mut lines = head.split(|&b| b == b'\n');
    let line = lines.next()?;
    let has_key =
        lines.any(|l| l.len() > 18 && l[..18].eq_ignore_ascii_case(b"sec-websocket-key:"));
    if has_key {
        return None;
    }
    let mut parts = line.split(|&b| b == b' ');
    if parts.next()? != b"GET" {
        return None;
    }
    let target = std::str::from_utf8(parts.next()?).ok()?;
    Some(target.split('?').next().unwrap_or("/").to_string())
}

fn deflate_of(answer: &AcceptConnection<'_>) -> Option<DeflateParams> {
    match answer.extension_answer() {
        ExtensionAnswer::Deflate(params) => Some(params),
        _ => None,
    }
}

/// Writes the error's response, flushes and shuts down the write side (S20). The handshake
/// error is what the caller needs; a peer that stopped reading cannot be helped.
async fn send_error<IO: AsyncRead + AsyncWrite + Unpin>(
    io: &mut IO,
    error: wshake_proto::Error,
) -> Error {
    let mut out = Vec::with_capacity(256);
    error.write_response(&mut out);
    let _ = async {
        io.write_all(&out).await?;
        io.flush().await?;
        io.shutdown().await
    }
    .await;
    linger(io).await;
    Error::Handshake(error)
}

/// After answering and shutting down the write side, reads and discards what the peer is
/// still sending, briefly: closing with unread input makes the kernel send RST, which can
/// destroy the answer before the peer reads it (a "lingering close", as HTTP servers do).
async fn linger<IO: AsyncRead + Unpin>(io: &mut IO) {
    const MAX_BYTES: usize = 64 * 1024;
    // On the heap: only refused connections get here, and a stack array would weigh on
    // every accept future.
    let mut sink = vec![0u8; 4096];
    let mut drained = 0;
    let _ = tokio::time::timeout(Duration::from_millis(250), async {
        while drained < MAX_BYTES {
            match io.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
}
