//! The server role against the checklist (`docs/conformance.md`): every
//! test name carries the ID it proves, every bad input its exact error and status.

mod common;

use common::{
    ACCEPT, KEY, error_for, header, parse_response, plus, poll_whole, ready, request, settled,
    status_for, valid_lines, with,
};
use wshake_proto::extensions::{DeflateConfig, DeflateParams};
use wshake_proto::server::{
    AcceptConnection, ExtensionAnswer, Incoming, OriginPolicy, RejectConnection, ServerConfig,
    ServerHandshake,
};
use wshake_proto::{Error, KeyError, Limits, LocalError, Status};

/// The default limits, as documented: 16 KiB head, 64 header lines, 8 KiB target.
const DEFAULT_HEAD_BYTES: usize = 16 * 1024;
const DEFAULT_TARGET_BYTES: usize = 8 * 1024;

fn accepted(config: ServerConfig, input: &[u8]) -> (ServerHandshake, Vec<u8>) {
    let (mut server, result) = poll_whole(config, input);
    assert_eq!(
        result,
        Ok(Status::Ready(())),
        "{}",
        String::from_utf8_lossy(input)
    );
    let mut out = Vec::new();
    let incoming = ready(&mut server);
    let answer = incoming.decide().expect("policies accept");
    incoming.accept(&answer, &mut out).expect("accept");
    (server, out)
}

// --- S12: what a request must be -------------------------------------------------------

#[test]
fn s12_valid_request_is_accepted() {
    let (mut server, out) = accepted(ServerConfig::new(), &with(&[]));
    let request = ready(&mut server).request();
    assert_eq!(request.method(), "GET");
    assert_eq!(request.path(), "/chat");
    assert_eq!(request.host(), "example.com");
    assert_eq!(
        request.key().map(|key| key.as_str().to_owned()).as_deref(),
        Some(KEY)
    );
    let (status, headers, body) = parse_response(&out);
    assert_eq!(status, 101);
    assert_eq!(
        header(&headers, "sec-websocket-accept"),
        Some(ACCEPT.as_bytes())
    );
    assert!(body.is_empty());
}

#[test]
fn s12_method_must_be_get() {
    for method in ["POST", "PUT", "HEAD", "get", "OPTIONS"] {
        let input = request(&format!("{method} /chat HTTP/1.1"), &valid_lines());
        let error = error_for(&input);
        assert!(
            matches!(&error, Error::MethodNotAllowed { method: m } if m.as_bytes() == method.as_bytes()),
            "{method}: {error:?}"
        );
        assert_eq!(error.status(), Some(405));
    }
}

#[test]
fn s12_http_1_0_is_not_an_upgrade() {
    let input = request("GET /chat HTTP/1.0", &valid_lines());
    assert_eq!(error_for(&input), Error::Http10);
    assert_eq!(status_for(&input), 400);
}

#[test]
fn s12_host_required_exactly_once() {
    assert_eq!(error_for(&with(&[("Host", None)])), Error::MissingHost);
    assert_eq!(
        error_for(&plus(&[("Host", "example.com")])),
        Error::DuplicateHost
    );
    assert_eq!(
        error_for(&plus(&[("host", "other.test")])),
        Error::DuplicateHost
    );
    assert_eq!(
        error_for(&with(&[("Host", Some("bad host"))])),
        Error::InvalidHost
    );
    assert_eq!(error_for(&with(&[("Host", Some(""))])), Error::InvalidHost);
    assert_eq!(status_for(&with(&[("Host", None)])), 400);
}

#[test]
fn s12_upgrade_must_contain_websocket() {
    assert_eq!(
        error_for(&with(&[("Upgrade", None)])),
        Error::MissingUpgrade
    );
    assert_eq!(
        error_for(&with(&[("Upgrade", Some("h2c"))])),
        Error::UpgradeNotWebSocket
    );
    assert_eq!(
        error_for(&with(&[("Upgrade", Some("websockets"))])),
        Error::UpgradeNotWebSocket
    );
    assert_eq!(status_for(&with(&[("Upgrade", None)])), 400);
    for fine in [
        "WebSocket",
        "WEBSOCKET",
        "h2c, websocket",
        "websocket, ,h2c",
    ] {
        accepted(ServerConfig::new(), &with(&[("Upgrade", Some(fine))]));
    }
}

#[test]
fn s12_connection_must_contain_upgrade() {
    assert_eq!(
        error_for(&with(&[("Connection", None)])),
        Error::MissingConnection
    );
    assert_eq!(
        error_for(&with(&[("Connection", Some("keep-alive"))])),
        Error::ConnectionNotUpgrade
    );
    assert_eq!(status_for(&with(&[("Connection", None)])), 400);
    for fine in [
        "upgrade",
        "keep-alive, Upgrade",
        "Upgrade, keep-alive",
        "UPGRADE",
    ] {
        accepted(ServerConfig::new(), &with(&[("Connection", Some(fine))]));
    }
}

#[test]
fn s12_key_required_exactly_once() {
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", None)])),
        Error::MissingKey
    );
    assert_eq!(
        error_for(&plus(&[("Sec-WebSocket-Key", KEY)])),
        Error::DuplicateKey
    );
    assert_eq!(status_for(&plus(&[("Sec-WebSocket-Key", KEY)])), 400);
}

#[test]
fn s12_key_must_decode_to_16_bytes() {
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", Some("AAAAAAAAAAAAAAAA"))])),
        Error::InvalidKey(KeyError::DecodedLength { found: 12 })
    );
    let message = error_for(&with(&[("Sec-WebSocket-Key", Some("AAAAAAAAAAAAAAAA"))])).to_string();
    assert_eq!(
        message,
        "Sec-WebSocket-Key decodes to 12 bytes, expected 16"
    );
}

#[test]
fn s12_unknown_headers_are_ignored() {
    accepted(
        ServerConfig::new(),
        &plus(&[
            ("X-Custom", "1"),
            ("Cookie", "a=b"),
            ("Sec-WebSocket-Whatever", "?"),
        ]),
    );
}

#[test]
fn s12_plain_get_is_told_apart_from_a_broken_handshake() {
    // A browser opening the page or a health check: no Upgrade, no key.
    let page = b"GET /index.html?lang=en HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(page);
    assert_eq!(server.poll().unwrap_err(), Error::MissingUpgrade);
    assert_eq!(server.plain_get(), Some("/index.html"));
    // Absolute-form without a path is the root.
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(server.poll().unwrap_err(), Error::MissingUpgrade);
    assert_eq!(server.plain_get(), Some("/"));

    // A path that is not UTF-8 is no page to serve, and no panic either.
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET /caf\xC3 HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert!(server.poll().is_err());
    assert_eq!(server.plain_get(), None);

    // WebSocket headers without Upgrade: a broken handshake, not a page request.
    let (server, result) = poll_whole(ServerConfig::new(), &with(&[("Upgrade", None)]));
    assert_eq!(result, Err(Error::MissingUpgrade));
    assert_eq!(server.plain_get(), None);
    // Another method is no GET, whatever it lacks.
    let (server, result) = poll_whole(
        ServerConfig::new(),
        b"POST /form HTTP/1.1\r\nHost: example.com\r\n\r\n",
    );
    assert!(
        matches!(result, Err(Error::MethodNotAllowed { .. })),
        "{result:?}"
    );
    assert_eq!(server.plain_get(), None);
    // A valid handshake is no plain GET, and neither is an incomplete one.
    let (mut server, result) = poll_whole(ServerConfig::new(), &with(&[]));
    assert_eq!(result, Ok(Status::Ready(())));
    assert_eq!(server.plain_get(), None);
    server.reset();
    server.feed(&page[..page.len() - 2]);
    assert_eq!(settled(server.poll()), Ok(Status::NeedMore));
    assert_eq!(server.plain_get(), None);
    // Other errors than the missing Upgrade are not a page request either.
    let (server, result) = poll_whole(
        ServerConfig::new(),
        b"GET / HTTP/1.1\r\nHost: bad host\r\n\r\n",
    );
    assert_eq!(result, Err(Error::InvalidHost));
    assert_eq!(server.plain_get(), None);
}

// --- S13: application decisions ----------------------------------------------------------

#[test]
fn s13_origin_policy_default_same_origin_403() {
    let (mut server, result) = poll_whole(
        ServerConfig::new(),
        &plus(&[("Origin", "https://evil.test")]),
    );
    assert_eq!(result, Ok(Status::Ready(())));
    let error = ready(&mut server).decide().unwrap_err();
    assert!(matches!(error, Error::OriginForbidden { .. }), "{error:?}");
    assert_eq!(error.status(), Some(403));
    let mut out = Vec::new();
    error.write_response(&mut out);
    assert_eq!(parse_response(&out).0, 403);

    accepted(
        ServerConfig::new(),
        &plus(&[("Origin", "https://example.com")]),
    );
    accepted(
        ServerConfig::new().origin_policy(OriginPolicy::same_origin().allow("https://evil.test")),
        &plus(&[("Origin", "https://evil.test")]),
    );
    accepted(
        ServerConfig::new().origin_policy(OriginPolicy::any()),
        &plus(&[("Origin", "null")]),
    );
}

#[test]
fn s13_check_origin_alone_and_negotiate_without_it() {
    let config = || {
        ServerConfig::new()
            .protocols(["chat"])
            .deflate(DeflateConfig::default())
    };
    let input = plus(&[
        ("Origin", "https://evil.test"),
        ("Sec-WebSocket-Protocol", "chat"),
        ("Sec-WebSocket-Extensions", "permessage-deflate"),
    ]);
    let (mut server, _) = poll_whole(config(), &input);
    let incoming = ready(&mut server);
    let refused = incoming.decide().unwrap_err();
    assert!(
        matches!(&refused, Error::OriginForbidden { origin } if origin.as_bytes() == b"https://evil.test"),
        "{refused:?}"
    );
    assert_eq!(incoming.check_origin(), Err(refused));
    // negotiate() is the policies without the origin check.
    let answer = incoming.negotiate();
    assert_eq!(answer.chosen_protocol(), Some("chat"));
    assert_eq!(answer.deflate(), Some(DeflateParams::default()));
    // Same origin, or no Origin at all: check_origin passes, decide equals negotiate.
    for origin in [Some("https://example.com"), None] {
        let mut lines = vec![
            ("Sec-WebSocket-Protocol", "chat"),
            ("Sec-WebSocket-Extensions", "permessage-deflate"),
        ];
        lines.extend(origin.map(|o| ("Origin", o)));
        let (mut server, _) = poll_whole(config(), &plus(&lines));
        let incoming = ready(&mut server);
        assert_eq!(incoming.check_origin(), Ok(()), "{origin:?}");
        assert_eq!(incoming.decide(), Ok(incoming.negotiate()), "{origin:?}");
    }
}

#[test]
fn s13_application_rejects_after_seeing_the_request() {
    let (mut server, result) = poll_whole(ServerConfig::new(), &with(&[]));
    assert_eq!(result, Ok(Status::Ready(())));
    assert_eq!(ready(&mut server).request().path(), "/chat");
    for (status, header_name, header_value) in [
        (401, "WWW-Authenticate", "Basic realm=\"ws\""),
        (404, "X-Reason", "no such room"),
        (302, "Location", "/elsewhere"),
    ] {
        let (mut server, _) = poll_whole(ServerConfig::new(), &with(&[]));
        let reject = RejectConnection::new(status)
            .unwrap()
            .header(header_name, header_value)
            .unwrap()
            .body(b"go away\n");
        let mut out = Vec::new();
        ready(&mut server).reject(&reject, &mut out);
        let (code, headers, body) = parse_response(&out);
        assert_eq!(code, status);
        assert_eq!(
            header(&headers, &header_name.to_ascii_lowercase()),
            Some(header_value.as_bytes())
        );
        assert_eq!(header(&headers, "connection"), Some(&b"close"[..]));
        assert_eq!(header(&headers, "content-length"), Some(&b"8"[..]));
        assert_eq!(body, b"go away\n");
        // Not accepted: nothing of a 101 in the rejection.
        assert_eq!(header(&headers, "sec-websocket-accept"), None);
        assert_eq!(header(&headers, "upgrade"), None);
    }
}

#[test]
fn s13_reject_refuses_1xx_and_2xx_and_bad_headers() {
    for status in [100, 101, 200, 204, 299, 600, 0] {
        assert_eq!(
            RejectConnection::new(status),
            Err(LocalError::InvalidRejectStatus { status })
        );
    }
    let reject = RejectConnection::new(403).unwrap();
    assert_eq!(
        reject
            .clone()
            .header("X-Bad", "a\r\nSet-Cookie: x")
            .unwrap_err(),
        LocalError::InvalidHeaderValue
    );
    assert_eq!(
        reject.header("Content-Length", "0").unwrap_err(),
        LocalError::ReservedHeader
    );
}

// --- S13v: version -----------------------------------------------------------------------

#[test]
fn s13v_version_not_13_gets_426_with_version_header() {
    for version in ["8", "25", "0", "255", "12"] {
        let input = with(&[("Sec-WebSocket-Version", Some(version))]);
        let error = error_for(&input);
        assert!(
            matches!(error, Error::UnsupportedVersion { .. }),
            "{version}: {error:?}"
        );
        let mut out = Vec::new();
        error.write_response(&mut out);
        let (status, headers, _) = parse_response(&out);
        assert_eq!(status, 426);
        assert_eq!(header(&headers, "sec-websocket-version"), Some(&b"13"[..]));
    }
    let missing = error_for(&with(&[("Sec-WebSocket-Version", None)]));
    assert_eq!(missing, Error::MissingVersion);
    assert_eq!(missing.status(), Some(426));
}

// --- S14: subprotocol --------------------------------------------------------------------

#[test]
fn s14_server_picks_an_offered_protocol_or_none() {
    let input = plus(&[("Sec-WebSocket-Protocol", "b, a")]);
    let (_, out) = accepted(ServerConfig::new().protocols(["a", "b"]), &input);
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        Some(&b"a"[..])
    );

    let (_, out) = accepted(
        ServerConfig::new()
            .protocols(["a", "b"])
            .prefer_client_protocols(),
        &input,
    );
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        Some(&b"b"[..])
    );

    let (_, out) = accepted(ServerConfig::new().protocols(["c"]), &input);
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        None
    );

    let (_, out) = accepted(ServerConfig::new().protocols(["a"]), &with(&[]));
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        None
    );
}

#[test]
fn s14_choosing_a_protocol_not_offered_is_an_error_not_a_bad_response() {
    let (mut server, _) = poll_whole(
        ServerConfig::new(),
        &plus(&[("Sec-WebSocket-Protocol", "chat")]),
    );
    let mut out = Vec::new();
    assert_eq!(
        ready(&mut server).accept(&AcceptConnection::new().protocol("other"), &mut out),
        Err(LocalError::ProtocolNotOffered)
    );
    assert_eq!(
        ready(&mut server).accept(&AcceptConnection::new().protocol(""), &mut out),
        Err(LocalError::ProtocolNotOffered)
    );
    assert!(out.is_empty());
    ready(&mut server)
        .accept(&AcceptConnection::new().protocol("chat"), &mut out)
        .unwrap();
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        Some(&b"chat"[..])
    );
}

#[test]
fn s14_require_protocol_refuses_without_a_common_one() {
    let config = || ServerConfig::new().protocols(["chat"]).require_protocol();
    for input in [plus(&[("Sec-WebSocket-Protocol", "other")]), with(&[])] {
        let (mut server, result) = poll_whole(config(), &input);
        assert_eq!(result, Ok(Status::Ready(())));
        let error = ready(&mut server).decide().unwrap_err();
        assert_eq!(error, Error::NoCommonProtocol);
        assert_eq!(error.status(), Some(400));
        let mut out = Vec::new();
        error.write_response(&mut out);
        assert_eq!(parse_response(&out).0, 400);
    }
    // A common one is chosen as usual.
    let (_, out) = accepted(
        config(),
        &plus(&[("Sec-WebSocket-Protocol", "other, chat")]),
    );
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        Some(&b"chat"[..])
    );
    // Without require_protocol, no common one is accepted with none (S14).
    let (_, out) = accepted(
        ServerConfig::new().protocols(["chat"]),
        &plus(&[("Sec-WebSocket-Protocol", "other")]),
    );
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-protocol"),
        None
    );
    // The origin policy still comes first.
    let (mut server, _) = poll_whole(config(), &plus(&[("Origin", "https://evil.test")]));
    assert!(matches!(
        ready(&mut server).decide(),
        Err(Error::OriginForbidden { .. })
    ));
}

// --- S15: extensions ---------------------------------------------------------------------

#[test]
fn s15_extension_answer_is_a_subset_of_the_offer_in_order() {
    let input = plus(&[("Sec-WebSocket-Extensions", "foo, bar; x=1")]);
    let (mut server, _) = poll_whole(ServerConfig::new(), &input);
    let mut out = Vec::new();
    ready(&mut server)
        .accept(
            &AcceptConnection::new().extensions(ExtensionAnswer::Raw("foo, bar")),
            &mut out,
        )
        .unwrap();
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-extensions"),
        Some(&b"foo, bar"[..])
    );

    let (mut server, _) = poll_whole(ServerConfig::new(), &input);
    for wrong in ["baz", "bar, foo"] {
        assert_eq!(
            ready(&mut server).accept(
                &AcceptConnection::new().extensions(ExtensionAnswer::Raw(wrong)),
                &mut Vec::new()
            ),
            Err(LocalError::ExtensionNotOffered),
            "{wrong}"
        );
    }
    assert_eq!(
        ready(&mut server).accept(
            &AcceptConnection::new().extensions(ExtensionAnswer::Deflate(DeflateParams::default())),
            &mut Vec::new()
        ),
        Err(LocalError::ExtensionNotOffered)
    );
}

#[test]
fn s15_every_extension_answer_is_checked_when_written() {
    let input = plus(&[(
        "Sec-WebSocket-Extensions",
        "permessage-deflate, x-webkit-deflate-frame",
    )]);
    let (mut server, _) = poll_whole(ServerConfig::new(), &input);
    let mut out = Vec::new();
    for (answer, error) in [
        (
            ExtensionAnswer::Raw("permessage-deflate, x-webkit-deflate-frame"),
            LocalError::ConflictingExtensions,
        ),
        // permessage-deflate twice conflicts with itself, whatever the offer.
        (
            ExtensionAnswer::Raw("permessage-deflate, permessage-deflate"),
            LocalError::ConflictingExtensions,
        ),
        (
            ExtensionAnswer::Raw("permessage-deflate;"),
            LocalError::InvalidExtensions,
        ),
        (ExtensionAnswer::Raw(""), LocalError::InvalidExtensions),
        (
            ExtensionAnswer::Raw("permessage-deflate; client_max_window_bits=10"),
            LocalError::InvalidDeflate(
                wshake_proto::extensions::DeflateError::ClientWindowNotOffered,
            ),
        ),
        (
            ExtensionAnswer::Deflate(DeflateParams {
                client_max_window_bits: Some(10),
                ..DeflateParams::default()
            }),
            LocalError::InvalidDeflate(
                wshake_proto::extensions::DeflateError::ClientWindowNotOffered,
            ),
        ),
    ] {
        assert_eq!(
            ready(&mut server).accept(&AcceptConnection::new().extensions(answer), &mut out),
            Err(error),
            "{answer:?}"
        );
    }
    assert!(out.is_empty());
    // What the policy negotiates passes the same check.
    let (mut server, _) = poll_whole(
        ServerConfig::new().deflate(DeflateConfig::default()),
        &input,
    );
    let incoming = ready(&mut server);
    let answer = incoming.decide().unwrap();
    assert_eq!(answer.deflate(), Some(DeflateParams::default()));
    incoming.accept(&answer, &mut out).unwrap();
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-extensions"),
        Some(&b"permessage-deflate"[..])
    );
}

// --- S16: the 101 ------------------------------------------------------------------------

#[test]
fn s16_accept_response_is_exact() {
    let (_, out) = accepted(ServerConfig::new(), &with(&[]));
    assert_eq!(
        out,
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    );
}

#[test]
fn s16_extra_headers_cannot_override_the_handshake() {
    for reserved in [
        "Upgrade",
        "connection",
        "Sec-WebSocket-Accept",
        "Sec-WebSocket-Protocol",
        "Content-Length",
    ] {
        assert_eq!(
            AcceptConnection::new().header(reserved, "x").unwrap_err(),
            LocalError::ReservedHeader,
            "{reserved}"
        );
    }
    assert_eq!(
        AcceptConnection::new().header("X-A", "a\rb").unwrap_err(),
        LocalError::InvalidHeaderValue
    );
    assert_eq!(
        AcceptConnection::new().header("X-A", "a\0b").unwrap_err(),
        LocalError::InvalidHeaderValue
    );
    assert_eq!(
        AcceptConnection::new().header("Bad Name", "v").unwrap_err(),
        LocalError::InvalidHeaderName
    );
    let (mut server, _) = poll_whole(ServerConfig::new(), &with(&[]));
    let mut out = Vec::new();
    let answer = AcceptConnection::new()
        .header("Set-Cookie", "session=1")
        .unwrap();
    ready(&mut server).accept(&answer, &mut out).unwrap();
    assert_eq!(
        header(&parse_response(&out).1, "set-cookie"),
        Some(&b"session=1"[..])
    );
}

/// Compiles only if answering takes the `Incoming` by value.
fn answering_consumes_the_request() {
    let _: fn(Incoming<'static>, &AcceptConnection<'_>, &mut Vec<u8>) -> Result<(), LocalError> =
        Incoming::accept;
    let _: fn(Incoming<'static>, &RejectConnection<'_>, &mut Vec<u8>) = Incoming::reject;
}

/// Implemented twice for a `Clone` type, so that naming `check` through it with the impl
/// left to inference compiles only for a type that is not `Clone`.
trait AmbiguousIfClone<A> {
    fn check() {}
}
impl<T> AmbiguousIfClone<()> for T {}
struct IsClone;
impl<T: Clone> AmbiguousIfClone<IsClone> for T {}

#[test]
fn s16_at_most_16_extra_headers() {
    const NAMES: [&str; 17] = [
        "X-0", "X-1", "X-2", "X-3", "X-4", "X-5", "X-6", "X-7", "X-8", "X-9", "X-10", "X-11",
        "X-12", "X-13", "X-14", "X-15", "X-16",
    ];
    let mut answer = AcceptConnection::new();
    let mut reject = RejectConnection::new(403).unwrap();
    for name in &NAMES[..16] {
        answer = answer.header(name, "v").unwrap();
        reject = reject.header(name, "v").unwrap();
    }
    assert_eq!(
        answer.header(NAMES[16], "v"),
        Err(LocalError::TooManyHeaders { capacity: 16 })
    );
    assert_eq!(
        reject.clone().header(NAMES[16], "v"),
        Err(LocalError::TooManyHeaders { capacity: 16 })
    );
    // All 16 are written, in order.
    let (mut server, _) = poll_whole(ServerConfig::new(), &with(&[]));
    let mut out = Vec::new();
    ready(&mut server).accept(&answer, &mut out).unwrap();
    let headers = parse_response(&out).1;
    let written: Vec<&str> = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with("x-"))
        .collect();
    let expected: Vec<String> = NAMES[..16].iter().map(|n| n.to_ascii_lowercase()).collect();
    assert_eq!(written, expected);
    let mut out = Vec::new();
    reject.write(&mut out);
    assert_eq!(
        parse_response(&out)
            .1
            .iter()
            .filter(|(n, _)| n.starts_with("x-"))
            .count(),
        16
    );
}

#[test]
fn s16_accept_twice_or_before_ready_is_refused() {
    // Before the request is complete, poll hands out no `Incoming`: nothing to answer with.
    let mut server = ServerHandshake::new(ServerConfig::new());
    assert_eq!(settled(server.poll()), Ok(Status::NeedMore));
    let input = with(&[]);
    let (almost, last) = input.split_at(input.len() - 1);
    server.feed(almost);
    assert_eq!(settled(server.poll()), Ok(Status::NeedMore));
    assert_eq!(server.raw_head(), None);
    server.feed(last);
    // Answering consumes the `Incoming`, which cannot be copied: one poll, one answer.
    answering_consumes_the_request();
    <Incoming<'_> as AmbiguousIfClone<_>>::check();
    let mut out = Vec::new();
    ready(&mut server)
        .accept(&AcceptConnection::new(), &mut out)
        .unwrap();
    assert_eq!(parse_response(&out).0, 101);
}

// --- S17: ABNF ---------------------------------------------------------------------------

#[test]
fn s17_key_must_be_base64_value() {
    for (key, expected) in [
        ("dGhlIHNhbXBsZSBub25jZQ=", KeyError::Length { found: 23 }),
        (
            "dGhlIHNhbXBsZSBub25jZQ-_",
            KeyError::InvalidCharacter {
                byte: b'-',
                position: 22,
            },
        ),
        (
            "dGhlIHNhbXBsZSBub25jZR==",
            KeyError::TrailingBits { character: b'R' },
        ),
    ] {
        assert_eq!(
            error_for(&with(&[("Sec-WebSocket-Key", Some(key))])),
            Error::InvalidKey(expected)
        );
    }
}

#[test]
fn s17_version_must_be_plain_decimal() {
    for bad in ["013", "256", "abc", "13, 8", "+13"] {
        assert_eq!(
            error_for(&with(&[("Sec-WebSocket-Version", Some(bad))])),
            Error::InvalidVersion,
            "{bad}"
        );
    }
    assert_eq!(
        error_for(&plus(&[("Sec-WebSocket-Version", "13")])),
        Error::DuplicateVersion
    );
}

#[test]
fn s17_client_protocol_must_be_token_list() {
    for bad in ["", " , ", "a b", "a, b c", "\"quoted\"", "a/b"] {
        assert_eq!(
            error_for(&plus(&[("Sec-WebSocket-Protocol", bad)])),
            Error::InvalidProtocol,
            "{bad:?}"
        );
    }
    accepted(
        ServerConfig::new(),
        &plus(&[("Sec-WebSocket-Protocol", "a, , b")]),
    );
}

// --- S18: repetition ---------------------------------------------------------------------

#[test]
fn s18_protocol_and_extension_lines_merge_in_order() {
    let input = plus(&[
        ("Sec-WebSocket-Protocol", "a, b"),
        ("Sec-WebSocket-Extensions", "foo"),
        ("Sec-WebSocket-Protocol", "c"),
        ("Sec-WebSocket-Extensions", "bar; x=1"),
    ]);
    let (mut server, result) = poll_whole(ServerConfig::new(), &input);
    assert_eq!(result, Ok(Status::Ready(())));
    let request = ready(&mut server).request();
    assert_eq!(request.protocols().collect::<Vec<_>>(), ["a", "b", "c"]);
    assert_eq!(
        request.extensions().map(|e| e.name()).collect::<Vec<_>>(),
        ["foo", "bar"]
    );
    // The raw lines are kept, not collapsed.
    assert_eq!(
        request.headers().get_all("sec-websocket-protocol").count(),
        2
    );
    assert_eq!(
        request
            .headers()
            .get_all("Sec-WebSocket-Extensions")
            .count(),
        2
    );
}

#[test]
fn s18_key_must_not_repeat() {
    assert_eq!(
        error_for(&plus(&[("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")])),
        Error::DuplicateKey
    );
}

// --- S19: malformed extensions -----------------------------------------------------------

#[test]
fn s19_malformed_extensions_get_400() {
    for bad in ["", "a;", "a; b=", "a; b=\"x y\"", "a b", ";", "a,;b"] {
        let input = plus(&[("Sec-WebSocket-Extensions", bad)]);
        assert_eq!(error_for(&input), Error::InvalidExtensions, "{bad:?}");
        assert_eq!(status_for(&input), 400);
    }
}

// --- S20: a rejection is complete and closes ---------------------------------------------

#[test]
fn s20_every_error_response_is_complete_and_closes() {
    let inputs = [
        with(&[("Host", None)]),
        with(&[("Sec-WebSocket-Version", Some("8"))]),
        request("POST / HTTP/1.1", &valid_lines()),
    ];
    for input in inputs {
        let error = error_for(&input);
        let mut out = Vec::new();
        error.write_response(&mut out);
        let (status, headers, body) = parse_response(&out);
        assert_eq!(Some(status), error.status());
        let connection =
            String::from_utf8(header(&headers, "connection").unwrap().to_vec()).unwrap();
        assert!(
            connection.to_ascii_lowercase().contains("close"),
            "{connection}"
        );
        let length: usize = std::str::from_utf8(header(&headers, "content-length").unwrap())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len());
        assert_eq!(body, format!("{error}\n").into_bytes());
    }
}

// --- H21 ---------------------------------------------------------------------------------

#[test]
fn h21_101_carries_upgrade_and_426_carries_upgrade_and_connection() {
    let (_, out) = accepted(ServerConfig::new(), &with(&[]));
    assert_eq!(
        header(&parse_response(&out).1, "upgrade"),
        Some(&b"websocket"[..])
    );
    let mut out = Vec::new();
    error_for(&with(&[("Sec-WebSocket-Version", Some("8"))])).write_response(&mut out);
    let (_, headers, _) = parse_response(&out);
    assert_eq!(header(&headers, "upgrade"), Some(&b"websocket"[..]));
    assert_eq!(header(&headers, "connection"), Some(&b"Upgrade, close"[..]));
}

#[test]
fn h21_expect_continue_needs_no_100_and_body_is_rejected() {
    let (_, out) = accepted(ServerConfig::new(), &plus(&[("Expect", "100-continue")]));
    assert!(out.starts_with(b"HTTP/1.1 101 "));
    accepted(ServerConfig::new(), &plus(&[("Content-Length", "0")]));
    assert_eq!(
        error_for(&plus(&[("Content-Length", "5")])),
        Error::UnexpectedBody
    );
    assert_eq!(
        error_for(&plus(&[("Transfer-Encoding", "chunked")])),
        Error::UnexpectedBody
    );
    assert_eq!(
        error_for(&plus(&[("Content-Length", "x")])),
        Error::InvalidContentLength
    );
    assert_eq!(status_for(&plus(&[("Content-Length", "5")])), 400);
}

#[test]
fn h21_upgrade_in_http_1_0_is_ignored() {
    assert_eq!(
        error_for(&request("GET / HTTP/1.0", &valid_lines())),
        Error::Http10
    );
}

// --- H22 ---------------------------------------------------------------------------------

#[test]
fn h22_header_names_are_case_insensitive() {
    let lines: Vec<(String, String)> = valid_lines()
        .into_iter()
        .map(|(n, v)| (n.to_ascii_uppercase(), v))
        .collect();
    let (mut server, result) = poll_whole(ServerConfig::new(), &request("GET / HTTP/1.1", &lines));
    assert_eq!(result, Ok(Status::Ready(())));
    assert!(
        ready(&mut server)
            .request()
            .headers()
            .get("sec-websocket-key")
            .is_some()
    );
}

#[test]
fn h22_empty_list_elements_are_tolerated() {
    accepted(
        ServerConfig::new(),
        &with(&[
            ("Upgrade", Some("websocket, , x")),
            ("Connection", Some(", Upgrade,,")),
        ]),
    );
}

#[test]
fn h22_control_characters_in_values_get_400() {
    for bad in [&b"a\0b"[..], b"a\x01b", b"a\x7fb"] {
        let mut input = with(&[]);
        let at = input.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
        let mut line = b"X-Bad: ".to_vec();
        line.extend_from_slice(bad);
        line.extend_from_slice(b"\r\n");
        input.splice(at..at, line);
        let error = error_for(&input);
        assert!(
            matches!(
                error,
                Error::InvalidHeaderValue { line: 2 } | Error::InvalidLineEnding { line: 2 }
            ),
            "{bad:?}: {error:?}"
        );
        assert_eq!(error.status(), Some(400));
    }
}

// --- H23 ---------------------------------------------------------------------------------

#[test]
fn h23_whitespace_before_colon_gets_400() {
    let input = b"GET / HTTP/1.1\r\nHost : example.com\r\n\r\n";
    assert_eq!(error_for(input), Error::WhitespaceBeforeColon { line: 2 });
    assert_eq!(status_for(input), 400);
}

#[test]
fn h23_obs_fold_gets_400() {
    let input = b"GET / HTTP/1.1\r\nHost: example.com\r\nX-Long: a\r\n  b\r\n\r\n";
    assert_eq!(error_for(input), Error::ObsFold { line: 4 });
    assert_eq!(status_for(input), 400);
}

#[test]
fn h23_bare_cr_gets_400() {
    let input = b"GET / HTTP/1.1\r\nHost: exa\rmple.com\r\n\r\n";
    assert_eq!(error_for(input), Error::InvalidLineEnding { line: 2 });
    assert_eq!(status_for(input), 400);
}

#[test]
fn h23_target_over_limit_gets_414_before_the_line_ends() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET /");
    server.feed(&vec![b'a'; DEFAULT_TARGET_BYTES + 20]);
    assert_eq!(
        server.poll().unwrap_err(),
        Error::TargetTooLong {
            limit: DEFAULT_TARGET_BYTES
        }
    );
    assert_eq!(Error::TargetTooLong { limit: 1 }.status(), Some(414));
    // Exactly at the limit is fine.
    let target = format!("/{}", "a".repeat(DEFAULT_TARGET_BYTES - 1));
    accepted(
        ServerConfig::new(),
        &request(&format!("GET {target} HTTP/1.1"), &valid_lines()),
    );
}

#[test]
fn h23_header_block_over_limit_gets_431_as_soon_as_crossed() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET / HTTP/1.1\r\nX-Big: ");
    server.feed(&vec![b'a'; DEFAULT_HEAD_BYTES]);
    let error = server.poll().unwrap_err();
    assert_eq!(
        error,
        Error::HeadTooLarge {
            limit: DEFAULT_HEAD_BYTES
        }
    );
    assert_eq!(error.status(), Some(431));
}

#[test]
fn h23_too_many_header_lines_get_431() {
    let limits = Limits::new().max_headers(8).unwrap();
    let mut lines = valid_lines();
    for i in 0..4 {
        lines.push((format!("X-{i}"), "v".into()));
    }
    let input = request("GET / HTTP/1.1", &lines);
    let (_, result) = poll_whole(ServerConfig::new().limits(limits), &input);
    assert_eq!(result, Err(Error::TooManyHeaders { limit: 8 }));
    // Exactly at the limit passes.
    lines.truncate(8);
    let (_, result) = poll_whole(
        ServerConfig::new().limits(limits),
        &request("GET / HTTP/1.1", &lines),
    );
    assert_eq!(result, Ok(Status::Ready(())));
}

#[test]
fn h23_max_headers_above_the_ceiling_is_an_error() {
    assert_eq!(Limits::HEADERS_CEILING, 256);
    assert_eq!(
        Limits::new().max_headers(257),
        Err(LocalError::HeaderLimitTooLarge { ceiling: 256 })
    );
    assert_eq!(
        Limits::new().max_headers(usize::MAX),
        Err(LocalError::HeaderLimitTooLarge { ceiling: 256 })
    );
    // The ceiling itself is allowed, and it is enforced as set.
    let limits = Limits::new().max_headers(256).unwrap();
    let mut lines = valid_lines();
    while lines.len() < 257 {
        lines.push((format!("X-{}", lines.len()), "v".into()));
    }
    let (_, result) = poll_whole(
        ServerConfig::new().limits(limits),
        &request("GET / HTTP/1.1", &lines),
    );
    assert_eq!(result, Err(Error::TooManyHeaders { limit: 256 }));
    lines.truncate(256);
    let (_, result) = poll_whole(
        ServerConfig::new().limits(limits),
        &request("GET / HTTP/1.1", &lines),
    );
    assert_eq!(result, Ok(Status::Ready(())));
}

#[test]
fn h23_target_forms() {
    for good in [
        "/",
        "/chat?room=1",
        "http://example.com/chat",
        "ws://example.com",
        "HTTPS://example.com:443/x?y",
        // Sent raw by browsers (outside the WHATWG percent-encode sets), so accepted.
        "/a|b^c[d]{e}\"f",
        "/?q=a`b{c}|d",
    ] {
        let (mut server, result) = poll_whole(
            ServerConfig::new(),
            &request(&format!("GET {good} HTTP/1.1"), &valid_lines()),
        );
        assert_eq!(result, Ok(Status::Ready(())), "{good}");
        assert!(ready(&mut server).path().starts_with('/'));
    }
    for bad in [
        "*",
        "example.com:443",
        "chat",
        "ftp://example.com/",
        "/chat#frag",
        "http:///x",
        // Never sent raw by a browser, and refused by `http::Uri` too.
        "/a<b",
        "/a>b",
        "/a`b",
        "ws://example.com/a`b",
        "/?q=a<b",
        "/?q=a>b",
        "/?q=\"a\"",
    ] {
        assert_eq!(
            error_for(&request(&format!("GET {bad} HTTP/1.1"), &valid_lines())),
            Error::InvalidTarget,
            "{bad}"
        );
    }
}

#[test]
fn h23_absolute_form_splits_path_and_query() {
    let (mut server, _) = poll_whole(
        ServerConfig::new(),
        &request(
            "GET ws://example.com:8080/a/b?x=1&y HTTP/1.1",
            &valid_lines(),
        ),
    );
    let request = ready(&mut server).request();
    assert_eq!(request.path(), "/a/b");
    assert_eq!(request.query(), Some("x=1&y"));
    assert_eq!(request.target(), "ws://example.com:8080/a/b?x=1&y");
}

#[test]
fn h23_query_param_is_percent_decoded() {
    let (mut server, _) = poll_whole(
        ServerConfig::new(),
        &request(
            "GET /chat?room=a%20b&x&name=J+D&room=second HTTP/1.1",
            &valid_lines(),
        ),
    );
    let chat = ready(&mut server).request();
    assert_eq!(chat.query(), Some("room=a%20b&x&name=J+D&room=second"));
    // The first value of a repeated parameter.
    assert_eq!(chat.query_param("room").as_deref(), Some("a b"));
    assert_eq!(chat.query_param("x").as_deref(), Some(""));
    assert_eq!(chat.query_param("name").as_deref(), Some("J D"));
    assert_eq!(chat.query_param("missing"), None);
    assert_eq!(chat.query_param("Room"), None);
    // Absolute-form too; no query at all gives no parameter.
    let (mut server, _) = poll_whole(
        ServerConfig::new(),
        &request(
            "GET ws://example.com/chat?token=abc%2Fdef HTTP/1.1",
            &valid_lines(),
        ),
    );
    assert_eq!(
        ready(&mut server).query_param("token").as_deref(),
        Some("abc/def")
    );
    let (mut server, _) = poll_whole(ServerConfig::new(), &with(&[]));
    let plain = ready(&mut server).request();
    assert_eq!(plain.query(), None);
    assert_eq!(plain.query_param("room"), None);
}

// --- H24 ---------------------------------------------------------------------------------

#[test]
fn h24_bytes_after_the_head_are_handed_on_unchanged() {
    let mut input = with(&[]);
    let frame = b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58GET / HTTP/1.1\r\n\r\n";
    input.extend_from_slice(frame);
    let (mut server, _) = accepted(ServerConfig::new(), &input);
    assert_eq!(server.leftover(), frame);
    assert_eq!(&server.take_leftover()[..], frame);
}

#[test]
fn h24_leftover_kept_across_split_feeds() {
    let mut input = with(&[]);
    input.extend_from_slice(b"\x89\x00tail");
    let mut server = ServerHandshake::new(ServerConfig::new());
    let (first, second) = input.split_at(input.len() - 3);
    server.feed(first);
    assert!(matches!(server.poll(), Ok(Status::Ready(_))));
    server.feed(second);
    assert_eq!(server.leftover(), b"\x89\x00tail");
}

// --- D24–D29 through the server policy ---------------------------------------------------

#[test]
fn d24_server_accepts_first_valid_offer_only() {
    let input = plus(&[(
        "Sec-WebSocket-Extensions",
        "permessage-deflate; unknown=1, permessage-deflate; client_max_window_bits, permessage-deflate",
    )]);
    let (mut server, out) = accepted(
        ServerConfig::new().deflate(DeflateConfig::default()),
        &input,
    );
    let answer = ready(&mut server).decide().unwrap();
    assert_eq!(
        answer.extension_answer(),
        ExtensionAnswer::Deflate(DeflateParams::default())
    );
    let headers = parse_response(&out).1;
    assert_eq!(
        header(&headers, "sec-websocket-extensions"),
        Some(&b"permessage-deflate"[..])
    );
}

#[test]
fn d25_server_declines_offers_it_cannot_take() {
    for offer in [
        "permessage-deflate; foo",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=08",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover=1",
    ] {
        let input = plus(&[("Sec-WebSocket-Extensions", offer)]);
        let (_, out) = accepted(
            ServerConfig::new().deflate(DeflateConfig::default()),
            &input,
        );
        assert_eq!(
            header(&parse_response(&out).1, "sec-websocket-extensions"),
            None,
            "{offer}"
        );
    }
}

#[test]
fn d26_d27_no_context_takeover() {
    let config = DeflateConfig {
        client_no_context_takeover: true,
        ..DeflateConfig::default()
    };
    let input = plus(&[(
        "Sec-WebSocket-Extensions",
        "permessage-deflate; server_no_context_takeover",
    )]);
    let (_, out) = accepted(ServerConfig::new().deflate(config), &input);
    assert_eq!(
        header(&parse_response(&out).1, "sec-websocket-extensions"),
        Some(&b"permessage-deflate; server_no_context_takeover; client_no_context_takeover"[..])
    );
}

#[test]
fn d28_server_max_window_bits_answered_same_or_smaller() {
    let config = DeflateConfig {
        server_max_window_bits: 10,
        ..DeflateConfig::default()
    };
    for (offer, answer) in [
        (
            "permessage-deflate; server_max_window_bits=12",
            "permessage-deflate; server_max_window_bits=10",
        ),
        (
            "permessage-deflate; server_max_window_bits=9",
            "permessage-deflate; server_max_window_bits=9",
        ),
        (
            "permessage-deflate",
            "permessage-deflate; server_max_window_bits=10",
        ),
    ] {
        let input = plus(&[("Sec-WebSocket-Extensions", offer)]);
        let (_, out) = accepted(ServerConfig::new().deflate(config), &input);
        assert_eq!(
            header(&parse_response(&out).1, "sec-websocket-extensions"),
            Some(answer.as_bytes()),
            "{offer}"
        );
    }
}

#[test]
fn d29_client_max_window_bits_only_when_offered() {
    let config = DeflateConfig {
        client_max_window_bits: 10,
        ..DeflateConfig::default()
    };
    for (offer, answer) in [
        (
            "permessage-deflate; client_max_window_bits",
            Some("permessage-deflate; client_max_window_bits=10"),
        ),
        ("permessage-deflate; client_max_window_bits=9", None),
        (
            "permessage-deflate; client_max_window_bits=12",
            Some("permessage-deflate; client_max_window_bits=10"),
        ),
        // Not offered: the server cannot limit the client, so it declines.
        ("permessage-deflate", None),
    ] {
        let input = plus(&[("Sec-WebSocket-Extensions", offer)]);
        let (_, out) = accepted(ServerConfig::new().deflate(config), &input);
        let got = header(&parse_response(&out).1, "sec-websocket-extensions").map(<[u8]>::to_vec);
        let expected = match answer {
            Some(a) => Some(a.as_bytes().to_vec()),
            // Offered 9 < 10: nothing to limit, plain acceptance.
            None if offer.contains('=') => Some(b"permessage-deflate".to_vec()),
            None => None,
        };
        assert_eq!(got, expected, "{offer}");
    }
}

// --- Reuse -------------------------------------------------------------------------------

#[test]
fn machine_is_reusable_after_reset() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    for path in ["/one", "/two", "/three"] {
        server.reset();
        server.feed(&request(&format!("GET {path} HTTP/1.1"), &valid_lines()));
        let incoming = ready(&mut server);
        assert_eq!(incoming.request().path(), path);
        let mut out = Vec::new();
        incoming.accept(&AcceptConnection::new(), &mut out).unwrap();
        assert!(out.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    }
    server.reset();
    server.feed(b"POST / HTTP/1.1\r\n\r\n");
    assert!(server.poll().is_err());
    server.reset();
    server.feed(&with(&[]));
    assert!(matches!(server.poll(), Ok(Status::Ready(_))));
}

#[test]
fn errors_are_sticky() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"POST / HTTP/1.1\r\n\r\n");
    let first = server.poll().unwrap_err();
    server.feed(b"more");
    assert_eq!(server.poll().unwrap_err(), first);
}

#[test]
fn s21_host_allow_list_answers_421_for_a_host_not_served() {
    let config = || ServerConfig::new().allowed_hosts(["localhost:9001", "127.0.0.1"]);
    for (host, allowed) in [
        ("localhost:9001", true),
        ("LocalHost:9001", true),
        ("127.0.0.1", true),
        ("127.0.0.1:1234", true),
        ("localhost:9002", false),
        ("localhost", false),
        // A DNS-rebinding page: its own name in Host (and Origin), pointed at 127.0.0.1.
        ("evil.example:9001", false),
    ] {
        let input = with(&[
            ("Host", Some(host)),
            ("Origin", Some(&format!("http://{host}"))),
        ]);
        let (_, result) = poll_whole(config(), &input);
        if allowed {
            assert_eq!(result, Ok(Status::Ready(())), "{host}");
        } else {
            let Err(error) = result else {
                panic!("{host} accepted")
            };
            assert!(
                matches!(error, Error::HostNotAllowed { .. }),
                "{host}: {error:?}"
            );
            assert_eq!(error.status(), Some(421));
            let mut out = Vec::new();
            error.write_response(&mut out);
            assert!(
                out.starts_with(b"HTTP/1.1 421 Misdirected Request\r\n"),
                "{host}"
            );
        }
    }
    // Without an allow-list, every host is answered.
    let (_, result) = poll_whole(
        ServerConfig::new(),
        &with(&[("Host", Some("evil.example"))]),
    );
    assert_eq!(result, Ok(Status::Ready(())));
}

/// D30: zlib cannot compress raw deflate with an 8-bit window. An offer limiting the
/// server to 8 bits is declined (the fallback offer is taken), and a config of 8 bits
/// answers 9 for both windows.
#[test]
fn d30_an_eight_bit_compressor_window_is_never_answered() {
    let answer = |config: DeflateConfig, offer: &str| {
        let input = plus(&[("Sec-WebSocket-Extensions", offer)]);
        let (_, out) = accepted(ServerConfig::new().deflate(config), &input);
        header(&parse_response(&out).1, "sec-websocket-extensions")
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let default = DeflateConfig::default();
    assert_eq!(
        answer(default, "permessage-deflate; server_max_window_bits=8"),
        None
    );
    assert_eq!(
        answer(
            default,
            "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=9"
        )
        .as_deref(),
        Some("permessage-deflate; server_max_window_bits=9")
    );
    let eight = DeflateConfig {
        server_max_window_bits: 8,
        client_max_window_bits: 8,
        ..DeflateConfig::default()
    };
    assert_eq!(
        answer(eight, "permessage-deflate; client_max_window_bits").as_deref(),
        Some("permessage-deflate; server_max_window_bits=9; client_max_window_bits=9")
    );
}
