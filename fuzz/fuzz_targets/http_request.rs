//! Fuzz target `http_request`: an arbitrary method, target, version and headers built into
//! an `http::Request` (whatever `http` refuses is skipped), validated by
//! `Incoming::from_http`, then `decide` and `accept_response`. Where the same request can
//! be written as HTTP/1.1 bytes (version 1.0 or 1.1, no value with whitespace at either
//! end, and the bytes parse back to the same request), the byte path must agree: the same
//! `Ok`/`Err`, the same error unless both are limit errors (431/414, which the two paths
//! check in a different order), and on success the same request and the same 101.
//!
//! The bytes carry the headers in the map's order and the target as the http path
//! measures it: the two differences known from `crates/wshake-proto/tests/http_types.rs`
//! (order across names, which a map does not keep; the length of an absolute target)
//! are not what this target looks for.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use http::{HeaderName, HeaderValue, Method, Uri, Version};
use wshake_proto::extensions::DeflateConfig;
use wshake_proto::server::{Incoming, OriginPolicy, ServerConfig, ServerHandshake};
use wshake_proto::{Error, Limits, Status};

/// One of the known texts (index modulo the list), or raw bytes.
#[derive(Arbitrary, Debug)]
enum Text {
    Known(u8),
    Raw(Vec<u8>),
}

impl Text {
    fn bytes<'a>(&'a self, known: &[&'static str]) -> &'a [u8] {
        match self {
            Self::Known(index) => known[usize::from(*index) % known.len()].as_bytes(),
            Self::Raw(bytes) => bytes,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Config {
    /// Head bytes (64 + 8 × n), header lines, target bytes.
    limits: Option<(u8, u8, u8)>,
    protocols: u8,
    prefer_client: bool,
    require_protocol: bool,
    deflate: Option<(bool, bool, u8, u8)>,
    origin: u8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: Config,
    method: Text,
    target: Text,
    version: u8,
    /// Start from the five lines of a valid request.
    valid_first: bool,
    headers: Vec<(Text, Text)>,
}

const METHODS: &[&str] = &["GET", "POST", "get", "HEAD", "CONNECT", "OPTIONS"];
const TARGETS: &[&str] = &[
    "/",
    "/chat",
    "/chat?room=1&x",
    "ws://example.com",
    "http://example.com/chat?x",
    "HTTPS://example.com:443/x",
    "wss://[::1]:9001/",
    "http://example.com?x=1",
    "*",
    "example.com:443",
    "ftp://example.com/",
    "http://user@example.com/",
    "/chat#frag",
    "/a%20b/c",
];
const NAMES: &[&str] = &[
    "Host",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Extensions",
    "Origin",
    "Content-Length",
    "Transfer-Encoding",
    "Cookie",
    "X-A",
    "Sec-WebSocket-Accept",
];
const VALUES: &[&str] = &[
    "example.com",
    "websocket",
    "Upgrade",
    "dGhlIHNhbXBsZSBub25jZQ==",
    "13",
    "8",
    "chat",
    "superchat, chat",
    "permessage-deflate",
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate; server_max_window_bits=10, permessage-deflate",
    "https://example.com",
    "https://evil.test",
    "https://a.example.com",
    "0",
    "5",
    "chunked",
    "keep-alive, Upgrade",
    "",
    "example.com:8080",
    "[::1]",
    "h2c",
];
const VALID: [(&str, &str); 5] = [
    ("host", "example.com"),
    ("upgrade", "websocket"),
    ("connection", "Upgrade"),
    ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ("sec-websocket-version", "13"),
];
const PROTOCOLS: [&str; 4] = ["chat", "superchat", "v1.json", "x"];

fn server_config(config: &Config) -> ServerConfig {
    let protocols = PROTOCOLS
        .iter()
        .enumerate()
        .filter(|(i, _)| config.protocols & (1 << i) != 0)
        .map(|(_, p)| *p);
    let mut server = ServerConfig::new().protocols(protocols);
    if let Some((head, lines, target)) = config.limits {
        let limits = Limits::new()
            .max_head_bytes(64 + 8 * usize::from(head))
            .max_headers(usize::from(lines) % 70)
            .expect("under the ceiling")
            .max_target_bytes(usize::from(target));
        server = server.limits(limits);
    }
    if config.prefer_client {
        server = server.prefer_client_protocols();
    }
    if config.require_protocol {
        server = server.require_protocol();
    }
    if let Some((s, c, sw, cw)) = config.deflate {
        server = server.deflate(DeflateConfig {
            server_no_context_takeover: s,
            client_no_context_takeover: c,
            server_max_window_bits: 8 + sw % 8,
            client_max_window_bits: 8 + cw % 8,
        });
    }
    server.origin_policy(match config.origin % 3 {
        0 => OriginPolicy::same_origin(),
        1 => OriginPolicy::same_origin().allow("*.example.com"),
        _ => OriginPolicy::any(),
    })
}

/// The request, or `None` where `http` refuses a part.
fn build(input: &Input) -> Option<http::Request<()>> {
    let mut request = http::Request::new(());
    *request.method_mut() = Method::from_bytes(input.method.bytes(METHODS)).ok()?;
    *request.uri_mut() = Uri::try_from(input.target.bytes(TARGETS)).ok()?;
    *request.version_mut() = match input.version % 5 {
        0 => Version::HTTP_09,
        1 => Version::HTTP_10,
        2 => Version::HTTP_2,
        _ => Version::HTTP_11,
    };
    let headers = request.headers_mut();
    if input.valid_first {
        for (name, value) in VALID {
            headers.append(name, HeaderValue::from_static(value));
        }
    }
    for (name, value) in input.headers.iter().take(48) {
        let name = HeaderName::from_bytes(name.bytes(NAMES)).ok()?;
        let value = HeaderValue::from_bytes(value.bytes(VALUES)).ok()?;
        headers.append(name, value);
    }
    Some(request)
}

/// What a request and its answer come to, on either path.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    path: String,
    query: Option<String>,
    host: String,
    origin: Option<Vec<u8>>,
    protocols: Vec<String>,
    extensions: Vec<String>,
    /// The 101's headers, or what the policies refused.
    answer: Result<Vec<(String, Vec<u8>)>, Error>,
}

/// The request's side of [`Seen`]; the answer is filled in after.
fn seen(incoming: &Incoming<'_>) -> Seen {
    Seen {
        path: incoming.path().to_string(),
        query: incoming.query().map(str::to_string),
        host: incoming.host().to_string(),
        origin: incoming.origin().map(<[u8]>::to_vec),
        protocols: incoming.protocols().map(str::to_string).collect(),
        extensions: incoming.extensions().map(|e| e.to_string()).collect(),
        answer: Ok(Vec::new()),
    }
}

/// The http path: from the request (and from its parts, the same), then the policies
/// and the 101, or the error's response.
fn http_path(config: &ServerConfig, request: &http::Request<()>) -> Result<Seen, Error> {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = request.method().clone();
    parts.uri = request.uri().clone();
    parts.version = request.version();
    parts.headers = request.headers().clone();
    let from_parts = Incoming::from_parts(config, &parts).map(|_| ());
    let incoming = Incoming::from_http(config, request);
    assert_eq!(
        from_parts,
        incoming.as_ref().map(|_| ()).map_err(Clone::clone)
    );
    let incoming = incoming.inspect_err(|error| {
        let status = error.to_response().status().as_u16();
        assert_eq!(status, error.status().unwrap_or(400));
    })?;
    let mut seen = seen(&incoming);
    seen.answer = incoming.decide().map(|answer| {
        let response = incoming
            .accept_response(&answer)
            .expect("the policies' answer is valid");
        assert_eq!(response.status(), 101);
        response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect()
    });
    Ok(seen)
}

/// The same request as HTTP/1.1 bytes, if it can be written so that it parses back the
/// same: headers in the map's order, the target as `scheme://authority` and the path
/// and query `http` keeps.
fn written(request: &http::Request<()>) -> Option<Vec<u8>> {
    let minor = match request.version() {
        Version::HTTP_10 => 0,
        Version::HTTP_11 => 1,
        _ => return None,
    };
    let uri = request.uri();
    let path = uri.path_and_query().map_or("", |pq| pq.as_str());
    let target = match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{path}"),
        (_, Some(authority)) => format!("{authority}{path}"),
        _ => path.to_string(),
    };
    let method = request.method().as_str();
    let mut out = format!("{method} {target} HTTP/1.{minor}\r\n").into_bytes();
    for (name, value) in request.headers() {
        let value = value.as_bytes();
        let padded = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
        if padded(value.first()) || padded(value.last()) {
            return None;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    let mut slots = vec![httparse::EMPTY_HEADER; request.headers().len()];
    let mut parsed = httparse::Request::new(&mut slots);
    let same = parsed.parse(&out) == Ok(httparse::Status::Complete(out.len()))
        && parsed.method == Some(method)
        && parsed.path == Some(target.as_str())
        && parsed.headers.len() == request.headers().len()
        && parsed
            .headers
            .iter()
            .zip(request.headers())
            .all(|(h, (name, value))| h.name == name.as_str() && h.value == value.as_bytes());
    same.then_some(out)
}

/// The byte path on the written request.
fn byte_path(config: &ServerConfig, bytes: &[u8]) -> Result<Seen, Error> {
    let mut server = ServerHandshake::new(config.clone());
    server.feed(bytes);
    let incoming = match server.poll()? {
        Status::Ready(incoming) => incoming,
        Status::NeedMore => panic!("a complete head needs more"),
    };
    let mut seen = seen(&incoming);
    seen.answer = incoming.decide().map(|answer| {
        let mut out = Vec::new();
        incoming
            .accept(&answer, &mut out)
            .expect("the policies' answer is valid");
        let mut slots = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut slots);
        assert_eq!(
            response.parse(&out),
            Ok(httparse::Status::Complete(out.len()))
        );
        assert_eq!(response.code, Some(101));
        response
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
            .collect()
    });
    Ok(seen)
}

fn is_limit(error: &Error) -> bool {
    matches!(
        error,
        Error::HeadTooLarge { .. } | Error::TooManyHeaders { .. } | Error::TargetTooLong { .. }
    )
}

fn check(data: &[u8]) {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let Some(request) = build(&input) else {
        return;
    };
    let config = server_config(&input.config);
    let http = http_path(&config, &request);
    let Some(bytes) = written(&request) else {
        return;
    };
    let by_bytes = byte_path(&config, &bytes);
    match (&by_bytes, &http) {
        (Err(a), Err(b)) if is_limit(a) && is_limit(b) => {}
        _ => assert_eq!(
            by_bytes,
            http,
            "byte path vs http path for\n{}",
            String::from_utf8_lossy(&bytes)
        ),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| check(data));
