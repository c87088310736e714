//! One server handshake, in memory, through each library's public API, on the same bytes
//! (issue 16, item 2): shared by `benches/peers.rs` (criterion) and
//! `examples/instructions.rs` (callgrind). Each round takes the request's bytes and
//! returns the length of the response it wrote, so nothing is optimised away.
//!
//! - `floor`: httparse into a stack array of headers, the key found by name, SHA-1 and
//!   base64 into a stack buffer, a fixed 101 written: nothing validated.
//! - `wshake`: a reused `ServerHandshake`, no policies (`server_round`).
//! - `tungstenite`: `Request::try_parse`, `create_response`, `write_response`.
//! - `soketto`: `handshake::Server::receive_request` + `send_response` over an in-memory
//!   stream (futures I/O through tokio-util's compat), polled once with a no-op waker.
//! - `tokio-websockets`: `ServerBuilder::accept` over the same in-memory stream.
//!
//! fastwebsockets' handshake is `upgrade::upgrade` on a request hyper already parsed:
//! [`fastwebsockets_round`] takes the `http::Request` (beside wshake's `http_round`).

#![allow(dead_code)]

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use base64::Engine as _;
use sha1::Digest as _;

/// A stream that yields `input` then end of file, and collects what is written.
pub(crate) struct Memory<'a> {
    input: &'a [u8],
    pub(crate) written: Vec<u8>,
}

impl<'a> Memory<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            written: Vec::with_capacity(512),
        }
    }
}

impl tokio::io::AsyncRead for Memory<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = self.input.len().min(buf.remaining());
        buf.put_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Memory<'_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.written.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Polls a future that never waits (in-memory I/O) to its end.
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("an in-memory handshake waited"),
    }
}

const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The naive floor: parse, find the key, compute the accept value, write a 101.
pub(crate) fn floor_round(request: &[u8], out: &mut Vec<u8>) -> usize {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(request) else {
        panic!("the floor's request does not parse");
    };
    let key = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
        .expect("the request has a key");
    let mut sha1 = sha1::Sha1::new();
    sha1.update(key.value);
    sha1.update(GUID);
    let mut accept = [0u8; 28];
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(sha1.finalize(), &mut accept)
        .expect("28 bytes hold the accept value");
    out.clear();
    out.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ",
    );
    out.extend_from_slice(&accept[..written]);
    out.extend_from_slice(b"\r\n\r\n");
    out.len()
}

/// tungstenite's public server pieces.
pub(crate) fn tungstenite_round(request: &[u8]) -> usize {
    use tungstenite::handshake::machine::TryParse as _;
    let (_, parsed) = tungstenite::handshake::server::Request::try_parse(black_box(request))
        .expect("valid")
        .expect("complete");
    let response = tungstenite::handshake::server::create_response(&parsed).expect("response");
    let mut out = Vec::with_capacity(256);
    tungstenite::handshake::server::write_response(&mut out, &response).expect("written");
    out.len()
}

/// soketto's server handshake.
pub(crate) fn soketto_round(request: &[u8]) -> usize {
    use tokio_util::compat::TokioAsyncReadCompatExt as _;
    ready(async {
        let mut server = soketto::handshake::Server::new(Memory::new(request).compat());
        let key = server.receive_request().await.expect("a request").key();
        server
            .send_response(&soketto::handshake::server::Response::Accept {
                key,
                protocol: None,
            })
            .await
            .expect("answered");
        server.into_inner().into_inner().written.len()
    })
}

/// tokio-websockets' server handshake.
pub(crate) fn tokio_websockets_round(request: &[u8]) -> usize {
    ready(async {
        let (_request, ws) = tokio_websockets::ServerBuilder::new()
            .accept(Memory::new(request))
            .await
            .expect("accepted");
        black_box(&ws);
        1
    })
}

/// fastwebsockets' handshake on a parsed request: `upgrade::upgrade` builds the 101. It
/// takes the request by `&mut` (hyper's upgrade is taken out of it), so each round works
/// on a clone: [`clone_round`] is that clone alone, to subtract.
pub(crate) fn fastwebsockets_round(request: &http::Request<()>) -> usize {
    let mut request = request.clone();
    let (response, upgrade) = fastwebsockets::upgrade::upgrade(&mut request).expect("a 101");
    black_box(upgrade);
    response.headers().len()
}

/// The clone [`fastwebsockets_round`] makes.
pub(crate) fn clone_round(request: &http::Request<()>) -> usize {
    black_box(request.clone()).headers().len()
}

/// Reads a canned response, counts what is written: a blocking stream for tungstenite's
/// client.
struct Canned<'a> {
    input: &'a [u8],
    written: usize,
}

impl std::io::Read for Canned<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl std::io::Write for Canned<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// tungstenite's `ClientHandshake`: the request wshake's `client_round` writes (key,
/// `chat`, permessage-deflate offer), then Python websockets' 101 read and verified.
pub(crate) fn tungstenite_client_round() -> usize {
    let request = tungstenite::http::Request::builder()
        .uri("ws://127.0.0.1/chat")
        .header("Host", "127.0.0.1")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header(
            "Sec-WebSocket-Key",
            std::str::from_utf8(wshake_benches::RFC_KEY).unwrap_or_default(),
        )
        .header("Sec-WebSocket-Protocol", "chat")
        .header(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits",
        )
        .body(())
        .expect("valid request");
    let stream = Canned {
        input: black_box(wshake_benches::PYTHON_RESPONSE),
        written: 0,
    };
    let handshake = tungstenite::handshake::client::ClientHandshake::start(stream, request, None)
        .expect("started");
    let (socket, response) = handshake.handshake().expect("verified");
    socket.get_ref().written + usize::from(response.status().as_u16())
}
