//! Faults at the tokio layer, both roles: a peer that resets or half-closes mid-message,
//! one that never reads the answer or reads it a byte at a time, one that never answers
//! or trickles its answer, over real loopback sockets; and a chaotic duplex (random
//! read and write splits, stalls and cuts, both ways) where both roles agree or fail
//! cleanly. Every scenario runs on a runtime of its own and must leave no task alive, no
//! allocation live and no file descriptor open once it is over.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use wshake_tokio::wshake_proto::Key;
use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
use wshake_tokio::wshake_proto::extensions::{DeflateConfig, DeflateOffer};
use wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_tokio::{Answer, Error, Options, accept, accept_with, handshake};

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Version: 13\r\n\r\n";

const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

/// The scenarios count descriptors and allocations of the whole process: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

/// Runs `scenario` twice on fresh current-thread runtimes (the first run warms up what a
/// thread allocates once), measuring the second: once it is over, no task may be alive,
/// no allocation it made may be live and no descriptor it opened may be open.
fn without_leaks<F, Fut>(scenario: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let run = || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(scenario());
        // Whatever the scenario spawned has ended.
        let alive = runtime.metrics().num_alive_tasks();
        assert_eq!(alive, 0, "tasks left behind");
    };
    run();
    let fds = open_fds();
    let info = allocation_counter::measure(run);
    assert_eq!(
        info.count_current, 0,
        "allocations left live: {} bytes ({info:?})",
        info.bytes_current
    );
    if cfg!(target_os = "linux") {
        assert_eq!(open_fds(), fds, "file descriptors left open");
    }
}

/// A connected pair over loopback: (client, server).
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A connected pair whose server sends through a 4 KiB buffer and whose client receives
/// through one: a large answer then waits on the client's reading.
async fn narrow_pair() -> (TcpStream, TcpStream) {
    let listener = TcpSocket::new_v4().unwrap();
    // Accepted sockets inherit the listener's buffer sizes.
    listener.set_send_buffer_size(4096).unwrap();
    listener.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = listener.local_addr().unwrap();
    let listener = listener.listen(8).unwrap();
    let client = TcpSocket::new_v4().unwrap();
    client.set_recv_buffer_size(4096).unwrap();
    let client = client.connect(address).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

fn options(timeout: Duration) -> Options {
    Options::new().timeout(timeout)
}

/// The server's handshake in a task, its outcome without the stream.
fn serve(server: TcpStream, timeout: Duration) -> tokio::task::JoinHandle<Result<(), Error>> {
    tokio::spawn(async move {
        accept(server, ServerConfig::new(), &options(timeout))
            .await
            .map(drop)
    })
}

fn is_closed_or_reset(result: &Result<(), Error>) -> bool {
    matches!(result, Err(Error::Closed | Error::Io(_)))
}

// --- server role ---

#[test]
fn server_peer_resets_mid_request() {
    without_leaks(|| async {
        let (mut client, server) = pair().await;
        let accepting = serve(server, Duration::from_secs(5));
        client.write_all(&REQUEST[..40]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        client.set_zero_linger().unwrap();
        let started = Instant::now();
        drop(client); // RST
        let result = accepting.await.unwrap();
        assert!(is_closed_or_reset(&result), "{result:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "waited for the timeout"
        );
    });
}

#[test]
fn server_peer_half_closes_after_a_partial_request() {
    without_leaks(|| async {
        let (mut client, server) = pair().await;
        let accepting = serve(server, Duration::from_secs(5));
        client.write_all(&REQUEST[..60]).await.unwrap();
        client.shutdown().await.unwrap(); // FIN: no more request
        let started = Instant::now();
        let result = accepting.await.unwrap();
        assert!(matches!(result, Err(Error::Closed)), "{result:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "waited for the timeout"
        );
        // The server closed its side too: the client reads the end, not a hang.
        let mut rest = Vec::new();
        tokio::time::timeout(Duration::from_secs(2), client.read_to_end(&mut rest))
            .await
            .expect("the server closed")
            .unwrap();
    });
}

/// How a client reads a large refusal.
#[derive(Clone, Copy, Debug)]
enum Reader {
    Never,
    OneBytePer(Duration),
}

/// A 4 MiB refusal to a client that reads it as `reader` says: the write cannot finish,
/// so the handshake timeout (a write timeout here) ends it.
async fn large_refusal_to(reader: Reader) {
    let timeout = Duration::from_millis(400);
    let (mut client, server) = narrow_pair().await;
    let accepting = tokio::spawn(async move {
        accept_with(server, ServerConfig::new(), &options(timeout), async |_| {
            Answer::reject(403).body(vec![b'x'; 4 << 20])
        })
        .await
        .map(drop)
    });
    client.write_all(REQUEST).await.unwrap();
    let started = Instant::now();
    let reading = async {
        if let Reader::OneBytePer(pace) = reader {
            let mut byte = [0u8; 1];
            while client.read(&mut byte).await.unwrap_or(0) == 1 {
                tokio::time::sleep(pace).await;
            }
        } else {
            std::future::pending::<()>().await;
        }
    };
    let result = tokio::select! {
        result = accepting => result.unwrap(),
        () = reading => panic!("the 4 MiB answer ended early"),
    };
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    // The timeout, then at most the lingering close (250 ms).
    let elapsed = started.elapsed();
    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < timeout + Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn server_peer_never_reads_the_answer_write_times_out() {
    without_leaks(|| large_refusal_to(Reader::Never));
}

#[test]
fn server_peer_reads_the_answer_a_byte_at_a_time_write_times_out() {
    without_leaks(|| large_refusal_to(Reader::OneBytePer(Duration::from_millis(100))));
}

#[test]
fn server_is_done_with_a_101_before_a_slow_reader_has_read_it() {
    without_leaks(|| async {
        let (mut client, server) = pair().await;
        let accepting = serve(server, Duration::from_secs(5));
        client.write_all(REQUEST).await.unwrap();
        // Three bytes, one every 100 ms: the server finished long before.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        for _ in 0..3 {
            client.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(accepting.is_finished(), "the server waited on the reader");
        accepting.await.unwrap().unwrap();
        while !head.ends_with(b"\r\n\r\n") {
            client.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        assert_eq!(head, RESPONSE);
    });
}

// --- client role ---

/// The client's handshake in a task, its outcome without the stream.
fn connect(client: TcpStream, timeout: Duration) -> tokio::task::JoinHandle<Result<(), Error>> {
    tokio::spawn(async move {
        let target = Target::new("127.0.0.1", "/chat").unwrap();
        let key = Key::from_nonce(*b"the sample nonce");
        handshake(client, ClientConfig::new(), target, key, &options(timeout))
            .await
            .map(drop)
    })
}

/// Reads a request head from the client's side of the pair.
async fn read_request(server: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        server.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
}

#[test]
fn client_server_accepts_and_never_answers_times_out_clearly() {
    without_leaks(|| async {
        let (client, server) = pair().await;
        let started = Instant::now();
        let result = connect(client, Duration::from_millis(300)).await.unwrap();
        assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
        assert!(result.unwrap_err().to_string().contains("timed out"));
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        drop(server);
    });
}

#[test]
fn client_server_resets_mid_response() {
    without_leaks(|| async {
        let (client, mut server) = pair().await;
        let connecting = connect(client, Duration::from_secs(5));
        read_request(&mut server).await;
        server.write_all(&RESPONSE[..50]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        server.set_zero_linger().unwrap();
        let started = Instant::now();
        drop(server);
        let result = connecting.await.unwrap();
        assert!(is_closed_or_reset(&result), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    });
}

#[test]
fn client_server_half_closes_after_a_partial_response() {
    without_leaks(|| async {
        let (client, mut server) = pair().await;
        let connecting = connect(client, Duration::from_secs(5));
        read_request(&mut server).await;
        server.write_all(&RESPONSE[..50]).await.unwrap();
        server.shutdown().await.unwrap();
        let started = Instant::now();
        let result = connecting.await.unwrap();
        assert!(matches!(result, Err(Error::Closed)), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    });
}

#[test]
fn client_server_trickles_the_101_within_and_past_the_timeout() {
    without_leaks(|| async {
        for (pace, timeout, completes) in [
            (Duration::from_millis(2), Duration::from_secs(5), true),
            (Duration::from_millis(20), Duration::from_millis(300), false),
        ] {
            let (client, mut server) = pair().await;
            let connecting = connect(client, timeout);
            read_request(&mut server).await;
            let trickle = async {
                for byte in RESPONSE {
                    if server.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(pace).await;
                }
            };
            let (result, ()) = tokio::join!(connecting, trickle);
            let result = result.unwrap();
            if completes {
                assert!(result.is_ok(), "{result:?}");
            } else {
                assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
            }
        }
    });
}

// --- both roles over a chaotic duplex ---

/// xorshift64*: deterministic, so a failing case is replayed from its seed.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
}

/// A stream that reads and writes in random small pieces, stalls at random (pending,
/// woken at once or after a short sleep) and, if `cut_after` is set, breaks once that
/// many bytes were written: the peer then reads the end, and this side gets errors.
struct Chaos<IO> {
    io: IO,
    rng: Rng,
    stall: Option<Pin<Box<tokio::time::Sleep>>>,
    written: usize,
    cut_after: Option<usize>,
    cut: bool,
}

impl<IO> Chaos<IO> {
    fn new(io: IO, rng: Rng, cut_after: Option<usize>) -> Self {
        Self {
            io,
            rng,
            stall: None,
            written: 0,
            cut_after,
            cut: false,
        }
    }

    /// Pending for a moment, at random: `Ready` to go on.
    fn stalled(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(stall) = self.stall.as_mut() {
            if stall.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.stall = None;
            return Poll::Ready(());
        }
        match self.rng.below(12) {
            0 => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            1 => {
                let pause = Duration::from_micros(self.rng.below(1_000));
                self.stall = Some(Box::pin(tokio::time::sleep(pause)));
                self.stalled(cx)
            }
            _ => Poll::Ready(()),
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncRead for Chaos<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.cut {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        if this.stalled(cx).is_pending() {
            return Poll::Pending;
        }
        let most = usize::try_from(1 + this.rng.below(24)).unwrap();
        let mut piece = [0u8; 24];
        let want = most.min(buf.remaining());
        let mut small = ReadBuf::new(&mut piece[..want]);
        match Pin::new(&mut this.io).poll_read(cx, &mut small) {
            Poll::Ready(Ok(())) => {
                buf.put_slice(small.filled());
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Chaos<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.cut {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if this.stalled(cx).is_pending() {
            return Poll::Pending;
        }
        let mut most = usize::try_from(1 + this.rng.below(24)).unwrap();
        if let Some(cut) = this.cut_after {
            if this.written >= cut {
                // The connection breaks: the peer reads the end.
                let _ = Pin::new(&mut this.io).poll_shutdown(cx);
                this.cut = true;
                return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
            }
            most = most.min(cut - this.written);
        }
        match Pin::new(&mut this.io).poll_write(cx, &buf[..most.min(buf.len())]) {
            Poll::Ready(Ok(n)) => {
                this.written += n;
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

const PROTOCOLS: [&str; 3] = ["chat", "superchat", "v2.json"];

/// A random subset of [`PROTOCOLS`], in a random order.
fn some_protocols(rng: &mut Rng) -> Vec<&'static str> {
    let mut chosen: Vec<_> = PROTOCOLS.into_iter().filter(|_| rng.chance(2)).collect();
    if chosen.len() > 1 && rng.chance(2) {
        chosen.reverse();
    }
    chosen
}

/// One case: random configs on both sides, random chaos on both streams, a cut on one of
/// them in a third of the cases. Without a cut both sides must agree on everything and
/// exchange a message each way after the handshake; with one, each side ends (well before
/// its timeout) with a result or an error, never a panic or a hang.
async fn chaotic_case(seed: u64) {
    let mut rng = Rng::new(seed);
    let client_protocols = some_protocols(&mut rng);
    let server_protocols = some_protocols(&mut rng);
    let client_deflate = rng.chance(2);
    let server_deflate = rng.chance(2);
    let allow_missing_protocol = rng.chance(2);
    let cut = rng.chance(3).then(|| {
        let on_client = rng.chance(2);
        (on_client, usize::try_from(rng.below(400)).unwrap())
    });

    let mut client_config = ClientConfig::new().allow_missing_protocol(allow_missing_protocol);
    for protocol in &client_protocols {
        client_config = client_config.protocol(protocol).unwrap();
    }
    if client_deflate {
        client_config = client_config.deflate(DeflateOffer::default());
    }
    let mut server_config = ServerConfig::new().protocols(server_protocols.iter().copied());
    if server_deflate {
        server_config = server_config.deflate(DeflateConfig::default());
    }
    let (client_io, server_io) = tokio::io::duplex(64);
    let client_io = Chaos::new(
        client_io,
        Rng::new(seed ^ 0xC1),
        cut.filter(|c| c.0).map(|c| c.1),
    );
    let server_io = Chaos::new(
        server_io,
        Rng::new(seed ^ 0x5E),
        cut.filter(|c| !c.0).map(|c| c.1),
    );
    let timeout = Duration::from_secs(5);

    let server = tokio::spawn(async move {
        let (accepted, mut stream) = accept(server_io, server_config, &options(timeout)).await?;
        stream.write_all(b"from the server").await?;
        stream.flush().await?;
        let mut message = [0u8; 15];
        stream.read_exact(&mut message).await?;
        assert_eq!(&message, b"from the client");
        Ok::<_, Error>((accepted.protocol, accepted.deflate))
    });
    let client = tokio::spawn(async move {
        let target = Target::new("example.com", "/chat").unwrap();
        let key = Key::from_nonce(seed.to_le_bytes().repeat(2).try_into().unwrap());
        let (connected, mut stream) =
            handshake(client_io, client_config, target, key, &options(timeout)).await?;
        stream.write_all(b"from the client").await?;
        stream.flush().await?;
        let mut message = [0u8; 15];
        stream.read_exact(&mut message).await?;
        assert_eq!(&message, b"from the server");
        Ok::<_, Error>((connected.protocol, connected.deflate))
    });
    let started = tokio::time::Instant::now();
    let (server, client) = tokio::join!(server, client);
    let (server, client) = (server.expect("no panic"), client.expect("no panic"));
    assert!(
        started.elapsed() < timeout,
        "seed {seed}: a side waited for its timeout"
    );
    let common = server_protocols
        .iter()
        .any(|p| client_protocols.contains(p));
    let client_refuses = !client_protocols.is_empty() && !common && !allow_missing_protocol;
    match cut {
        // A client that offered subprotocols fails a 101 that names none (unless told
        // to allow it); the server, upgraded, then reads the end of the stream.
        None if client_refuses => {
            let error = client.expect_err("the client fails a 101 without its protocol");
            assert!(error.handshake().is_some(), "seed {seed}: {error}");
            assert!(server.is_err(), "seed {seed}: {server:?}");
        }
        None => {
            let (server, client) = (
                server.unwrap_or_else(|e| panic!("seed {seed}: server {e}")),
                client.unwrap_or_else(|e| panic!("seed {seed}: client {e}")),
            );
            assert_eq!(server, client, "seed {seed}: the two sides disagree");
            assert_eq!(server.0.is_some(), common, "seed {seed}: {server:?}");
            assert_eq!(
                server.1.is_some(),
                client_deflate && server_deflate,
                "seed {seed}"
            );
        }
        Some(_) => {
            // Either may have finished before the cut; whoever did not has an error.
            if let (Ok(server), Ok(client)) = (&server, &client) {
                assert_eq!(server, client, "seed {seed}");
            }
        }
    }
}

#[test]
fn chaotic_duplex_both_roles_agree_or_fail_cleanly() {
    without_leaks(|| async {
        for seed in 0..300 {
            chaotic_case(seed).await;
        }
    });
}
