//! The client role against the checklist: C1, C4–C11 and D24–D29, each test named by ID.

use wshake_proto::client::{ClientConfig, ClientHandshake, Outcome, Target};
use wshake_proto::extensions::{DeflateError, DeflateOffer, DeflateParams};
use wshake_proto::{Error, Key, Limits, LocalError, Status};

const NONCE: [u8; 16] = *b"the sample nonce";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// `ws://example.com/chat`
fn target() -> Target {
    Target::new("example.com", "/chat").unwrap()
}

fn client(config: ClientConfig) -> ClientHandshake {
    ClientHandshake::new(config, target(), Key::from_nonce(NONCE))
}

fn request_text(config: ClientConfig) -> String {
    let mut out = Vec::new();
    client(config).write_request(&mut out);
    String::from_utf8(out).unwrap()
}

/// The request a client with no offers sends to `target`.
fn request_text_to(target: Target) -> String {
    let mut out = Vec::new();
    ClientHandshake::new(plain(), target, Key::from_nonce(NONCE)).write_request(&mut out);
    String::from_utf8(out).unwrap()
}

/// A poll's result without the borrowed outcome: comparable with `assert_eq!`.
fn settled(polled: Result<Status<Outcome<'_>>, Error>) -> Result<Status<()>, Error> {
    polled.map(|status| match status {
        Status::NeedMore => Status::NeedMore,
        Status::Ready(_) => Status::Ready(()),
    })
}

/// The outcome of a machine that already verified its response.
fn outcome(client: &mut ClientHandshake) -> Outcome<'_> {
    match client.poll() {
        Ok(Status::Ready(outcome)) => outcome,
        other => panic!("expected a verified response, got {:?}", settled(other)),
    }
}

fn response(extra: &[&str]) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\n"
    );
    for line in extra {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

fn response_without(name: &str) -> Vec<u8> {
    let text = String::from_utf8(response(&[])).unwrap();
    text.split("\r\n")
        .filter(|line| !line.starts_with(name))
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes()
}

fn verify(config: ClientConfig, bytes: &[u8]) -> Result<ClientHandshake, Error> {
    let mut client = client(config);
    client.feed(bytes);
    match client.poll()? {
        Status::Ready(_) => Ok(client),
        Status::NeedMore => panic!("incomplete: {}", String::from_utf8_lossy(bytes)),
    }
}

fn plain() -> ClientConfig {
    ClientConfig::new()
}

// --- C1: URLs ----------------------------------------------------------------------------

#[test]
fn c1_ws_and_wss_urls_with_default_ports() {
    let target = Target::from_url("ws://example.com/chat?room=1").unwrap();
    assert_eq!(
        (target.host(), target.port(), target.is_secure()),
        ("example.com", 80, false)
    );
    assert_eq!(target.resource(), "/chat?room=1");
    let target = Target::from_url("wss://example.com").unwrap();
    assert_eq!(
        (target.port(), target.is_secure(), target.resource()),
        (443, true, "/")
    );
    let target = Target::from_url("ws://example.com?x").unwrap();
    assert_eq!(target.resource(), "/?x");
    // From its parts: plain ws, port 80 unless the Host value says otherwise.
    let target = Target::new("example.com:8080", "/chat?room=1").unwrap();
    assert_eq!(
        (target.host(), target.port(), target.is_secure()),
        ("example.com", 8080, false)
    );
    assert_eq!(
        (target.host_header(), target.resource()),
        ("example.com:8080", "/chat?room=1")
    );
    assert_eq!(Target::new("[::1]", "/").unwrap().port(), 80);
}

#[test]
fn c1_other_schemes_fragments_and_credentials_fail_before_connecting() {
    assert_eq!(
        Target::from_url("http://example.com/").unwrap_err(),
        LocalError::UnsupportedScheme
    );
    assert_eq!(
        Target::from_url("wss://example.com/#frag").unwrap_err(),
        LocalError::UrlFragment
    );
    assert_eq!(
        Target::from_url("ws://example.com/#").unwrap_err(),
        LocalError::UrlFragment
    );
    assert_eq!(
        Target::from_url("ws://user:pw@example.com/").unwrap_err(),
        LocalError::UrlCredentials
    );
    assert_eq!(
        Target::from_url("not a url").unwrap_err(),
        LocalError::InvalidUrl
    );
    assert_eq!(
        Target::from_url("ws://").unwrap_err(),
        LocalError::InvalidUrl
    );
    // An escaped '#' is part of the resource.
    assert_eq!(
        Target::from_url("ws://example.com/a%23b")
            .unwrap()
            .resource(),
        "/a%23b"
    );
    assert_eq!(
        Target::new("example.com", "/a#b").unwrap_err(),
        LocalError::UrlFragment
    );
    // A target from its parts is checked like one from a URL.
    assert_eq!(
        Target::new("bad host", "/").unwrap_err(),
        LocalError::InvalidHost
    );
    assert_eq!(Target::new("", "/").unwrap_err(), LocalError::InvalidHost);
    for resource in ["chat", "", "/a b", "/a\r\nX: y"] {
        assert_eq!(
            Target::new("example.com", resource).unwrap_err(),
            LocalError::InvalidResource,
            "{resource:?}"
        );
    }
}

// --- C4–C8: the request ------------------------------------------------------------------

#[test]
fn c4_request_line_is_get_resource_http_1_1() {
    let text = request_text_to(Target::from_url("ws://example.com/a/b?c=d").unwrap());
    assert!(text.starts_with("GET /a/b?c=d HTTP/1.1\r\n"), "{text}");
}

#[test]
fn c5_host_omits_default_port_keeps_others_brackets_ipv6() {
    for (url, host) in [
        ("ws://example.com:80/", "example.com"),
        ("wss://example.com:443/", "example.com"),
        ("ws://example.com:443/", "example.com:443"),
        ("wss://example.com:8443/", "example.com:8443"),
        ("ws://[::1]:9001/", "[::1]:9001"),
        ("ws://[::1]/", "[::1]"),
        ("ws://127.0.0.1:9001/", "127.0.0.1:9001"),
        ("ws://EXAMPLE.com/", "example.com"),
    ] {
        let target = Target::from_url(url).unwrap();
        assert_eq!(target.host_header(), host, "{url}");
        assert!(request_text_to(target).contains(&format!("\r\nHost: {host}\r\n")));
    }
    let target = Target::from_url("ws://[::1]:9001/").unwrap();
    assert_eq!((target.host(), target.port()), ("::1", 9001));
}

#[test]
fn c6_upgrade_and_connection() {
    let text = request_text(plain());
    assert!(text.contains("\r\nUpgrade: websocket\r\n"));
    assert!(text.contains("\r\nConnection: Upgrade\r\n"));
}

#[test]
fn c7_key_is_base64_of_the_nonce_and_fresh_per_request() {
    let text = request_text(plain());
    assert!(text.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
    let a = Key::random().unwrap();
    let b = Key::random().unwrap();
    assert_ne!(a, b);
    let mut out = Vec::new();
    ClientHandshake::new(plain(), target(), a).write_request(&mut out);
    assert!(String::from_utf8(out).unwrap().contains(a.as_str()));
}

#[test]
fn c8_version_13_and_origin_only_when_configured() {
    let text = request_text(plain());
    assert!(text.contains("\r\nSec-WebSocket-Version: 13\r\n"));
    assert!(!text.to_ascii_lowercase().contains("origin"));
    let text = request_text(plain().origin("https://example.com").unwrap());
    assert!(text.contains("\r\nOrigin: https://example.com\r\n"));
    for bad in ["", "https://a\r\nX: y", "null\0"] {
        assert_eq!(
            plain().origin(bad).unwrap_err(),
            LocalError::InvalidOrigin,
            "{bad:?}"
        );
    }
}

#[test]
fn c8_extra_headers_are_validated_and_cannot_override() {
    assert_eq!(
        plain().header("X-A", "a\r\nB: c").unwrap_err(),
        LocalError::InvalidHeaderValue
    );
    assert_eq!(
        plain().header("X-A", "a\0").unwrap_err(),
        LocalError::InvalidHeaderValue
    );
    assert_eq!(
        plain().header("Bad Name", "a").unwrap_err(),
        LocalError::InvalidHeaderName
    );
    for reserved in [
        "Host",
        "upgrade",
        "Sec-WebSocket-Key",
        "sec-websocket-version",
        "Connection",
        "Origin",
    ] {
        assert_eq!(
            plain().header(reserved, "x").unwrap_err(),
            LocalError::ReservedHeader,
            "{reserved}"
        );
    }
    let text = request_text(plain().header("Authorization", "Bearer t").unwrap());
    assert!(text.contains("\r\nAuthorization: Bearer t\r\n"));
    assert!(text.ends_with("\r\n\r\n"));
}

// --- C9: offers --------------------------------------------------------------------------

#[test]
fn c9_protocol_offers_are_unique_tokens() {
    assert_eq!(
        plain().protocol("").unwrap_err(),
        LocalError::InvalidProtocol
    );
    assert_eq!(
        plain().protocol("a b").unwrap_err(),
        LocalError::InvalidProtocol
    );
    assert_eq!(
        plain().protocol("a,b").unwrap_err(),
        LocalError::InvalidProtocol
    );
    assert_eq!(
        plain().protocol("a").unwrap().protocol("a").unwrap_err(),
        LocalError::DuplicateProtocolOffer
    );
    let config = plain().protocol("a").unwrap().protocol("b").unwrap();
    assert_eq!(config.protocols(), ["a", "b"]);
    let text = request_text(config);
    assert!(text.contains("\r\nSec-WebSocket-Protocol: a, b\r\n"));
}

#[test]
fn c9_extension_offers_follow_the_grammar() {
    for bad in ["a;", "", "a b"] {
        assert_eq!(
            plain().extension(bad).unwrap_err(),
            LocalError::InvalidExtensions,
            "{bad:?}"
        );
    }
    let text = request_text(
        plain()
            .deflate(DeflateOffer::new().client_max_window_bits(None))
            .deflate(DeflateOffer::new())
            .extension("x-custom; a=1")
            .unwrap(),
    );
    assert!(
        text.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate, x-custom; a=1\r\n"),
        "{text}"
    );
}

#[test]
fn c9_extension_offers_keep_the_order_they_were_given() {
    // Raw offers and permessage-deflate offers interleave as the setters were called.
    let config = plain()
        .extension("x-first")
        .unwrap()
        .deflate(DeflateOffer::new())
        .extension("x-second; a=1, x-third")
        .unwrap()
        .deflate(DeflateOffer::new().server_no_context_takeover());
    assert_eq!(
        config.extensions().map(|e| e.name()).collect::<Vec<_>>(),
        [
            "x-first",
            "permessage-deflate",
            "x-second",
            "x-third",
            "permessage-deflate"
        ]
    );
    let text = request_text(config);
    assert!(
        text.contains("\r\nSec-WebSocket-Extensions: x-first, permessage-deflate, x-second; a=1, x-third, permessage-deflate; server_no_context_takeover\r\n"),
        "{text}"
    );
    // No offers, no header.
    assert!(!request_text(plain()).contains("Sec-WebSocket-Extensions"));
}

// --- C10 ---------------------------------------------------------------------------------

#[test]
fn c10_nothing_is_handed_on_before_the_response_is_complete() {
    let mut client = client(plain());
    let full = response(&[]);
    client.feed(&full[..full.len() - 1]);
    assert_eq!(settled(client.poll()), Ok(Status::NeedMore));
    assert!(client.refusal().is_none());
    assert!(client.leftover().is_empty());
    assert!(client.take_leftover().is_empty());
    client.feed(b"\n\x81\x00");
    assert_eq!(settled(client.poll()), Ok(Status::Ready(())));
    assert!(client.refusal().is_none());
    assert_eq!(client.leftover(), b"\x81\x00");
}

// --- C11: response checks ----------------------------------------------------------------

#[test]
fn c11_status_other_than_101_carries_status_reason_location() {
    let error = verify(
        plain(),
        b"HTTP/1.1 302 Found\r\nLocation: wss://other.test/chat\r\nContent-Length: 0\r\n\r\n",
    )
    .unwrap_err();
    assert_eq!(
        error,
        Error::NotSwitchingProtocols {
            status: 302,
            reason: "Found".into(),
            location: Some("wss://other.test/chat".into())
        }
    );
    let error = verify(plain(), b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").unwrap_err();
    assert!(matches!(
        error,
        Error::NotSwitchingProtocols {
            status: 200,
            location: None,
            ..
        }
    ));
    // The refusal itself stays readable: head, and the body bytes that came with it.
    let mut client = client(plain());
    client.feed(
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 9\r\n\r\nlog",
    );
    assert!(matches!(
        client.poll(),
        Err(Error::NotSwitchingProtocols { status: 401, .. })
    ));
    let refusal = client.refusal().unwrap();
    assert_eq!(refusal.response().status(), 401);
    assert_eq!(refusal.response().reason(), b"Unauthorized");
    assert_eq!(
        refusal.response().headers().get("www-authenticate"),
        Some(&b"Bearer"[..])
    );
    assert_eq!(refusal.body_start(), b"log");
    assert_eq!(refusal.body_length(), Some(9));
    // Nothing of a refusal belongs to a WebSocket connection.
    assert!(client.leftover().is_empty());
}

#[test]
fn c11_upgrade_must_be_websocket() {
    assert_eq!(
        verify(plain(), &response_without("Upgrade")).unwrap_err(),
        Error::MissingUpgrade
    );
    let bad = String::from_utf8(response(&[]))
        .unwrap()
        .replace("Upgrade: websocket", "Upgrade: h2c");
    assert_eq!(
        verify(plain(), bad.as_bytes()).unwrap_err(),
        Error::UpgradeNotWebSocket
    );
    let upper = String::from_utf8(response(&[]))
        .unwrap()
        .replace("Upgrade: websocket", "upgrade: WebSocket");
    verify(plain(), upper.as_bytes()).unwrap();
}

#[test]
fn c11_connection_must_contain_upgrade_as_a_list() {
    assert_eq!(
        verify(plain(), &response_without("Connection")).unwrap_err(),
        Error::MissingConnection
    );
    for (value, ok) in [
        ("Upgrade, keep-alive", true),
        ("keep-alive, upgrade", true),
        ("UPGRADE", true),
        ("keep-alive", false),
        ("notupgrade", false),
    ] {
        let text = String::from_utf8(response(&[]))
            .unwrap()
            .replace("Connection: Upgrade", &format!("Connection: {value}"));
        let result = verify(plain(), text.as_bytes());
        assert_eq!(result.is_ok(), ok, "{value}: {:?}", result.err());
        if !ok {
            assert_eq!(result.unwrap_err(), Error::ConnectionNotUpgrade);
        }
    }
}

#[test]
fn c11_accept_missing_repeated_or_wrong_fails() {
    assert_eq!(
        verify(plain(), &response_without("Sec-WebSocket-Accept")).unwrap_err(),
        Error::MissingAccept
    );
    assert_eq!(
        verify(
            plain(),
            &response(&[&format!("Sec-WebSocket-Accept: {ACCEPT}")])
        )
        .unwrap_err(),
        Error::DuplicateAccept
    );
    // The accept value for a different key: what a server that never checks sends.
    let wrong = String::from_utf8(response(&[]))
        .unwrap()
        .replace(ACCEPT, "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
    assert_eq!(
        verify(plain(), wrong.as_bytes()).unwrap_err(),
        Error::AcceptMismatch
    );
    let padded = String::from_utf8(response(&[]))
        .unwrap()
        .replace(ACCEPT, &format!("  {ACCEPT}\t"));
    verify(plain(), padded.as_bytes()).unwrap();
}

#[test]
fn c11_subprotocol_checks() {
    let offered = || {
        plain()
            .protocol("chat")
            .unwrap()
            .protocol("superchat")
            .unwrap()
    };
    let mut client = verify(offered(), &response(&["Sec-WebSocket-Protocol: superchat"])).unwrap();
    assert_eq!(outcome(&mut client).protocol(), Some("superchat"));
    let error = verify(offered(), &response(&["Sec-WebSocket-Protocol: other"])).unwrap_err();
    assert_eq!(error, Error::ProtocolNotOffered);
    // The server's fault: a client has nobody to answer, so no status.
    assert_eq!(error.status(), None);
    assert_eq!(
        verify(plain(), &response(&["Sec-WebSocket-Protocol: chat"])).unwrap_err(),
        Error::ProtocolNotOffered
    );
    assert_eq!(
        verify(
            offered(),
            &response(&["Sec-WebSocket-Protocol: chat, superchat"])
        )
        .unwrap_err(),
        Error::InvalidProtocol
    );
    assert_eq!(
        verify(offered(), &response(&["Sec-WebSocket-Protocol: "])).unwrap_err(),
        Error::InvalidProtocol
    );
    assert_eq!(
        verify(
            offered(),
            &response(&[
                "Sec-WebSocket-Protocol: chat",
                "Sec-WebSocket-Protocol: chat"
            ])
        )
        .unwrap_err(),
        Error::DuplicateProtocol
    );
    // Tokens are case-sensitive.
    assert_eq!(
        verify(offered(), &response(&["Sec-WebSocket-Protocol: CHAT"])).unwrap_err(),
        Error::ProtocolNotOffered
    );
}

#[test]
fn c11_unoffered_subprotocol_is_the_servers_fault() {
    let offered = || plain().protocol("chat").unwrap();
    for (config, chosen) in [(offered(), "other"), (offered(), "Chat"), (plain(), "chat")] {
        let error = verify(
            config,
            &response(&[&format!("Sec-WebSocket-Protocol: {chosen}")]),
        )
        .unwrap_err();
        assert_eq!(error, Error::ProtocolNotOffered, "{chosen}");
        // What the peer got wrong: no status (a client answers nobody), not a 500.
        assert_eq!(error.status(), None, "{chosen}");
        let mut out = Vec::new();
        error.write_response(&mut out);
        assert!(out.starts_with(b"HTTP/1.1 400 "), "{chosen}");
    }
}

#[test]
fn c11_no_protocol_chosen_fails_like_browsers_unless_allowed() {
    let offered = || plain().protocol("chat").unwrap();
    assert_eq!(
        verify(offered(), &response(&[])).unwrap_err(),
        Error::ProtocolNotChosen
    );
    let mut client = verify(offered().allow_missing_protocol(true), &response(&[])).unwrap();
    assert_eq!(outcome(&mut client).protocol(), None);
}

#[test]
fn c11_extension_checks() {
    assert_eq!(
        verify(
            plain(),
            &response(&["Sec-WebSocket-Extensions: permessage-deflate"])
        )
        .unwrap_err(),
        Error::ExtensionNotOffered
    );
    assert_eq!(
        verify(
            plain().extension("foo").unwrap(),
            &response(&["Sec-WebSocket-Extensions: bar"])
        )
        .unwrap_err(),
        Error::ExtensionNotOffered
    );
    assert_eq!(
        verify(
            plain().extension("foo").unwrap(),
            &response(&["Sec-WebSocket-Extensions: foo;"])
        )
        .unwrap_err(),
        Error::InvalidExtensions
    );
    verify(
        plain().extension("foo").unwrap(),
        &response(&["Sec-WebSocket-Extensions: foo; x=1"]),
    )
    .unwrap();
}

#[test]
fn c11_extension_answer_is_offered_in_any_order() {
    let offered = || plain().extension("foo, bar").unwrap();
    for answer in ["foo, bar", "foo", "bar", "FOO; x=1, Bar"] {
        let mut client = verify(
            offered(),
            &response(&[&format!("Sec-WebSocket-Extensions: {answer}")]),
        )
        .unwrap_or_else(|e| panic!("{answer}: {e}"));
        let names: Vec<String> = outcome(&mut client)
            .extensions()
            .map(|e| e.name().to_ascii_lowercase())
            .collect();
        let expected: Vec<String> = answer
            .split(',')
            .map(|e| e.split(';').next().unwrap().trim().to_ascii_lowercase())
            .collect();
        assert_eq!(names, expected, "{answer}");
    }
    // RFC 6455 §9.1: the server's list is the order the extensions apply in, so a client
    // takes any order (the offer's order is the server's rule, S15); over two lines as
    // over one. A name never offered fails wherever it stands.
    for answer in [&["bar, foo"][..], &["bar", "foo"]] {
        let lines: Vec<String> = answer
            .iter()
            .map(|value| format!("Sec-WebSocket-Extensions: {value}"))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert!(verify(offered(), &response(&lines)).is_ok(), "{answer:?}");
    }
    for answer in [&["bar, baz"][..], &["bar", "baz"], &["baz"]] {
        let lines: Vec<String> = answer
            .iter()
            .map(|value| format!("Sec-WebSocket-Extensions: {value}"))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(
            verify(offered(), &response(&lines)).unwrap_err(),
            Error::ExtensionNotOffered,
            "{answer:?}"
        );
    }
    // The offer's order is the order the setters were called in.
    let deflate_last = plain()
        .extension("foo")
        .unwrap()
        .deflate(DeflateOffer::new());
    let mut client = verify(
        deflate_last.clone(),
        &deflate_response("foo, permessage-deflate"),
    )
    .unwrap();
    assert_eq!(
        outcome(&mut client).deflate(),
        Some(DeflateParams::default())
    );
    assert!(verify(deflate_last, &deflate_response("permessage-deflate, foo")).is_ok());
}

#[test]
fn c11_header_names_are_case_insensitive() {
    let text = String::from_utf8(response(&[]))
        .unwrap()
        .to_ascii_lowercase()
        .replace(&ACCEPT.to_ascii_lowercase(), ACCEPT);
    let text = text.replace(
        "http/1.1 101 switching protocols",
        "HTTP/1.1 101 Switching Protocols",
    );
    verify(plain(), text.as_bytes()).unwrap();
}

#[test]
fn c11_101_with_a_body_is_an_error() {
    assert_eq!(
        verify(plain(), &response(&["Content-Length: 5"])).unwrap_err(),
        Error::UnexpectedBody
    );
    assert_eq!(
        verify(plain(), &response(&["Transfer-Encoding: chunked"])).unwrap_err(),
        Error::UnexpectedBody
    );
    // Not a number at all: the header itself is invalid.
    for bad in ["x", "1a", "-1", ""] {
        assert_eq!(
            verify(plain(), &response(&[&format!("Content-Length: {bad}")])).unwrap_err(),
            Error::InvalidContentLength,
            "{bad:?}"
        );
    }
    verify(plain(), &response(&["Content-Length: 0"])).unwrap();
    verify(plain(), &response(&["Content-Length: 000"])).unwrap();
}

#[test]
fn c11_oversized_response_head_fails_at_the_limit() {
    let limits = Limits::new().max_head_bytes(1024);
    let mut client = client(plain().limits(limits));
    client.feed(b"HTTP/1.1 101 Switching Protocols\r\nX-Big: ");
    client.feed(&[b'a'; 2048]);
    assert_eq!(
        settled(client.poll()),
        Err(Error::HeadTooLarge { limit: 1024 })
    );
}

#[test]
fn c11_responses_fed_one_byte_at_a_time() {
    let mut bytes = response(&["Sec-WebSocket-Protocol: chat"]);
    let head_len = bytes.len();
    bytes.extend_from_slice(b"\x81\x05hello");
    let mut client = client(plain().protocol("chat").unwrap());
    let mut polls = 0;
    for byte in &bytes[..head_len] {
        client.feed(std::slice::from_ref(byte));
        polls += 1;
        if matches!(client.poll().unwrap(), Status::Ready(_)) {
            break;
        }
    }
    assert_eq!(polls, head_len);
    client.feed(&bytes[head_len..]);
    assert_eq!(client.leftover(), b"\x81\x05hello");
}

#[test]
fn c10_spare_and_advance_read_the_response_like_feed() {
    let mut bytes = response(&["Sec-WebSocket-Protocol: chat"]);
    let head_len = bytes.len();
    bytes.extend_from_slice(b"\x81\x05hello");
    for grow in [0, 1, 7, 64, 4096] {
        let mut client = client(plain().protocol("chat").unwrap());
        // Nothing handed out yet: an advance counts nothing.
        client.advance(50);
        assert_eq!(settled(client.poll()), Ok(Status::NeedMore));
        let mut delivered = 0;
        while delivered < bytes.len() {
            let room = client.spare(grow);
            let size = room.len();
            let n = size.min(bytes.len() - delivered);
            room[..n].copy_from_slice(&bytes[delivered..delivered + n]);
            // Claiming more than the room holds counts the room only.
            client.advance(if n == size { n + 3 } else { n });
            delivered += n;
            let polled = settled(client.poll());
            if delivered < head_len {
                assert_eq!(polled, Ok(Status::NeedMore), "grow {grow}, {delivered}");
                assert!(client.leftover().is_empty());
            } else {
                assert_eq!(polled, Ok(Status::Ready(())), "grow {grow}, {delivered}");
                assert_eq!(client.leftover(), &bytes[head_len..delivered]);
            }
        }
        // Garbage read into a room dropped by a feed is never counted.
        client.spare(grow).fill(b'X');
        client.feed(b"!");
        client.advance(10);
        assert_eq!(outcome(&mut client).protocol(), Some("chat"));
        assert_eq!(client.leftover(), b"\x81\x05hello!");
    }
}

#[test]
fn c11_malformed_status_lines() {
    for bad in [
        &b"HTTP/1.1 1O1 Switching\r\n\r\n"[..],
        b"HTTP/2 101 x\r\n\r\n",
        b"SSH-2.0-OpenSSH\r\n\r\n",
    ] {
        let error = verify(plain(), bad).unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidStatusLine | Error::UnsupportedHttpVersion
            ),
            "{}: {error:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

// --- D24–D29: permessage-deflate responses -----------------------------------------------

fn deflate_client(offer: DeflateOffer) -> ClientConfig {
    plain().deflate(offer)
}

fn deflate_response(value: &str) -> Vec<u8> {
    response(&[&format!("Sec-WebSocket-Extensions: {value}")])
}

#[test]
fn d24_deflate_twice_or_with_another_rsv1_extension_fails() {
    let config = || {
        deflate_client(DeflateOffer::new())
            .extension("x-webkit-deflate-frame")
            .unwrap()
    };
    assert_eq!(
        verify(
            config(),
            &deflate_response("permessage-deflate, permessage-deflate")
        )
        .unwrap_err(),
        Error::ConflictingExtensions
    );
    assert_eq!(
        verify(
            config(),
            &deflate_response("permessage-deflate, x-webkit-deflate-frame")
        )
        .unwrap_err(),
        Error::ConflictingExtensions
    );
    // The conflict is the error whatever order the offer had.
    assert_eq!(
        verify(
            plain()
                .extension("x-webkit-deflate-frame")
                .unwrap()
                .deflate(DeflateOffer::new()),
            &deflate_response("permessage-deflate, x-webkit-deflate-frame")
        )
        .unwrap_err(),
        Error::ConflictingExtensions
    );
    // Two lines (erratum 3433) are merged before the check.
    assert_eq!(
        verify(
            config(),
            &response(&[
                "Sec-WebSocket-Extensions: permessage-deflate",
                "Sec-WebSocket-Extensions: permessage-deflate"
            ])
        )
        .unwrap_err(),
        Error::ConflictingExtensions
    );
}

#[test]
fn d24_response_matching_any_of_several_offers_passes() {
    let config = plain()
        .deflate(DeflateOffer::new().server_max_window_bits(10))
        .deflate(DeflateOffer::new());
    let mut client = verify(config, &deflate_response("permessage-deflate")).unwrap();
    assert_eq!(
        outcome(&mut client).deflate(),
        Some(DeflateParams::default())
    );
}

#[test]
fn d25_unknown_duplicate_or_bad_parameters_fail() {
    for (value, error) in [
        ("permessage-deflate; foo", DeflateError::UnknownParameter),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            DeflateError::DuplicateParameter,
        ),
        (
            "permessage-deflate; server_max_window_bits=16",
            DeflateError::InvalidWindowBits,
        ),
        (
            "permessage-deflate; server_max_window_bits=010",
            DeflateError::InvalidWindowBits,
        ),
    ] {
        assert_eq!(
            verify(
                deflate_client(DeflateOffer::new()),
                &deflate_response(value)
            )
            .unwrap_err(),
            Error::InvalidDeflate(error),
            "{value}"
        );
    }
}

#[test]
fn d26_server_no_context_takeover_echoed_or_added() {
    let mut added = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; server_no_context_takeover"),
    )
    .unwrap();
    assert!(
        outcome(&mut added)
            .deflate()
            .unwrap()
            .server_no_context_takeover
    );
    assert_eq!(
        verify(
            deflate_client(DeflateOffer::new().server_no_context_takeover()),
            &deflate_response("permessage-deflate")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::NoContextTakeoverNotEchoed)
    );
    assert_eq!(
        verify(
            deflate_client(DeflateOffer::new()),
            &deflate_response("permessage-deflate; server_no_context_takeover=1")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::UnexpectedValue)
    );
}

#[test]
fn d27_client_no_context_takeover_may_be_added() {
    let mut client = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; client_no_context_takeover"),
    )
    .unwrap();
    assert!(
        outcome(&mut client)
            .deflate()
            .unwrap()
            .client_no_context_takeover
    );
}

#[test]
fn d28_server_max_window_bits_same_or_smaller() {
    let offer = || deflate_client(DeflateOffer::new().server_max_window_bits(10));
    verify(
        offer(),
        &deflate_response("permessage-deflate; server_max_window_bits=10"),
    )
    .unwrap();
    verify(
        offer(),
        &deflate_response("permessage-deflate; server_max_window_bits=8"),
    )
    .unwrap();
    assert_eq!(
        verify(
            offer(),
            &deflate_response("permessage-deflate; server_max_window_bits=11")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::WindowLargerThanOffered)
    );
    assert_eq!(
        verify(offer(), &deflate_response("permessage-deflate")).unwrap_err(),
        Error::InvalidDeflate(DeflateError::WindowLargerThanOffered)
    );
    // Unasked is allowed.
    let mut client = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; server_max_window_bits=12"),
    )
    .unwrap();
    assert_eq!(
        outcome(&mut client)
            .deflate()
            .unwrap()
            .server_max_window_bits,
        Some(12)
    );
}

#[test]
fn d29_client_max_window_bits_only_when_offered_and_not_larger() {
    assert_eq!(
        verify(
            deflate_client(DeflateOffer::new()),
            &deflate_response("permessage-deflate; client_max_window_bits=10")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::ClientWindowNotOffered)
    );
    let valueless = || deflate_client(DeflateOffer::new().client_max_window_bits(None));
    let mut client = verify(
        valueless(),
        &deflate_response("permessage-deflate; client_max_window_bits=9"),
    )
    .unwrap();
    assert_eq!(
        outcome(&mut client)
            .deflate()
            .unwrap()
            .client_max_window_bits,
        Some(9)
    );
    assert_eq!(
        verify(
            valueless(),
            &deflate_response("permessage-deflate; client_max_window_bits")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::MissingValue)
    );
    let capped = deflate_client(DeflateOffer::new().client_max_window_bits(Some(10)));
    assert_eq!(
        verify(
            capped,
            &deflate_response("permessage-deflate; client_max_window_bits=12")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::WindowLargerThanOffered)
    );
}

#[test]
fn client_machine_is_reusable() {
    let mut client = client(plain().protocol("chat").unwrap());
    client.feed(&response(&["Sec-WebSocket-Protocol: chat"]));
    // An owned copy outlives the reuse of the machine.
    let kept = outcome(&mut client).into_owned();
    client.reset(Key::from_nonce([7; 16]));
    client.feed(&response(&["Sec-WebSocket-Protocol: chat"]));
    assert_eq!(settled(client.poll()), Err(Error::AcceptMismatch));
    assert_eq!(kept.view().protocol(), Some("chat"));
    assert_eq!(kept.view().response().status(), 101);
}

#[test]
fn c11_status_line_without_reason_phrase() {
    // Found by the client_response fuzz target: httparse gives an empty reason as a
    // 'static slice, which once broke the position arithmetic.
    let bytes = format!(
        "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\nX-Empty:\r\n\r\n"
    );
    let mut client = verify(plain(), bytes.as_bytes()).unwrap();
    let outcome = outcome(&mut client);
    assert_eq!(outcome.response().reason(), b"");
    assert_eq!(outcome.response().headers().get("x-empty"), Some(&b""[..]));
    let error = verify(plain(), b"HTTP/1.1 302\r\nLocation: /x\r\n\r\n").unwrap_err();
    assert!(
        matches!(error, Error::NotSwitchingProtocols { status: 302, ref reason, .. } if reason.is_empty())
    );
}

/// Issue 21 item 1: a credential offered as a subprotocol is sent with the others, is not
/// one of the client's subprotocols, and a server that echoes it fails the handshake.
#[test]
fn c9_a_protocol_token_is_offered_but_never_accepted_as_the_answer() {
    let config = || {
        ClientConfig::new()
            .protocol("chat")
            .and_then(|c| c.protocol_token("bearer.", "eyJ0eXAi.e30.c2ln"))
            .unwrap()
    };
    assert_eq!(config().protocols(), ["chat"]);
    let request = request_text(config());
    assert!(
        request.contains("\r\nSec-WebSocket-Protocol: chat, bearer.eyJ0eXAi.e30.c2ln\r\n"),
        "{request}"
    );
    assert!(verify(config(), &response(&["Sec-WebSocket-Protocol: chat"])).is_ok());
    assert!(matches!(
        verify(
            config(),
            &response(&["Sec-WebSocket-Protocol: bearer.eyJ0eXAi.e30.c2ln"])
        ),
        Err(Error::ProtocolNotOffered)
    ));
    // Not a token (`=` padding), or offered twice: refused when configured.
    assert_eq!(
        ClientConfig::new()
            .protocol_token("bearer.", "abc=")
            .unwrap_err(),
        LocalError::InvalidProtocol
    );
    assert_eq!(
        ClientConfig::new()
            .protocol("bearer.x")
            .and_then(|c| c.protocol_token("bearer.", "x"))
            .unwrap_err(),
        LocalError::DuplicateProtocolOffer
    );
}

/// D30: a client declines an answer that limits its compressor to 8 bits (zlib cannot);
/// the server's own 8-bit window only needs a decompressor, which can.
#[test]
fn d30_an_eight_bit_client_window_is_declined_a_server_one_accepted() {
    let valueless = || deflate_client(DeflateOffer::new().client_max_window_bits(None));
    assert_eq!(
        verify(
            valueless(),
            &deflate_response("permessage-deflate; client_max_window_bits=8")
        )
        .unwrap_err(),
        Error::InvalidDeflate(DeflateError::CompressorWindowTooSmall)
    );
    let mut client = verify(
        deflate_client(DeflateOffer::new().server_max_window_bits(8)),
        &deflate_response("permessage-deflate; server_max_window_bits=8"),
    )
    .unwrap();
    assert_eq!(
        outcome(&mut client)
            .deflate()
            .unwrap()
            .server_max_window_bits,
        Some(8)
    );
}
