//! The client loop: write the request, flush, read the response through the machine.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use wshake_proto::{ClientConfig, ClientHandshake, DeflateParams, Key, Status};

use crate::read::read_some;
use crate::{Error, Options, OwnedHead, Upgraded};

/// A verified response, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The negotiated permessage-deflate parameters.
    pub deflate: Option<DeflateParams>,
    /// The request as sent.
    pub request: Vec<u8>,
    /// The response head as received, headers indexed.
    pub response: OwnedHead,
}

/// Runs the client handshake over `io` with this request and key (use a fresh random key
/// per connection). The stream is returned only after the response is verified, with any
/// bytes the server sent after it (C10, H24).
pub async fn handshake<IO>(
    mut io: IO,
    config: impl Into<Arc<ClientConfig>>,
    key: Key,
    options: &Options,
) -> Result<(Connected, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let mut machine = ClientHandshake::new(config, key);
    let mut request = Vec::with_capacity(256);
    machine.write_request(&mut request);
    let exchange = async {
        io.write_all(&request).await?;
        // Without the flush a buffered stream may never send the request.
        io.flush().await?;
        loop {
            match machine.poll()? {
                Status::Ready => return Ok::<_, Error>(()),
                Status::NeedMore => {}
            }
            read_some(&mut io, machine.buffer_mut(), options.read_chunk).await?;
        }
    };
    tokio::time::timeout(options.timeout, exchange)
        .await
        .map_err(|_| Error::Timeout)??;
    let outcome = machine.outcome().ok_or(Error::Closed)?;
    let connected = Connected {
        protocol: outcome.protocol_owned(),
        deflate: outcome.deflate(),
        request,
        response: OwnedHead::new(outcome.response().raw(), outcome.response().headers()),
    };
    let leftover = machine.take_leftover();
    Ok((connected, Upgraded::new(io, leftover)))
}
