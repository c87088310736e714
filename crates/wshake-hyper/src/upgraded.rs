//! The upgraded connection: hyper's, as a tokio stream, with what the handshake agreed.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use wshake_proto::extensions::DeflateParams;

/// An upgraded connection: `AsyncRead + AsyncWrite` for a framing library, reading first
/// whatever the peer sent right after its handshake, then the socket.
#[derive(Debug)]
pub struct Upgraded {
    io: TokioIo<hyper::upgrade::Upgraded>,
    /// Boxed, and only when something was agreed: the stream a framing library wraps
    /// and moves through its futures is 8 bytes more than hyper's own, not 32.
    agreed: Option<Box<Agreed>>,
}

/// What the handshake agreed beyond the upgrade itself.
#[derive(Debug)]
pub(crate) struct Agreed {
    pub(crate) protocol: Option<String>,
    pub(crate) deflate: Option<DeflateParams>,
}

impl Agreed {
    /// Boxed, or nothing when nothing was agreed.
    pub(crate) fn boxed(
        protocol: Option<String>,
        deflate: Option<DeflateParams>,
    ) -> Option<Box<Self>> {
        (protocol.is_some() || deflate.is_some()).then(|| Box::new(Self { protocol, deflate }))
    }
}

impl Upgraded {
    pub(crate) fn new(upgraded: hyper::upgrade::Upgraded, agreed: Option<Box<Agreed>>) -> Self {
        Self {
            io: TokioIo::new(upgraded),
            agreed,
        }
    }

    /// The subprotocol agreed.
    pub fn protocol(&self) -> Option<&str> {
        self.agreed.as_ref()?.protocol.as_deref()
    }

    /// The permessage-deflate parameters agreed: the framing library must use them.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.agreed.as_ref()?.deflate
    }

    /// hyper's connection, as a tokio stream.
    pub fn into_io(self) -> TokioIo<hyper::upgrade::Upgraded> {
        self.io
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
