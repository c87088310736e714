//! Handing the upgraded stream to a framing library, in both roles.
//!
//! After [`accept`](crate::accept) or [`handshake`](crate::handshake) the bytes on the
//! stream are WebSocket frames. The [`Upgraded`](crate::Upgraded) stream yields first the
//! bytes that arrived in the same reads as the handshake (the peer's first frames, H24),
//! then the socket: hand it to a library's constructor for an *already upgraded* stream,
//! never to one that would run a handshake of its own, and give it the role this side
//! played. The constructors below neither read nor write before the first frame.
//!
//! # tokio-tungstenite
//!
//! `WebSocketStream::from_raw_socket(stream, role, config)`: `Role::Server` after
//! `accept`, `Role::Client` after `handshake` (the client masks its frames, the server
//! must not; a wrong role makes the peer close with 1002).
//!
//! ```
//! use futures_util::{SinkExt as _, StreamExt as _};
//! use tokio_tungstenite::WebSocketStream;
//! use tokio_tungstenite::tungstenite::{Message, protocol::Role};
//! use wshake_tokio::wshake_proto::{Key, client::{ClientConfig, Target}, server::ServerConfig};
//! use wshake_tokio::{Options, accept, handshake};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (client_io, server_io) = tokio::io::duplex(4096);
//! let server = tokio::spawn(async move {
//!     let (_, stream) = accept(server_io, ServerConfig::new(), &Options::new()).await?;
//!     let mut ws = WebSocketStream::from_raw_socket(stream, Role::Server, None).await;
//!     let message = ws.next().await.expect("a message")?;
//!     ws.send(message).await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! });
//! let target = Target::new("example.com", "/")?;
//! let key = Key::from_nonce(*b"use Key::random!");
//! let (_, stream) = handshake(client_io, ClientConfig::new(), target, key, &Options::new()).await?;
//! let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
//! ws.send(Message::text("echo")).await?;
//! assert_eq!(ws.next().await.expect("a reply")?, Message::text("echo"));
//! server.await?.map_err(|e| e.to_string())?;
//! # Ok(())
//! # }
//! ```
//!
//! # fastwebsockets
//!
//! `WebSocket::after_handshake(stream, role)`, with `fastwebsockets::Role::Server` or
//! `Role::Client`.
//!
//! ```
//! use fastwebsockets::{Frame, OpCode, Payload, Role, WebSocket};
//! use wshake_tokio::wshake_proto::{Key, client::{ClientConfig, Target}, server::ServerConfig};
//! use wshake_tokio::{Options, accept, handshake};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (client_io, server_io) = tokio::io::duplex(4096);
//! let server = tokio::spawn(async move {
//!     let (_, stream) = accept(server_io, ServerConfig::new(), &Options::new()).await?;
//!     let mut ws = WebSocket::after_handshake(stream, Role::Server);
//!     let frame = ws.read_frame().await?;
//!     ws.write_frame(Frame::text(Payload::Owned(frame.payload.to_vec()))).await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! });
//! let target = Target::new("example.com", "/")?;
//! let key = Key::from_nonce(*b"use Key::random!");
//! let (_, stream) = handshake(client_io, ClientConfig::new(), target, key, &Options::new()).await?;
//! let mut ws = WebSocket::after_handshake(stream, Role::Client);
//! ws.write_frame(Frame::text(Payload::Borrowed(b"fast"))).await?;
//! let frame = ws.read_frame().await?;
//! assert_eq!((frame.opcode, frame.payload.to_vec()), (OpCode::Text, b"fast".to_vec()));
//! server.await?.map_err(|e| e.to_string())?;
//! # Ok(())
//! # }
//! ```
//!
//! # tokio-websockets
//!
//! `ServerBuilder::new().serve(stream)` after `accept`, `ClientBuilder::new().take_over(stream)`
//! after `handshake`.
//!
//! ```
//! use futures_util::{SinkExt as _, StreamExt as _};
//! use tokio_websockets::{ClientBuilder, Message, ServerBuilder};
//! use wshake_tokio::wshake_proto::{Key, client::{ClientConfig, Target}, server::ServerConfig};
//! use wshake_tokio::{Options, accept, handshake};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (client_io, server_io) = tokio::io::duplex(4096);
//! let server = tokio::spawn(async move {
//!     let (_, stream) = accept(server_io, ServerConfig::new(), &Options::new()).await?;
//!     let mut ws = ServerBuilder::new().serve(stream);
//!     let message = ws.next().await.expect("a message")?;
//!     ws.send(message).await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! });
//! let target = Target::new("example.com", "/")?;
//! let key = Key::from_nonce(*b"use Key::random!");
//! let (_, stream) = handshake(client_io, ClientConfig::new(), target, key, &Options::new()).await?;
//! let mut ws = ClientBuilder::new().take_over(stream);
//! ws.send(Message::text("websockets")).await?;
//! assert_eq!(ws.next().await.expect("a reply")?.as_text(), Some("websockets"));
//! server.await?.map_err(|e| e.to_string())?;
//! # Ok(())
//! # }
//! ```
//!
//! # permessage-deflate: soketto
//!
//! tokio-tungstenite, fastwebsockets and tokio-websockets do not implement
//! permessage-deflate: with them, leave `ServerConfig::deflate` unset and offer none. A
//! framing library that does must run with exactly the parameters negotiated
//! (`Accepted::deflate`, `Connected::deflate`). soketto's `Deflate` extension, configured
//! with them, over `Upgraded::compat()` (tokio-util), is shown by the examples
//! `deflate_echo` and `deflate_client` (their glue: `examples/common/soketto_deflate.rs`)
//! and tested in `tests/deflate.rs` and against real peers in `cargo xtask interop`.
//! soketto compresses each message on its own: as a server answer
//! `client_no_context_takeover` (`DeflateConfig::client_no_context_takeover`), as a client
//! offer `server_no_context_takeover`.
//!
//! # Configure the server the way `wshake serve` is measured
//!
//! On a server that takes many short connections, the handshake is a small part of each
//! connection's cost; what surrounds it decides the rest. Measured end to end with
//! `cargo xtask bench e2e-peers` (figures in the repository's `benches/README.md`):
//!
//! - **tungstenite's read buffer.** `WebSocketConfig::default()` reads into a 128 KiB
//!   buffer that it allocates per connection and zeroes before every read: a fresh
//!   `mmap`, page faults and a 128 KiB `memset` for each connection, about a quarter of
//!   the server's user time per handshake, and 134 KiB of resident memory per idle
//!   WebSocket. Pass `Some(WebSocketConfig::default().read_buffer_size(4096))` to
//!   `from_raw_socket` (larger messages still arrive; each read then takes up to 4 KiB).
//!   fastwebsockets and tokio-websockets read into uninitialised room and need nothing.
//! - **A current-thread runtime.** A multi-threaded runtime with the accept loop on one
//!   thread hands every connection to another through a wake-up. One current-thread
//!   runtime (`wshake serve`'s default) spent the least CPU per handshake; to use more
//!   cores, give each thread a current-thread runtime and its own `SO_REUSEPORT`
//!   listener on the same port (`wshake serve --threads N`), so that a connection stays
//!   on the thread that accepted it. Spawn the accept loop as a task, not in `block_on`,
//!   if you keep one multi-threaded runtime.
//! - **The log.** A tracing event per handshake with tracing-subscriber's formatter cost
//!   about 11,000 instructions, close to the whole handshake's 12,000; format the access
//!   line yourself and write lines in batches when the log is a file.
//! - **Memory per pending handshake.** Keep the task small: [`accept`](crate::accept)
//!   boxes its answering steps, so a connection waiting for its head holds about 1.4 KiB
//!   of future plus its [`Options::read_chunk`](crate::Options::read_chunk).
//!
//! ```
//! use tokio_tungstenite::WebSocketStream;
//! use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
//! # async fn hand_off(stream: wshake_tokio::Upgraded<tokio::io::DuplexStream>) {
//! let frames = WebSocketConfig::default().read_buffer_size(4096);
//! let ws = WebSocketStream::from_raw_socket(stream, Role::Server, Some(frames)).await;
//! # drop(ws);
//! # }
//! ```
//!
//! # Without this crate
//!
//! On the sans-IO path ([`wshake_proto`]) the leftover bytes are the machine's
//! `take_leftover()`: give them to the framing library before the socket, e.g.
//! tungstenite's `WebSocket::from_partially_read(socket, leftover.to_vec(), role, None)`,
//! or wrap both in a reader that yields them first, as [`Upgraded`](crate::Upgraded) does.
