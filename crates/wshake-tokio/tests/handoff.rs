//! Hand-off to real framing libraries over loopback TCP: after a wshake handshake,
//! tokio-tungstenite and fastwebsockets exchange messages on the `Upgraded` stream, and
//! frames sent in the same write as the handshake are not lost (H24).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_tokio::wshake_proto::Key;
use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
use wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_tokio::{Options, accept, handshake};

const LIMIT: Duration = Duration::from_secs(10);

async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

/// A wshake server that echoes with tokio-tungstenite, for `rounds` messages.
async fn wshake_echo_server(listener: TcpListener, rounds: usize) {
    let (socket, _) = listener.accept().await.unwrap();
    let config = Arc::new(ServerConfig::new().protocols(["chat"]));
    let (accepted, upgraded) = accept(socket, config, &Options::default()).await.unwrap();
    assert_eq!(accepted.protocol.as_deref(), Some("chat"));
    let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
    for _ in 0..rounds {
        let message = ws.next().await.unwrap().unwrap();
        ws.send(message).await.unwrap();
    }
}

#[tokio::test]
async fn wshake_server_then_tokio_tungstenite_frames_with_a_tungstenite_client() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(wshake_echo_server(listener, 3));
        let request = tokio_tungstenite::tungstenite::http::Request::builder()
            .uri(format!("ws://{address}/chat"))
            .header("Host", &address)
            .header("Connection", "Upgrade")
            .header("Upgrade", "websocket")
            .header("Sec-WebSocket-Version", "13")
            .header("Sec-WebSocket-Key", Key::random().unwrap().as_str())
            .header("Sec-WebSocket-Protocol", "chat")
            .body(())
            .unwrap();
        let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(response.status(), 101);
        for text in ["one", "two", "three"] {
            ws.send(Message::text(text)).await.unwrap();
            assert_eq!(ws.next().await.unwrap().unwrap(), Message::text(text));
        }
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h24_first_frame_in_the_same_write_as_the_request_is_echoed() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(wshake_echo_server(listener, 1));
        let mut socket = TcpStream::connect(&address).await.unwrap();
        let key = Key::random().unwrap();
        let mut bytes = format!(
            "GET /chat HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        )
        .into_bytes();
        // A masked text frame "hello" right behind the blank line, in one write.
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        bytes.extend_from_slice(&[0x81, 0x85]);
        bytes.extend_from_slice(&mask);
        bytes.extend(b"hello".iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
        socket.write_all(&bytes).await.unwrap();
        // Response head, then the echoed frame (unmasked from a server).
        let mut received = Vec::new();
        let mut chunk = [0u8; 1024];
        while !received.ends_with(b"\x81\x05hello") {
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&received));
            received.extend_from_slice(&chunk[..n]);
        }
        assert!(received.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn wshake_client_then_frames_against_tokio_tungstenite_accept_async() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(socket).await.unwrap();
            let message = ws.next().await.unwrap().unwrap();
            ws.send(message).await.unwrap();
        });
        let socket = TcpStream::connect(&address).await.unwrap();
        let target = Target::new(&address, "/").unwrap();
        let (_, upgraded) = handshake(
            socket,
            ClientConfig::new(),
            target,
            Key::random().unwrap(),
            &Options::default(),
        )
        .await
        .unwrap();
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::binary(vec![1, 2, 3])
        );
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h24_server_frame_in_the_same_write_as_the_101_reaches_the_client() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut chunk).await.unwrap();
                request.extend_from_slice(&chunk[..n]);
            }
            let text = String::from_utf8(request).unwrap();
            let key = text
                .lines()
                .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
                .unwrap();
            let accept = wshake_tokio::wshake_proto::Accept::for_raw_key(key.as_bytes());
            let mut response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            )
            .into_bytes();
            response.extend_from_slice(b"\x81\x05first");
            socket.write_all(&response).await.unwrap();
            socket
        });
        let socket = TcpStream::connect(&address).await.unwrap();
        let target = Target::new(&address, "/").unwrap();
        let (_, upgraded) = handshake(socket, ClientConfig::new(), target, Key::random().unwrap(), &Options::default())
            .await
            .unwrap();
        let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await;
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("first"));
        drop(server.await.unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn wshake_server_then_fastwebsockets_frames() {
    use fastwebsockets::{Frame, OpCode, Payload, WebSocket};
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let (_, upgraded) = accept(socket, Arc::new(ServerConfig::new()), &Options::default())
                .await
                .unwrap();
            let mut ws = WebSocket::after_handshake(upgraded, fastwebsockets::Role::Server);
            let frame = ws.read_frame().await.unwrap();
            assert_eq!(frame.opcode, OpCode::Text);
            let echoed = frame.payload.to_vec();
            ws.write_frame(Frame::text(Payload::Owned(echoed)))
                .await
                .unwrap();
        });
        // Client: wshake handshake, then fastwebsockets as the client.
        let socket = TcpStream::connect(&address).await.unwrap();
        let target = Target::new(&address, "/").unwrap();
        let (_, upgraded) = handshake(
            socket,
            ClientConfig::new(),
            target,
            Key::random().unwrap(),
            &Options::default(),
        )
        .await
        .unwrap();
        let mut ws = WebSocket::after_handshake(upgraded, fastwebsockets::Role::Client);
        ws.write_frame(Frame::text(Payload::Borrowed(b"fast")))
            .await
            .unwrap();
        let frame = ws.read_frame().await.unwrap();
        assert_eq!(frame.payload.to_vec(), b"fast");
        server.await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn wshake_server_then_tokio_websockets_frames() {
    tokio::time::timeout(LIMIT, async {
        let (listener, address) = listener().await;
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let (_, upgraded) = accept(socket, Arc::new(ServerConfig::new()), &Options::default())
                .await
                .unwrap();
            // tokio-websockets takes over a stream whose handshake is already done.
            let mut ws = tokio_websockets::ServerBuilder::new().serve(upgraded);
            let message = ws.next().await.unwrap().unwrap();
            assert_eq!(message.as_text(), Some("websockets"));
            ws.send(message).await.unwrap();
        });
        let socket = TcpStream::connect(&address).await.unwrap();
        let target = Target::new(&address, "/").unwrap();
        let (_, upgraded) = handshake(
            socket,
            ClientConfig::new(),
            target,
            Key::random().unwrap(),
            &Options::default(),
        )
        .await
        .unwrap();
        let mut ws = tokio_websockets::ClientBuilder::new().take_over(upgraded);
        ws.send(tokio_websockets::Message::text("websockets"))
            .await
            .unwrap();
        let reply = ws.next().await.unwrap().unwrap();
        assert_eq!(reply.as_text(), Some("websockets"));
        server.await.unwrap();
    })
    .await
    .unwrap();
}
