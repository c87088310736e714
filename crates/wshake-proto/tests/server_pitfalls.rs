//! Regression tests for what other libraries got wrong (issue #3's pitfall list).

mod common;

use common::{
    Polled, error_for, plus, poll_bytewise, poll_whole, ready, request, settled, valid_lines, with,
};
use wshake_proto::server::{ServerConfig, ServerHandshake};
use wshake_proto::{Error, KeyError, Limits, Status};

/// The default head limit, as documented.
const DEFAULT_HEAD_BYTES: usize = 16 * 1024;

#[test]
fn connection_keep_alive_upgrade() {
    let (_, result) = poll_whole(
        ServerConfig::new(),
        &with(&[("Connection", Some("keep-alive, Upgrade"))]),
    );
    assert_eq!(result, Ok(Status::Ready(())));
}

#[test]
fn connection_split_over_two_lines() {
    let input = with(&[("Connection", Some("keep-alive"))]);
    let mut lines = valid_lines();
    lines.retain(|(n, _)| n != "Connection");
    lines.push(("Connection".into(), "keep-alive".into()));
    lines.push(("Connection".into(), "Upgrade".into()));
    let (_, result) = poll_whole(ServerConfig::new(), &request("GET / HTTP/1.1", &lines));
    assert_eq!(result, Ok(Status::Ready(())));
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
            limit: DEFAULT_HEAD_BYTES
        }
    );
    // With limits raised, the key itself is refused.
    let limits = Limits::new().max_head_bytes(2_000_000);
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
        let (mut server, result) = poll_whole(ServerConfig::new().protocols(["b"]), &input);
        assert_eq!(result, Ok(Status::Ready(())));
        let incoming = ready(&mut server);
        assert_eq!(incoming.protocols().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(incoming.decide().unwrap().chosen_protocol(), Some("b"));
    }
}

#[test]
fn protocol_names_longer_than_24_bytes() {
    let long = "a.very.long.subprotocol.name.that.goes.on.v1";
    let (mut server, result) = poll_whole(
        ServerConfig::new().protocols([long]),
        &plus(&[("Sec-WebSocket-Protocol", long)]),
    );
    assert_eq!(result, Ok(Status::Ready(())));
    assert_eq!(
        ready(&mut server).decide().unwrap().chosen_protocol(),
        Some(long)
    );
}

#[test]
fn duplicate_protocol_and_extension_lines_kept() {
    let input = plus(&[
        ("Sec-WebSocket-Protocol", "a"),
        ("Sec-WebSocket-Protocol", "a"),
        ("Sec-WebSocket-Extensions", "x"),
        ("Sec-WebSocket-Extensions", "x"),
    ]);
    let (mut server, _) = poll_whole(ServerConfig::new(), &input);
    let request = ready(&mut server).request();
    assert_eq!(
        request
            .headers()
            .iter()
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
    assert_eq!(result, Ok(Status::Ready(())));
    assert_eq!(server.leftover(), b"\x81\x80\x00\x00\x00\x00");
}

#[test]
fn ten_megabyte_unterminated_header_line_stops_at_the_limit() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(b"GET / HTTP/1.1\r\nX: ");
    let chunk = vec![b'a'; 64 * 1024];
    let mut fed = 0;
    let mut result: Polled = Ok(Status::NeedMore);
    while fed < 10 * 1024 * 1024 {
        server.feed(&chunk);
        fed += chunk.len();
        result = settled(server.poll());
        if result.is_err() {
            break;
        }
    }
    assert_eq!(
        result,
        Err(Error::HeadTooLarge {
            limit: DEFAULT_HEAD_BYTES
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
    assert_eq!(result, Ok(Status::Ready(())));
    assert_eq!(polls, head_len);
    server.feed(b"\x81\x00");
    assert_eq!(server.leftover(), b"\x81\x00");
    assert_eq!(
        ready(&mut server).decide().unwrap().chosen_protocol(),
        Some("chat")
    );
}

#[test]
fn one_byte_feeds_of_64_kib_head_scan_each_byte_once() {
    // The scan position only moves forward: count the bytes examined through the public
    // API by checking the work done per poll stays constant (no rescans from the start).
    let limits = Limits::new()
        .max_head_bytes(128 * 1024)
        .max_headers(256)
        .unwrap();
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
    assert_eq!(result, Ok(Status::Ready(())));
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
    let limits = Limits::new().max_target_bytes(16);
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

/// What a server made of its input: everything that must not depend on how the bytes
/// reached its buffer.
#[derive(Debug, PartialEq)]
enum Outcome {
    NeedMore,
    Failed(Error),
    Ready {
        path: String,
        response: Vec<u8>,
        leftover: Vec<u8>,
    },
}

fn outcome(server: &mut ServerHandshake) -> Outcome {
    let (path, response) = match server.poll() {
        Ok(Status::NeedMore) => return Outcome::NeedMore,
        Err(error) => return Outcome::Failed(error),
        Ok(Status::Ready(incoming)) => {
            let path = incoming.path().to_string();
            let answer = incoming.negotiate();
            let mut response = Vec::new();
            incoming.accept(&answer, &mut response).unwrap();
            (path, response)
        }
    };
    Outcome::Ready {
        path,
        response,
        leftover: server.leftover().to_vec(),
    }
}

/// Reads `input` through `spare`/`advance` the way a careless driver might: advancing
/// with nothing handed out, advancing past the room handed out, feeding between `spare`
/// and `advance`, advancing part of a room and asking again. Polls after every step and
/// checks the machine says what a fresh one fed the same bytes whole says.
fn read_carelessly(config: &ServerConfig, server: &mut ServerHandshake, input: &[u8], grow: usize) {
    let mut delivered = 0;
    let mut step = 0;
    let check = |server: &mut ServerHandshake, delivered: usize, what: &str| {
        let fresh = poll_whole(config.clone(), &input[..delivered]).1;
        assert_eq!(
            settled(server.poll()),
            fresh,
            "after {what}, {delivered} bytes, grow {grow}"
        );
    };
    while delivered < input.len() {
        let rest = &input[delivered..];
        match step % 4 {
            0 => {
                // Nothing handed out (a feed drops unread room): advance counts nothing.
                server.feed(&[]);
                server.advance(7);
                check(server, delivered, "advance without spare");
            }
            1 => {
                // Fill the whole room, then claim more than it holds.
                let room = server.spare(grow);
                assert!(!room.is_empty());
                let n = room.len().min(rest.len());
                room[..n].copy_from_slice(&rest[..n]);
                let claimed = if n == room.len() { n + 5 } else { n };
                server.advance(claimed);
                delivered += n;
                check(server, delivered, "advance past the room");
            }
            2 => {
                // Garbage read into the room, then bytes fed before the advance: the room
                // is dropped, so the advance that follows counts nothing.
                server.spare(grow).fill(b'X');
                let n = rest.len().min(3);
                server.feed(&rest[..n]);
                delivered += n;
                check(server, delivered, "feed between spare and advance");
                server.advance(3);
                check(server, delivered, "advance after feed");
            }
            _ => {
                // Part of a room, then the rest of it: spare hands out what is left.
                let room = server.spare(grow);
                let size = room.len();
                let n = size.min(rest.len());
                room[..n].copy_from_slice(&rest[..n]);
                server.advance(1);
                delivered += 1;
                check(server, delivered, "advance of part of the room");
                let left = server.spare(grow);
                // The room grows (by `grow`, at least 1) only once full.
                let expected = if size > 1 { size - 1 } else { grow.max(1) };
                assert_eq!(left.len(), expected, "room left, grow {grow}");
                let m = left.len().min(input.len() - delivered);
                left[..m].copy_from_slice(&input[delivered..delivered + m]);
                server.advance(m);
                delivered += m;
                check(server, delivered, "advance of the rest of the room");
            }
        }
        step += 1;
    }
}

#[test]
fn h24_spare_and_advance_misused_read_the_same_as_feed() {
    let chromium: &[u8] = include_bytes!("fixtures/request-chromium.http");
    let mut with_frame = plus(&[("Sec-WebSocket-Protocol", "chat, superchat")]);
    with_frame.extend_from_slice(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    let mut long_target = b"GET /".to_vec();
    long_target.extend_from_slice(&[b'a'; 64]);
    long_target.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\n\r\n");
    let inputs: [&[u8]; 5] = [
        chromium,
        &with_frame,
        &long_target,
        b"POST /chat HTTP/1.1\r\nHost: example.com\r\n\r\n",
        &with(&[("Sec-WebSocket-Version", Some("8"))]),
    ];
    let config = ServerConfig::new()
        .protocols(["superchat", "chat"])
        .limits(Limits::new().max_target_bytes(32));
    for input in inputs {
        let mut whole = ServerHandshake::new(config.clone());
        whole.feed(input);
        let expected = outcome(&mut whole);
        assert_ne!(expected, Outcome::NeedMore);
        // One machine reused across every reading, as a server would.
        let mut server = ServerHandshake::new(config.clone());
        for grow in [0, 1, 2, 3, 5, 8, 13, 64, 4096] {
            server.reset();
            // A fresh (or reset) machine has handed nothing out.
            server.advance(100);
            assert_eq!(settled(server.poll()), Ok(Status::NeedMore));
            assert_eq!(server.raw_head(), None);
            assert!(server.leftover().is_empty());
            read_carelessly(&config, &mut server, input, grow);
            assert_eq!(
                outcome(&mut server),
                expected,
                "grow {grow}: {}",
                String::from_utf8_lossy(input)
            );
            // Asking for room after the head and not using it changes nothing.
            server.spare(grow);
            server.advance(0);
            assert_eq!(outcome(&mut server), expected, "grow {grow}");
        }
    }
}

#[test]
fn h24_absurd_spare_and_advance_arguments_neither_panic_nor_allocate_without_bound() {
    let mut server = ServerHandshake::new(ServerConfig::new());
    assert_eq!(server.spare(usize::MAX).len(), 1 << 20);
    server.advance(usize::MAX);
    server.advance(usize::MAX);
    // A megabyte of zeros is no request: refused as too large, not a panic.
    assert!(matches!(server.poll(), Err(Error::HeadTooLarge { .. })));
    let mut server = ServerHandshake::new(ServerConfig::new());
    assert_eq!(server.spare(0).len(), 1);
}
