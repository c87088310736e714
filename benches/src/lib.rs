//! Shared inputs for the criterion benches in `benches/benches/`.

/// The RFC 6455 §1.3 example key.
pub const RFC_KEY: &[u8] = b"dGhlIHNhbXBsZSBub25jZQ==";

/// A real request from headless Chromium (captured here, see the proto crate's fixtures).
pub const CHROMIUM_REQUEST: &[u8] =
    include_bytes!("../../crates/wshake-proto/tests/fixtures/request-chromium.http");

/// A real 101 from Python `websockets` answering [`RFC_KEY`] with `chat` and
/// permessage-deflate.
pub const PYTHON_RESPONSE: &[u8] =
    include_bytes!("../../crates/wshake-proto/tests/fixtures/response-python-websockets.http");

/// The Chromium request with a browser-sized `Cookie` header added: about 600 bytes, the
/// shape of a logged-in browser's handshake.
pub fn chromium_request_with_cookies() -> Vec<u8> {
    let mut request = CHROMIUM_REQUEST[..CHROMIUM_REQUEST.len() - 2].to_vec();
    request.extend_from_slice(
        b"Cookie: _ga=GA1.1.1234567890.1700000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjo0Mn0.c2lnbmF0dXJl; theme=dark\r\n\r\n",
    );
    request
}

/// The Chromium request with the cookies of a busy site: about 2 KiB, the size where
/// a browser's handshake stops fitting a small read.
pub fn chromium_request_2k() -> Vec<u8> {
    let mut request = CHROMIUM_REQUEST[..CHROMIUM_REQUEST.len() - 2].to_vec();
    request.extend_from_slice(b"Cookie: ");
    for i in 0..24u8 {
        if i > 0 {
            request.extend_from_slice(b"; ");
        }
        request.extend_from_slice(format!("c{i:02}=").as_bytes());
        request.extend_from_slice(&[b'a' + i; 56]);
    }
    request.extend_from_slice(b"\r\n\r\n");
    request
}

/// The smallest valid handshake, 5 header lines and 157 bytes: the base of the scaling
/// curves.
pub const MINIMAL_REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// [`MINIMAL_REQUEST`] padded with `X-Padding` lines to `bytes` in all (at least the
/// request itself), lines of at most 100 bytes.
pub fn padded_to_bytes(bytes: usize) -> Vec<u8> {
    let mut request = MINIMAL_REQUEST[..MINIMAL_REQUEST.len() - 2].to_vec();
    while request.len() + 2 < bytes {
        let room = bytes - 2 - request.len();
        // "X-Padding: " + value + CRLF, at least one value byte.
        let value = room.saturating_sub(13).clamp(1, 87);
        request.extend_from_slice(b"X-Padding: ");
        request.extend(std::iter::repeat_n(b'p', value));
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    request
}

/// [`MINIMAL_REQUEST`] with short `X-Padding` lines added until it has `count` header
/// lines (at least its own 5).
pub fn padded_to_headers(count: usize) -> Vec<u8> {
    let mut request = MINIMAL_REQUEST[..MINIMAL_REQUEST.len() - 2].to_vec();
    let own = request.split(|&b| b == b'\n').count() - 2;
    for i in own..count {
        request.extend_from_slice(format!("X-Padding-{i}: p\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    request
}

/// A request head of about 64 KiB: the valid handshake padded with headers.
pub fn large_request() -> Vec<u8> {
    let mut request = CHROMIUM_REQUEST[..CHROMIUM_REQUEST.len() - 2].to_vec();
    while request.len() < 64 * 1024 {
        request.extend_from_slice(b"X-Padding: ");
        request.extend_from_slice(&[b'p'; 1000]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    request
}

/// The server of the "no policies" rows: the work tungstenite does (validate, answer the
/// key), any origin, no subprotocol, no permessage-deflate.
pub fn plain_server_config() -> wshake_proto::server::ServerConfig {
    wshake_proto::server::ServerConfig::new()
        .origin_policy(wshake_proto::server::OriginPolicy::any())
}

/// The server of the "policies" rows: same origin, subprotocol `chat`, permessage-deflate.
pub fn policies_server_config() -> wshake_proto::server::ServerConfig {
    wshake_proto::server::ServerConfig::new()
        .protocols(["chat"])
        .origin_policy(wshake_proto::server::OriginPolicy::same_origin())
        .deflate(wshake_proto::extensions::DeflateConfig::default())
}

/// The client of the client rows, with its key: offers `chat` and permessage-deflate,
/// as the request [`PYTHON_RESPONSE`] answers.
///
/// # Panics
/// Never: the options and target are constants known to be valid.
pub fn client_machine() -> (wshake_proto::client::ClientHandshake, wshake_proto::Key) {
    use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
    let key = wshake_proto::Key::parse(RFC_KEY).expect("the RFC key is valid");
    let config = ClientConfig::new()
        .protocol("chat")
        .expect("a token")
        .deflate(wshake_proto::extensions::DeflateOffer::new().client_max_window_bits(None));
    let target = Target::new("127.0.0.1", "/chat").expect("a valid target");
    (ClientHandshake::new(config, target, key), key)
}

/// One server handshake on a reused machine: `request` fed whole, the policies' answer
/// written into `out`; the response's length. The criterion bench and the instruction
/// counts (`examples/instructions.rs`) run this same function.
///
/// # Panics
/// When `request` is not a complete request the policies accept: a bench input error.
#[inline]
pub fn server_round(
    machine: &mut wshake_proto::server::ServerHandshake,
    request: &[u8],
    out: &mut Vec<u8>,
) -> usize {
    machine.reset();
    out.clear();
    machine.feed(std::hint::black_box(request));
    let Ok(wshake_proto::Status::Ready(incoming)) = machine.poll() else {
        panic!("a complete, valid request")
    };
    let answer = incoming.decide().expect("accepted");
    incoming.accept(&answer, out).expect("written");
    out.len()
}

/// One client handshake on a reused machine: the request written into `out`, then
/// [`PYTHON_RESPONSE`] verified; the chosen subprotocol's length. Shared like
/// [`server_round`].
///
/// # Panics
/// When the response does not verify against the machine's request: a bench input error.
#[inline]
pub fn client_round(
    machine: &mut wshake_proto::client::ClientHandshake,
    key: wshake_proto::Key,
    out: &mut Vec<u8>,
) -> Option<usize> {
    machine.reset(key);
    out.clear();
    machine.write_request(out);
    machine.feed(std::hint::black_box(PYTHON_RESPONSE));
    let Ok(wshake_proto::Status::Ready(outcome)) = machine.poll() else {
        panic!("a verified 101")
    };
    outcome.protocol().map(str::len)
}

/// The headers of [`CHROMIUM_REQUEST`] that Chromium also sends over HTTP/2, as it sends
/// them there: lower case, no `Host`, `Connection`, `Upgrade` or key (the pseudo-headers
/// carry the rest).
const CHROMIUM_SHARED_HEADERS: [(&str, &str); 9] = [
    ("origin", "http://127.0.0.1:9001"),
    ("pragma", "no-cache"),
    ("cache-control", "no-cache"),
    (
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
    ),
    ("sec-websocket-version", "13"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-US,en;q=0.9"),
    (
        "sec-websocket-extensions",
        "permessage-deflate; client_max_window_bits",
    ),
    ("sec-websocket-protocol", "chat"),
];

/// [`CHROMIUM_REQUEST`] as hyper hands it to a service over HTTP/1.1: an `http::Request`.
///
/// # Panics
/// Never: the parts are constants known to be valid.
pub fn chromium_http1_request() -> http::Request<()> {
    let mut request = http::Request::get("/chat")
        .header("host", "127.0.0.1:9001")
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-key", "IIEITT8hVP1Nasro5+QsDg==")
        .body(())
        .expect("a valid request");
    for (name, value) in CHROMIUM_SHARED_HEADERS {
        request
            .headers_mut()
            .append(name, http::HeaderValue::from_static(value));
    }
    request
}

/// The extended CONNECT Chromium sends for the same WebSocket over HTTP/2 (RFC 8441), as
/// hyper hands it to a service (`:protocol` apart, given to `from_http2`).
///
/// # Panics
/// Never: the parts are constants known to be valid.
pub fn chromium_http2_request() -> http::Request<()> {
    let mut request = http::Request::connect("http://127.0.0.1:9001/chat")
        .version(http::Version::HTTP_2)
        .body(())
        .expect("a valid request");
    for (name, value) in CHROMIUM_SHARED_HEADERS {
        request
            .headers_mut()
            .append(name, http::HeaderValue::from_static(value));
    }
    request
}

/// One server handshake over `http` types, as wshake-hyper does it: validate (HTTP/2 as
/// an extended CONNECT), every policy, the answer as an `http::Response`. Returns its
/// status.
///
/// # Panics
/// When the request is refused: a bench setup error.
pub fn http_round(config: &wshake_proto::server::ServerConfig, request: &http::Request<()>) -> u16 {
    use wshake_proto::server::{Answer, ExtendedConnect, Incoming};
    let incoming = if request.version() == http::Version::HTTP_2 {
        let connect = ExtendedConnect::new(Some("websocket")).tls(false);
        Incoming::from_http2(config, request, connect)
    } else {
        Incoming::from_http(config, request)
    }
    .expect("a valid request");
    let (response, _) = incoming.answer_response(&Answer::policy());
    let status = response.status().as_u16();
    assert!(status == 101 || status == 200, "refused: {status}");
    status
}
