//! The stream handed to a framing library: the leftover bytes first, then the socket.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf as _, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection after a successful handshake. Reading yields the bytes the peer sent
/// right after its handshake (its first frames) before anything new from the socket, so
/// nothing is lost (H24). Writing goes straight to the socket.
#[derive(Debug)]
pub struct Upgraded<IO> {
    io: IO,
    prefix: Bytes,
}

impl<IO> Upgraded<IO> {
    pub(crate) fn new(io: IO, prefix: Bytes) -> Self {
        Self { io, prefix }
    }

    /// The socket and the bytes already read from it that belong to the WebSocket
    /// connection, for framing libraries that take a prefix buffer.
    pub fn into_parts(self) -> (IO, Bytes) {
        (self.io, self.prefix)
    }

    /// The bytes read past the handshake that have not been read out yet.
    pub fn prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// The underlying stream.
    pub fn get_ref(&self) -> &IO {
        &self.io
    }

    /// The underlying stream, mutably. Reading from it directly skips the prefix.
    pub fn get_mut(&mut self) -> &mut IO {
        &mut self.io
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Upgraded<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.prefix.has_remaining() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Upgraded<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn h24_prefix_is_read_before_the_socket() {
        let (mut near, far) = tokio::io::duplex(64);
        near.write_all(b" world").await.unwrap();
        drop(near);
        let mut upgraded = Upgraded::new(far, Bytes::from_static(b"hello"));
        let mut all = String::new();
        upgraded.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "hello world");
    }

    #[tokio::test]
    async fn prefix_is_handed_out_in_pieces_that_fit() {
        let (_near, far) = tokio::io::duplex(64);
        let mut upgraded = Upgraded::new(far, Bytes::from_static(b"abcdef"));
        let mut two = [0; 2];
        upgraded.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"ab");
        assert_eq!(upgraded.prefix(), b"cdef");
        let (_, rest) = upgraded.into_parts();
        assert_eq!(&rest[..], b"cdef");
    }
}
