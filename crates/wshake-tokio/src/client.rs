//! The client loop: write the request, flush, read the response through the machine; on
//! a refusal, read its body (bounded) so that the error shows what the server said.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use wshake_proto::client::{ClientConfig, ClientHandshake, OwnedOutcome, Target};
use wshake_proto::extensions::DeflateParams;
use wshake_proto::{Key, Status};

use crate::read::read_some;
use crate::{Error, Options, Upgraded};

/// A refusal's body is kept up to this many bytes.
const MAX_REFUSAL_BODY: usize = 64 * 1024;
/// How long a refusal without a length may keep sending its body (it ends when the
/// server closes, which servers refusing a handshake do at once).
const UNSIZED_BODY_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// A verified response, owned.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The negotiated permessage-deflate parameters.
    pub deflate: Option<DeflateParams>,
    /// The request as sent.
    pub request: Vec<u8>,
    /// The 101 as received (read it through `view()`).
    pub response: OwnedOutcome,
}

/// Runs the client handshake over `io`: the request `config` offers, to `target`, with
/// this key (use a fresh random key per connection). The stream is returned only after
/// the response is verified, with any bytes the server sent after it (C10, H24). A
/// server's refusal (any status but 101) is [`Error::Refused`], with its head and up to
/// 64 KiB of its body.
pub async fn handshake<IO>(
    mut io: IO,
    config: impl Into<Arc<ClientConfig>>,
    target: Target,
    key: Key,
    options: &Options,
) -> Result<(Connected, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let mut machine = ClientHandshake::new(config, target, key);
    let mut request = Vec::with_capacity(256);
    machine.write_request(&mut request);
    let deadline = deadline_after(options.timeout);
    let exchange = async {
        io.write_all(&request).await?;
        // Without the flush a buffered stream may never send the request.
        io.flush().await?;
        loop {
            match machine.poll() {
                Ok(Status::NeedMore) => {}
                Ok(Status::Ready(outcome)) => return Ok(outcome.into_owned()),
                Err(error) => return Err(Error::Handshake(error)),
            }
            let read = read_some(&mut io, machine.spare(options.read_chunk)).await?;
            machine.advance(read);
        }
    };
    let response = match tokio::time::timeout_at(deadline, exchange).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => return Err(refused(&mut io, &machine, error, options, deadline).await),
        Err(_elapsed) => return Err(Error::Timeout),
    };
    let view = response.view();
    let connected = Connected {
        protocol: view.protocol().map(str::to_string),
        deflate: view.deflate(),
        request,
        response,
    };
    let leftover = machine.take_leftover();
    Ok((connected, Upgraded::new(io, leftover)))
}

/// `timeout` from now; a timeout too long to add (`Duration::MAX`) is about a century.
fn deadline_after(timeout: std::time::Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + std::time::Duration::from_secs(100 * 365 * 24 * 3600))
}

/// The error for a failed response: a refusal with its body read on, or the handshake
/// error. The body is read as far as its `Content-Length` (by the handshake's deadline),
/// or until the server closes (briefly) when it has no length; a status that has no body
/// (1xx, 204, 304) or a chunked one keeps only what came with the head. At most 64 KiB.
async fn refused<IO: AsyncRead + Unpin>(
    io: &mut IO,
    machine: &ClientHandshake,
    error: Error,
    options: &Options,
    deadline: tokio::time::Instant,
) -> Error {
    let Some(refusal) = machine.refusal() else {
        return error;
    };
    let response = refusal.response();
    let bodiless = matches!(response.status(), 100..=199 | 204 | 304);
    let chunked = response.headers().get("transfer-encoding").is_some();
    let length = refusal.body_length();
    // How much to read, how much to keep, and until when.
    let (wanted, kept, until) = match length {
        _ if bodiless => (0, 0, deadline),
        _ if chunked => (0, MAX_REFUSAL_BODY, deadline),
        Some(length) => (
            length.min(MAX_REFUSAL_BODY),
            length.min(MAX_REFUSAL_BODY),
            deadline,
        ),
        None => (
            MAX_REFUSAL_BODY,
            MAX_REFUSAL_BODY,
            deadline.min(deadline_after(UNSIZED_BODY_GRACE)),
        ),
    };
    let mut refused = refusal.into_owned();
    let mut chunk = vec![0; options.read_chunk];
    // What arrived by then is kept.
    let _ = tokio::time::timeout_at(until, async {
        while refused.body().len() < wanted {
            let Ok(read) = read_some(io, &mut chunk).await else {
                break;
            };
            refused.body_mut().extend_from_slice(&chunk[..read]);
        }
    })
    .await;
    refused.body_mut().truncate(kept);
    Error::Refused(Box::new(refused))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[tokio::test]
    async fn any_timeout_makes_a_deadline() {
        let soon = super::deadline_after(Duration::from_secs(1));
        assert!(soon > tokio::time::Instant::now());
        assert!(super::deadline_after(Duration::MAX) > soon);
    }
}
