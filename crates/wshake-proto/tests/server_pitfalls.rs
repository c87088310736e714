//! Regression tests for what other libraries got wrong (issue #3's pitfall list).

mod common;

use common::{error_for, plus, poll_bytewise, poll_whole, request, valid_lines, with};
use wshake_proto::{Error, KeyError, Limits, ServerConfig, ServerHandshake, Status};

#[test]
fn connection_keep_alive_upgrade() {
    let (_, result) = poll_whole(
        ServerConfig::new(),
        &with(&[("Connection", Some("keep-alive, Upgrade"))]),
    );
    assert_eq!(result, Ok(Status::Ready));
}

#[test]
fn connection_split_over_two_lines() {
    let input = with(&[("Connection", Some("keep-alive"))]);
    let mut lines = valid_lines();
    lines.retain(|(n, _)| n != "Connection");
    lines.push(("Connection".into(), "keep-alive".into()));
    lines.push(("Connection".into(), "Upgrade".into()));
    let (_, result) = poll_whole(ServerConfig::new(), &request("GET / HTTP/1.1", &lines));
    assert_eq!(result, Ok(Status::Ready));
    assert_eq!(error_for(&input), Error::ConnectionNotUpgrade);
}

#[test]
fn connection_notupgrade_is_not_a_match() {
    assert_eq!(
        error_for(&with(&[("Connection", Some("notupgrade"))])),
        Error::ConnectionNotUpgrade
    );
    assert_eq!(
        error_for(&with(&[("Connection", Some("upgrade2, upgradex"))])),
        Error::ConnectionNotUpgrade
    );
}

#[test]
fn keys_of_wrong_lengths() {
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", Some(""))])),
        Error::InvalidKey(KeyError::DecodedLength { found: 0 })
    );
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", Some(&"A".repeat(23)))])),
        Error::InvalidKey(KeyError::Length { found: 23 })
    );
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", Some(&"A".repeat(25)))])),
        Error::InvalidKey(KeyError::Length { found: 25 })
    );
    // A 1 MB key is over the head limit long before it is parsed.
    let big = "A".repeat(1_000_000);
    assert_eq!(
        error_for(&with(&[("Sec-WebSocket-Key", Some(&big))])),
        Error::HeadTooLarge {
            limit: Limits::default().max_head_bytes
        }
    );
    // With limits raised, the key itself is refused.
    let limits = Limits {
        max_head_bytes: 2_000_000,
        ..Limits::default()
    };
    let (_, result) = poll_whole(
        ServerConfig::new().limits(limits),
        &with(&[("Sec-WebSocket-Key", Some(&big))]),
    );
    assert_eq!(
        result,
        Err(Error::InvalidKey(KeyError::DecodedLength {
            found: 750_000
        }))
    );
}

#[test]
fn non_base64_key() {
    assert_eq!(
        error_for(&with(&[(
            "Sec-WebSocket-Key",
            Some("!!!!!!!!!!!!!!!!!!!!!!==")
        )])),
        Error::InvalidKey(KeyError::InvalidCharacter {
            byte: b'!',
            position: 0
        })
    );
}

#[test]
fn duplicate_key_line() {
    assert_eq!(
        error_for(&plus(&[("Sec-WebSocket-Key", common::KEY)])),
        Error::DuplicateKey
    );
}

#[test]
fn protocol_list_in_one_line_and_over_two() {
    for input in [
        plus(&[("Sec-WebSocket-Protocol", "a, b")]),
        plus(&[
            ("Sec-WebSocket-Protocol", "a"),
            ("Sec-WebSocket-Protocol", "b"),
        ]),
    ] {
        let (server, result) = poll_whole(ServerConfig::new().protocols(["b"]), &input);
        assert_eq!(result, Ok(Status::Ready));
        assert_eq!(
            server.request().unwrap().protocols().collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(server.decide().unwrap().protocol_name(), Some("b"));
    }
}

#[test]
fn protocol_names_longer_than_24_bytes() {
    let long = "a.very.long.subprotocol.name.that.goes.on.v1";
    let (server, result) = poll_whole(
        ServerConfig::new().protocols([long]),
        &plus(&[("Sec-WebSocket-Protocol", long)]),
    );
    assert_eq!(result, Ok(Status::Ready));
    assert_eq!(server.decide().unwrap().protocol_name(), Some(long));
}

#[test]
fn duplicate_protocol_and_extension_lines_kept() {
    let input = plus(&[
        ("Sec-WebSocket-Protocol", "a"),
        ("Sec-WebSocket-Protocol", "a"),
        ("Sec-WebSocket-Extensions", "x"),
        ("Sec-WebSocket-Extensions", "x"),
    ]);
    let (server, _) = poll_whole(ServerConfig::new(), &input);
    let request = server.request().unwrap();
    assert_eq!(
        request
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-protocol"))
            .count(),
        2
    );
    assert_eq!(request.extensions().count(), 2);
}

#[test]
fn post_and_http_1_0() {
    assert!(matches!(
        error_for(&request("POST /chat HTTP/1.1", &valid_lines())),
        Error::MethodNotAllowed { .. }
    ));
    assert_eq!(
        error_for(&request("GET /chat HTTP/1.0", &valid_lines())),
        Error::Http10
    );
}

#[test]
fn versions_8_and_25() {
    for version in ["8", "25"] {
        let error = error_for(&with(&[("Sec-WebSocket-Version", Some(version))]));
        assert_eq!(error.status(), Some(426), "{version}");
        assert_eq!(
            error.to_string(),
            format!("Sec-WebSocket-Version {version} not supported, expected 13")
        );
    }
}

#[test]
fn frame_in_the_same_buffer_as_the_request() {
    let mut input = with(&[]);
    input.extend_from_slice(b"\x81\x80\x00\x00\x00\x00");
    let (server, result) = poll_whole(ServerConfig::new(), &input);
    assert_eq!(result, Ok(Status::Ready));
    assert_eq!(server.leftover(), b"\x81\x80\x00\x00\x00\x00");
}

#[test]
fn ten_megabyte_unterminated_header_line_stops_at_the_limit() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET / HTTP/1.1\r\nX: ");
    let chunk = vec![b'a'; 64 * 1024];
    let mut fed = 0;
    let mut result = Ok(Status::NeedMore);
    while fed < 10 * 1024 * 1024 {
        server.feed(&chunk);
        fed += chunk.len();
        result = server.poll();
        if result.is_err() {
            break;
        }
    }
    assert_eq!(
        result,
        Err(Error::HeadTooLarge {
            limit: Limits::default().max_head_bytes
        })
    );
    // Stopped at the first chunk that crossed 16 KiB, not after 10 MB.
    assert_eq!(fed, 64 * 1024);
}

#[test]
fn one_byte_feeds() {
    let mut input = plus(&[
        ("Sec-WebSocket-Protocol", "chat"),
        ("Origin", "http://example.com"),
    ]);
    input.extend_from_slice(b"\x81\x00");
    let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
    let head_len = input.len() - 2;
    let (result, polls) = poll_bytewise(&mut server, &input[..head_len]);
    assert_eq!(result, Ok(Status::Ready));
    assert_eq!(polls, head_len);
    server.feed(b"\x81\x00");
    assert_eq!(server.leftover(), b"\x81\x00");
    assert_eq!(server.decide().unwrap().protocol_name(), Some("chat"));
}

#[test]
fn one_byte_feeds_of_64_kib_head_scan_each_byte_once() {
    // The scan position only moves forward: count the bytes examined through the public
    // API by checking the work done per poll stays constant (no rescans from the start).
    let limits = Limits {
        max_head_bytes: 128 * 1024,
        max_headers: 256,
        ..Limits::default()
    };
    let mut lines = valid_lines();
    while lines
        .iter()
        .map(|(n, v)| n.len() + v.len() + 4)
        .sum::<usize>()
        < 64 * 1024
    {
        lines.push(("X-Padding".into(), "p".repeat(250)));
    }
    let input = request("GET / HTTP/1.1", &lines);
    let mut server = ServerHandshake::new(ServerConfig::new().limits(limits));
    let started = std::time::Instant::now();
    let (result, polls) = poll_bytewise(&mut server, &input);
    assert_eq!(result, Ok(Status::Ready));
    assert_eq!(polls, input.len());
    // Quadratic rescanning of 64 KiB would be ~2·10⁹ byte visits (seconds); linear is
    // milliseconds. The bound is loose on purpose; the bench `server` measures the ratio.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn target_limit_gives_the_same_error_fed_whole_or_byte_by_byte() {
    // Found by the server_request fuzz target: a request line with a short target, many
    // bytes after a second space and a bare CR once got 414 fed byte by byte but a
    // line-ending error fed whole. The target now ends at the second space in both.
    let limits = Limits {
        max_target_bytes: 16,
        ..Limits::default()
    };
    let mut line = b"GET /short x".to_vec();
    line.extend_from_slice(&[b'y'; 64]);
    line.extend_from_slice(b"\rz HTTP/1.1\r\nHost: x\r\n\r\n");
    let whole = poll_whole(ServerConfig::new().limits(limits), &line).1;
    let mut server = ServerHandshake::new(ServerConfig::new().limits(limits));
    let (split, _) = poll_bytewise(&mut server, &line);
    assert_eq!(whole, split);
    assert!(
        !matches!(whole, Err(Error::TargetTooLong { .. })),
        "{whole:?}"
    );
    // And a long target is 414 both ways, before its line ends when fed in pieces.
    let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(40));
    let whole = poll_whole(ServerConfig::new().limits(limits), long.as_bytes()).1;
    let mut server = ServerHandshake::new(ServerConfig::new().limits(limits));
    let (split, polls) = poll_bytewise(&mut server, long.as_bytes());
    assert_eq!(whole, Err(Error::TargetTooLong { limit: 16 }));
    assert_eq!(split, whole);
    assert!(polls < 30, "stopped after {polls} bytes");
}
