//! The client role against the checklist: C1, C4–C11 and D24–D29, each test named by ID.

use wshake_proto::{
    ClientConfig, ClientHandshake, DeflateError, DeflateOffer, DeflateParams, Error, Key, Limits,
    Status,
};

const NONCE: [u8; 16] = *b"the sample nonce";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fn client(config: ClientConfig) -> ClientHandshake {
    ClientHandshake::new(config, Key::from_nonce(NONCE))
}

fn request_text(config: ClientConfig) -> String {
    let mut out = Vec::new();
    client(config).write_request(&mut out);
    String::from_utf8(out).unwrap()
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
        Status::Ready => Ok(client),
        Status::NeedMore => panic!("incomplete: {}", String::from_utf8_lossy(bytes)),
    }
}

fn plain() -> ClientConfig {
    ClientConfig::new("example.com", "/chat").unwrap()
}

// --- C1: URLs ----------------------------------------------------------------------------

#[test]
fn c1_ws_and_wss_urls_with_default_ports() {
    let config = ClientConfig::from_url("ws://example.com/chat?room=1").unwrap();
    assert_eq!(
        (config.host(), config.port(), config.is_secure()),
        ("example.com", 80, false)
    );
    assert_eq!(config.resource(), "/chat?room=1");
    let config = ClientConfig::from_url("wss://example.com").unwrap();
    assert_eq!(
        (config.port(), config.is_secure(), config.resource()),
        (443, true, "/")
    );
    let config = ClientConfig::from_url("ws://example.com?x").unwrap();
    assert_eq!(config.resource(), "/?x");
}

#[test]
fn c1_other_schemes_fragments_and_credentials_fail_before_connecting() {
    assert_eq!(
        ClientConfig::from_url("http://example.com/").unwrap_err(),
        Error::UnsupportedScheme
    );
    assert_eq!(
        ClientConfig::from_url("wss://example.com/#frag").unwrap_err(),
        Error::UrlFragment
    );
    assert_eq!(
        ClientConfig::from_url("ws://example.com/#").unwrap_err(),
        Error::UrlFragment
    );
    assert_eq!(
        ClientConfig::from_url("ws://user:pw@example.com/").unwrap_err(),
        Error::UrlCredentials
    );
    assert_eq!(
        ClientConfig::from_url("not a url").unwrap_err(),
        Error::InvalidUrl
    );
    assert_eq!(
        ClientConfig::from_url("ws://").unwrap_err(),
        Error::InvalidUrl
    );
    // An escaped '#' is part of the resource.
    assert_eq!(
        ClientConfig::from_url("ws://example.com/a%23b")
            .unwrap()
            .resource(),
        "/a%23b"
    );
    assert_eq!(
        ClientConfig::new("example.com", "/a#b").unwrap_err(),
        Error::UrlFragment
    );
}

// --- C4–C8: the request ------------------------------------------------------------------

#[test]
fn c4_request_line_is_get_resource_http_1_1() {
    let text = request_text(ClientConfig::from_url("ws://example.com/a/b?c=d").unwrap());
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
        let config = ClientConfig::from_url(url).unwrap();
        assert_eq!(config.host_header(), host, "{url}");
        assert!(request_text(config).contains(&format!("\r\nHost: {host}\r\n")));
    }
    let config = ClientConfig::from_url("ws://[::1]:9001/").unwrap();
    assert_eq!((config.host(), config.port()), ("::1", 9001));
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
    ClientHandshake::new(plain(), a).write_request(&mut out);
    assert!(String::from_utf8(out).unwrap().contains(a.as_str()));
}

#[test]
fn c8_version_13_and_origin_only_when_configured() {
    let text = request_text(plain());
    assert!(text.contains("\r\nSec-WebSocket-Version: 13\r\n"));
    assert!(!text.to_ascii_lowercase().contains("origin"));
    let text = request_text(plain().origin("https://example.com").unwrap());
    assert!(text.contains("\r\nOrigin: https://example.com\r\n"));
}

#[test]
fn c8_extra_headers_are_validated_and_cannot_override() {
    assert_eq!(
        plain().header("X-A", "a\r\nB: c").unwrap_err(),
        Error::InvalidExtraHeader
    );
    assert_eq!(
        plain().header("X-A", "a\0").unwrap_err(),
        Error::InvalidExtraHeader
    );
    assert_eq!(
        plain().header("Bad Name", "a").unwrap_err(),
        Error::InvalidExtraHeader
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
            Error::ReservedHeader,
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
    assert_eq!(plain().protocol("").unwrap_err(), Error::InvalidProtocol);
    assert_eq!(plain().protocol("a b").unwrap_err(), Error::InvalidProtocol);
    assert_eq!(plain().protocol("a,b").unwrap_err(), Error::InvalidProtocol);
    assert_eq!(
        plain().protocol("a").unwrap().protocol("a").unwrap_err(),
        Error::DuplicateProtocolOffer
    );
    let text = request_text(plain().protocol("a").unwrap().protocol("b").unwrap());
    assert!(text.contains("\r\nSec-WebSocket-Protocol: a, b\r\n"));
}

#[test]
fn c9_extension_offers_follow_the_grammar() {
    assert_eq!(
        plain().extension("a;").unwrap_err(),
        Error::InvalidExtensions
    );
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

// --- C10 ---------------------------------------------------------------------------------

#[test]
fn c10_nothing_is_handed_on_before_the_response_is_complete() {
    let mut client = client(plain());
    let full = response(&[]);
    client.feed(&full[..full.len() - 1]);
    assert_eq!(client.poll(), Ok(Status::NeedMore));
    assert!(client.outcome().is_none());
    assert!(client.leftover().is_empty());
    assert!(client.take_leftover().is_empty());
    client.feed(b"\n\x81\x00");
    assert_eq!(client.poll(), Ok(Status::Ready));
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
    let client = verify(offered(), &response(&["Sec-WebSocket-Protocol: superchat"])).unwrap();
    assert_eq!(client.outcome().unwrap().protocol(), Some("superchat"));
    assert_eq!(
        verify(offered(), &response(&["Sec-WebSocket-Protocol: other"])).unwrap_err(),
        Error::ProtocolNotOffered
    );
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
fn c11_no_protocol_chosen_fails_like_browsers_unless_allowed() {
    let offered = || plain().protocol("chat").unwrap();
    assert_eq!(
        verify(offered(), &response(&[])).unwrap_err(),
        Error::ProtocolNotChosen
    );
    let client = verify(offered().allow_missing_protocol(true), &response(&[])).unwrap();
    assert_eq!(client.outcome().unwrap().protocol(), None);
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
        Error::ResponseBody
    );
    assert_eq!(
        verify(plain(), &response(&["Transfer-Encoding: chunked"])).unwrap_err(),
        Error::ResponseBody
    );
    verify(plain(), &response(&["Content-Length: 0"])).unwrap();
}

#[test]
fn c11_oversized_response_head_fails_at_the_limit() {
    let limits = Limits {
        max_head_bytes: 1024,
        ..Limits::default()
    };
    let mut client = client(plain().limits(limits));
    client.feed(b"HTTP/1.1 101 Switching Protocols\r\nX-Big: ");
    client.feed(&[b'a'; 2048]);
    assert_eq!(client.poll(), Err(Error::HeadTooLarge { limit: 1024 }));
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
        if client.poll().unwrap() == Status::Ready {
            break;
        }
    }
    assert_eq!(polls, head_len);
    client.feed(&bytes[head_len..]);
    assert_eq!(client.leftover(), b"\x81\x05hello");
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
    let client = verify(config, &deflate_response("permessage-deflate")).unwrap();
    assert_eq!(
        client.outcome().unwrap().deflate(),
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
    let added = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; server_no_context_takeover"),
    )
    .unwrap();
    assert!(
        added
            .outcome()
            .unwrap()
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
    let client = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; client_no_context_takeover"),
    )
    .unwrap();
    assert!(
        client
            .outcome()
            .unwrap()
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
    let client = verify(
        deflate_client(DeflateOffer::new()),
        &deflate_response("permessage-deflate; server_max_window_bits=12"),
    )
    .unwrap();
    assert_eq!(
        client
            .outcome()
            .unwrap()
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
    let client = verify(
        valueless(),
        &deflate_response("permessage-deflate; client_max_window_bits=9"),
    )
    .unwrap();
    assert_eq!(
        client
            .outcome()
            .unwrap()
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
    let mut client = client(plain());
    client.feed(&response(&[]));
    assert_eq!(client.poll(), Ok(Status::Ready));
    client.reset(Key::from_nonce([7; 16]));
    client.feed(&response(&[]));
    assert_eq!(client.poll(), Err(Error::AcceptMismatch));
}

#[test]
fn c11_status_line_without_reason_phrase() {
    // Found by the client_response fuzz target: httparse gives an empty reason as a
    // 'static slice, which once broke the position arithmetic.
    let bytes = format!(
        "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\nX-Empty:\r\n\r\n"
    );
    let client = verify(plain(), bytes.as_bytes()).unwrap();
    let outcome = client.outcome().unwrap();
    assert_eq!(outcome.response().reason(), b"");
    assert_eq!(outcome.response().header("x-empty"), Some(&b""[..]));
    let error = verify(plain(), b"HTTP/1.1 302\r\nLocation: /x\r\n\r\n").unwrap_err();
    assert!(
        matches!(error, Error::NotSwitchingProtocols { status: 302, ref reason, .. } if reason.is_empty())
    );
}
