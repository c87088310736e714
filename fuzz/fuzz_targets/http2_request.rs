//! Fuzz target `http2_request`: an arbitrary method, URI (scheme, authority, path),
//! `:protocol`, connection (TLS or not, or unknown) and headers built into an HTTP/2
//! `http::Request` (whatever `http` refuses is skipped), validated by
//! `Incoming::from_http2`, then `decide` and `accept_response`. Checks: `from_http2`
//! equals `from_http2_parts`; an error's HTTP/2 answer has its status (a 426 becomes a
//! 400 with `sec-websocket-version: 13`) and no connection-specific header; a valid
//! request's answer is a 200 without accept or connection-specific header; and the
//! header rules it shares with HTTP/1.1 agree: the same headers in an HTTP/1.1 upgrade
//! (`GET`, `Upgrade`, `Connection`, a key, `Host` the authority) offer the same
//! subprotocols and extensions and are negotiated to the same answer.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use http::{HeaderName, HeaderValue, Method, Uri, Version};
use wshake_proto::extensions::DeflateConfig;
use wshake_proto::server::{ExtendedConnect, Incoming, OriginPolicy, ServerConfig};

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
struct Input {
    protocols: u8,
    deflate: bool,
    any_origin: bool,
    method: Text,
    uri: Text,
    protocol: Option<Text>,
    /// 0: unknown, 1: TLS, 2: cleartext.
    tls: u8,
    headers: Vec<(Text, Text)>,
}

const METHODS: &[&str] = &["CONNECT", "GET", "POST", "connect"];
const URIS: &[&str] = &[
    "https://example.com/chat",
    "http://example.com/chat?room=1",
    "https://example.com:8443/",
    "/chat",
    "example.com:443",
    "*",
    "ftp://example.com/",
    "https://user@example.com/",
    "https://[::1]:9001/x",
];
const PROTOCOLS: &[&str] = &["websocket", "WebSocket", "chat", "", "connect-udp"];
const NAMES: &[&str] = &[
    "host",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "sec-websocket-key",
    "origin",
    "content-length",
    "connection",
    "upgrade",
    "keep-alive",
    "te",
    "transfer-encoding",
    "proxy-connection",
    "cookie",
    "x-a",
];
const VALUES: &[&str] = &[
    "13",
    "8",
    "013",
    "example.com",
    "example.com:8443",
    "other.test",
    "chat",
    "superchat, chat",
    "a b",
    "permessage-deflate",
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate;",
    "https://example.com",
    "http://example.com",
    "https://evil.test",
    "trailers",
    "0",
    "5",
    "dGhlIHNhbXBsZSBub25jZQ==",
    "",
];

fn config(input: &Input) -> ServerConfig {
    let protocols = ["chat", "superchat"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| input.protocols & (1 << i) != 0)
        .map(|(_, p)| p);
    let mut config = ServerConfig::new().protocols(protocols);
    if input.deflate {
        config = config.deflate(DeflateConfig::default());
    }
    if input.any_origin {
        config = config.origin_policy(OriginPolicy::any());
    }
    config
}

fn build(input: &Input) -> Option<http::Request<()>> {
    let mut request = http::Request::new(());
    *request.method_mut() = Method::from_bytes(input.method.bytes(METHODS)).ok()?;
    *request.uri_mut() = Uri::try_from(input.uri.bytes(URIS)).ok()?;
    *request.version_mut() = Version::HTTP_2;
    for (name, value) in input.headers.iter().take(32) {
        let name = HeaderName::from_bytes(name.bytes(NAMES)).ok()?;
        let value = HeaderValue::from_bytes(value.bytes(VALUES)).ok()?;
        request.headers_mut().append(name, value);
    }
    Some(request)
}

const CONNECTION_SPECIFIC: [&str; 6] = [
    "connection",
    "upgrade",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
];

fn no_connection_headers(headers: &http::HeaderMap) {
    for name in CONNECTION_SPECIFIC {
        assert!(headers.get(name).is_none(), "{name} in an HTTP/2 answer");
    }
}

/// The same headers as an HTTP/1.1 upgrade, when the request names its authority.
fn http1(request: &http::Request<()>) -> Option<http::Request<()>> {
    let authority = request.uri().authority()?.as_str();
    let mut h1 = http::Request::get(request.uri().path_and_query()?.as_str())
        .header("host", authority)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .body(())
        .ok()?;
    for (name, value) in request.headers() {
        if name == "host" || name == "sec-websocket-key" {
            continue;
        }
        h1.headers_mut().append(name.clone(), value.clone());
    }
    Some(h1)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let Some(request) = build(&input) else {
        return;
    };
    let config = config(&input);
    let protocol = input
        .protocol
        .as_ref()
        .map(|p| String::from_utf8_lossy(p.bytes(PROTOCOLS)).into_owned());
    let mut connect = ExtendedConnect::new(protocol.as_deref());
    match input.tls % 3 {
        1 => connect = connect.tls(true),
        2 => connect = connect.tls(false),
        _ => {}
    }
    let (parts, ()) = request.clone().into_parts();
    let from_parts = Incoming::from_http2_parts(&config, &parts, connect).map(|_| ());
    let incoming = Incoming::from_http2(&config, &request, connect);
    assert_eq!(
        from_parts,
        incoming.as_ref().map(|_| ()).map_err(Clone::clone)
    );
    let incoming = match incoming {
        Ok(incoming) => incoming,
        Err(error) => {
            let response = error.to_response_for(Version::HTTP_2);
            let status = error.status().unwrap_or(400);
            assert_eq!(response.status(), if status == 426 { 400 } else { status });
            if status == 426 {
                assert_eq!(response.headers()["sec-websocket-version"], "13");
            }
            no_connection_headers(response.headers());
            return;
        }
    };
    assert!(incoming.is_http2() && incoming.key().is_none());
    let offered_protocols: Vec<String> = incoming.protocols().map(str::to_string).collect();
    let offered_extensions: Vec<String> = incoming.extensions().map(|e| e.to_string()).collect();
    let decided = incoming.decide();
    let answer = decided.as_ref().map(|answer| {
        let response = incoming
            .accept_response(answer)
            .expect("the policies' answer is valid");
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("sec-websocket-accept").is_none());
        no_connection_headers(response.headers());
        let header = |name| response.headers().get(name).map(|v| v.as_bytes().to_vec());
        (
            header("sec-websocket-protocol"),
            header("sec-websocket-extensions"),
        )
    });
    // The header rules shared with HTTP/1.1: without `Origin` (whose comparison knows the
    // scheme only over HTTP/2), the same offers and the same negotiated answer.
    if request.headers().contains_key("origin") {
        return;
    }
    let Some(h1) = http1(&request) else {
        return;
    };
    let one = Incoming::from_http(&config, &h1).expect("HTTP/2 accepted the same headers");
    assert_eq!(
        one.protocols().map(str::to_string).collect::<Vec<_>>(),
        offered_protocols
    );
    assert_eq!(
        one.extensions().map(|e| e.to_string()).collect::<Vec<_>>(),
        offered_extensions
    );
    let one_answer = one.decide().map(|answer| {
        let response = one.accept_response(&answer).expect("valid");
        let header = |name| response.headers().get(name).map(|v| v.as_bytes().to_vec());
        (
            header("sec-websocket-protocol"),
            header("sec-websocket-extensions"),
        )
    });
    assert_eq!(one_answer, answer.map_err(Clone::clone));
});
