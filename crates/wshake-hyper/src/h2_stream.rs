//! One HTTP/2 stream as a byte stream: the tunnel an extended CONNECT opened, for a
//! framing library (RFC 8441 §5: the WebSocket's bytes are the stream's DATA frames).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf as _, Bytes};
use h2::{Reason, RecvStream, SendStream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A WebSocket's HTTP/2 stream (client side): `AsyncRead + AsyncWrite` over DATA frames,
/// with flow-control capacity released as the framing library reads, and the stream
/// ended (`END_STREAM`) on shutdown.
#[derive(Debug)]
pub struct Http2Stream {
    send: SendStream<Bytes>,
    recv: RecvStream,
    /// What arrived in a DATA frame and was not read yet.
    buffered: Bytes,
    /// `END_STREAM` was sent.
    ended: bool,
}

impl Http2Stream {
    pub(crate) fn new(send: SendStream<Bytes>, recv: RecvStream) -> Self {
        Self {
            send,
            recv,
            buffered: Bytes::new(),
            ended: false,
        }
    }
}

impl AsyncRead for Http2Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        while self.buffered.is_empty() {
            match ready!(self.recv.poll_data(cx)) {
                // `END_STREAM`: the peer is done sending.
                None => return Poll::Ready(Ok(())),
                Some(Ok(data)) => self.buffered = data,
                Some(Err(error)) => {
                    return Poll::Ready(match error.reason() {
                        // A peer that cancels or ends without error: the end of the bytes.
                        Some(Reason::NO_ERROR | Reason::CANCEL) => Ok(()),
                        _ => Err(io_error(error)),
                    });
                }
            }
        }
        let n = self.buffered.len().min(buf.remaining());
        buf.put_slice(&self.buffered[..n]);
        self.buffered.advance(n);
        // The window opens again as the application reads, not as frames arrive: a slow
        // reader slows the peer instead of growing this buffer.
        let _ = self.recv.flow_control().release_capacity(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Http2Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.send.reserve_capacity(buf.len());
        loop {
            let granted = match ready!(self.send.poll_capacity(cx)) {
                Some(Ok(granted)) => granted,
                Some(Err(error)) => return Poll::Ready(Err(io_error(error))),
                None => return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            };
            if granted == 0 {
                continue;
            }
            let n = granted.min(buf.len());
            self.send
                .send_data(Bytes::copy_from_slice(&buf[..n]), false)
                .map_err(io_error)?;
            return Poll::Ready(Ok(n));
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // h2 writes queued frames as the connection task runs.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.ended {
            return Poll::Ready(Ok(()));
        }
        self.ended = true;
        self.send.reserve_capacity(0);
        Poll::Ready(self.send.send_data(Bytes::new(), true).map_err(io_error))
    }
}

fn io_error(error: h2::Error) -> io::Error {
    if error.is_io() {
        error
            .into_io()
            .unwrap_or_else(|| io::ErrorKind::Other.into())
    } else {
        io::Error::other(error)
    }
}
