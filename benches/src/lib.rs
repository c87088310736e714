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
