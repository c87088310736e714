//! The loop: read into the machine until it has a request or an error, let the
//! application answer (possibly awaiting), write what the machine made of it, hand over
//! the stream.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use wshake_proto::Status;
use wshake_proto::server::{Answered, Incoming, Request, ServerConfig, ServerHandshake};

use super::{Accepted, Pages};
use crate::linger::linger;
use crate::read::read_some;
use crate::{Answer, Error, Options, Upgraded};

/// The handshake under the timeout: an acceptance with the upgraded stream, or a page
/// served. A response that has started is never followed by a 408, and the lingering
/// close after a refusal runs outside the timeout, so it cannot turn the refusal's error
/// into `Timeout`.
pub(super) async fn serve<IO, F, P>(
    mut io: IO,
    config: Arc<ServerConfig>,
    options: &Options,
    decide: F,
    pages: P,
) -> Result<(Result<Accepted, P::Served>, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&Request<'_>) -> Answer,
    P: Pages,
{
    let mut machine = ServerHandshake::new(config);
    let mut responding = false;
    let exchange = exchange(
        &mut io,
        &mut machine,
        options,
        decide,
        pages,
        &mut responding,
    );
    let result = match tokio::time::timeout(options.timeout, exchange).await {
        Ok(result) => result,
        Err(_elapsed) => Err(Error::Timeout),
    };
    match result {
        Ok(Ok(accepted)) => {
            let leftover = machine.take_leftover();
            Ok((Ok(accepted), Upgraded::new(io, leftover)))
        }
        // Once per connection and only when refused: boxed, so that the future every
        // pending handshake holds stays small.
        Ok(Err(served)) => {
            Box::pin(linger(&mut io)).await;
            Ok((Err(served), Upgraded::new(io, bytes::Bytes::new())))
        }
        Err(error) => {
            Box::pin(wind_down(&mut io, &error, responding)).await;
            Err(error)
        }
    }
}

/// After a failed handshake: the 408 when the time ran out before any response, then the
/// lingering close when something was sent.
async fn wind_down<IO: AsyncRead + AsyncWrite + Unpin>(
    io: &mut IO,
    error: &Error,
    responding: bool,
) {
    let silent_timeout = matches!(error, Error::Timeout) && !responding;
    if silent_timeout {
        let mut out = Vec::new();
        wshake_proto::Error::RequestTimeout.write_response(&mut out);
        // Best effort: a slowloris peer may not read either.
        let _ = tokio::time::timeout(Duration::from_secs(1), finish(io, &out)).await;
    }
    if silent_timeout || responding {
        linger(io).await;
    }
}

/// Reads the head, then answers. Reading is the one step a slow peer can stretch out, so
/// only it lives in this future; the answering steps run once per connection, boxed, and a
/// pending handshake holds a small future. `responding` turns true once a response is
/// about to be written.
async fn exchange<IO, F, P>(
    io: &mut IO,
    machine: &mut ServerHandshake,
    options: &Options,
    decide: F,
    pages: P,
    responding: &mut bool,
) -> Result<Result<Accepted, P::Served>, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&Request<'_>) -> Answer,
    P: Pages,
{
    loop {
        match machine.poll() {
            Ok(Status::NeedMore) => {}
            Ok(Status::Ready(mut incoming)) => {
                if let Some(peer) = options.peer {
                    incoming = incoming.peer(peer);
                }
                return Box::pin(answer(io, incoming, decide, responding))
                    .await
                    .map(Ok);
            }
            Err(error) => {
                *responding = true;
                return Box::pin(refuse(io, machine, error, pages)).await.map(Err);
            }
        }
        let read = read_some(io, machine.spare(options.read_chunk)).await?;
        machine.advance(read);
    }
}

/// Asks the application, then writes the 101 or the refusal the machine made of its
/// answer.
async fn answer<IO, F>(
    io: &mut IO,
    incoming: Incoming<'_>,
    decide: F,
    responding: &mut bool,
) -> Result<Accepted, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&Request<'_>) -> Answer,
{
    let request = incoming.request();
    let answer = decide(&request).await;
    *responding = true;
    let mut out = Vec::with_capacity(256);
    let request = request.into_owned();
    match incoming.answer(&answer, &mut out) {
        Answered::Accepted { protocol, deflate } => {
            io.write_all(&out).await?;
            io.flush().await?;
            Ok(Accepted {
                request,
                protocol,
                deflate,
            })
        }
        Answered::Rejected { status } => {
            finish(io, &out).await;
            Err(Error::Rejected { status })
        }
        Answered::Refused(error) => Err(send_error(io, error).await),
        Answered::Failed(error) => {
            error.write_response(&mut out);
            finish(io, &out).await;
            Err(Error::Local(error))
        }
    }
}

/// Answers a request the machine refused: the application's page for a plain HTTP `GET`
/// when there is one, else the error's response.
async fn refuse<IO, P: Pages>(
    io: &mut IO,
    machine: &ServerHandshake,
    error: wshake_proto::Error,
    pages: P,
) -> Result<P::Served, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    if let Some((page, served)) = machine.plain_get().and_then(|path| pages.page(path)) {
        finish(io, &page).await;
        return Ok(served);
    }
    Err(send_error(io, error).await)
}

/// Writes the error's response and shuts the write side down (S20). The handshake error
/// is what the caller needs; a peer that stopped reading cannot be helped.
async fn send_error<IO: AsyncWrite + Unpin>(io: &mut IO, error: wshake_proto::Error) -> Error {
    let mut out = Vec::with_capacity(256);
    error.write_response(&mut out);
    finish(io, &out).await;
    Error::Handshake(error)
}

/// Writes a final response and shuts the write side down; the caller lingers after.
async fn finish<IO: AsyncWrite + Unpin>(io: &mut IO, response: &[u8]) {
    let _ = async {
        io.write_all(response).await?;
        io.flush().await?;
        io.shutdown().await
    }
    .await;
}
