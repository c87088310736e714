//! Property tests: random valid requests are accepted whatever their shape and read
//! boundaries; a single broken MUST is always rejected with the checklist's status; and
//! client → server → client round trips agree on what was negotiated.

use std::fmt::Write as _;

use proptest::prelude::*;
use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_proto::extensions::{DeflateConfig, DeflateOffer};
use wshake_proto::server::{ExtensionAnswer, OriginPolicy, ServerConfig, ServerHandshake};
use wshake_proto::{Accept, Key, Status};

fn casing(name: &str, mask: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Feeds `bytes` in pieces cut at `cuts`, polling after each; what the last poll said
/// (without the request, which borrows the machine: poll again for it).
fn feed_split(
    server: &mut ServerHandshake,
    bytes: &[u8],
    cuts: &[usize],
) -> Result<Status<()>, wshake_proto::Error> {
    let mut status = Status::NeedMore;
    let mut start = 0;
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(bytes.len());
    points.sort_unstable();
    for end in points {
        if end < start {
            continue;
        }
        server.feed(&bytes[start..end]);
        start = end;
        status = match server.poll()? {
            Status::NeedMore => Status::NeedMore,
            Status::Ready(_) => Status::Ready(()),
        };
    }
    Ok(status)
}

#[derive(Debug, Clone)]
struct ValidRequest {
    nonce: [u8; 16],
    order: Vec<usize>,
    casing: u64,
    ows: (String, String),
    extra: Vec<(String, String)>,
    connection_extra: bool,
    leftover: Vec<u8>,
    cuts: Vec<usize>,
}

fn valid_request() -> impl Strategy<Value = ValidRequest> {
    (
        any::<[u8; 16]>(),
        Just((0..5).collect::<Vec<usize>>()).prop_shuffle(),
        any::<u64>(),
        ("[ \t]{0,3}", "[ \t]{0,3}"),
        proptest::collection::vec(("X-[A-Za-z0-9-]{1,12}", "[ -~]{0,40}"), 0..6),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(any::<usize>(), 0..8),
    )
        .prop_map(
            |(nonce, order, casing, ows, extra, connection_extra, leftover, cuts)| ValidRequest {
                nonce,
                order,
                casing,
                ows,
                extra,
                connection_extra,
                leftover,
                cuts,
            },
        )
}

fn render(request: &ValidRequest, mutate: Option<usize>) -> (Vec<u8>, Key) {
    let key = Key::from_nonce(request.nonce);
    let connection = if request.connection_extra {
        "keep-alive, Upgrade"
    } else {
        "Upgrade"
    };
    let mut headers = vec![
        ("Host", "example.com:8080".to_string()),
        ("Upgrade", "websocket".to_string()),
        ("Connection", connection.to_string()),
        ("Sec-WebSocket-Key", key.as_str().to_string()),
        ("Sec-WebSocket-Version", "13".to_string()),
    ];
    let mut method = "GET";
    let mut version = "HTTP/1.1";
    match mutate {
        Some(0) => method = "POST",
        Some(1) => version = "HTTP/1.0",
        Some(2) => headers[0].1 = "exa mple".into(),
        Some(3) => headers[1].1 = "h2c".into(),
        Some(4) => headers[2].1 = "keep-alive".into(),
        Some(5) => headers[3].1 = "AAAA".into(),
        Some(6) => headers[4].1 = "8".into(),
        Some(7) => headers.push(("Sec-WebSocket-Key", key.as_str().to_string())),
        Some(8) => headers.push(("Content-Length", "3".to_string())),
        Some(9) => headers.push(("Sec-WebSocket-Extensions", "a;".to_string())),
        _ => {}
    }
    let mut text = format!("{method} /chat?x=1 {version}\r\n");
    let mut order = request.order.clone();
    order.extend(5..headers.len());
    for (i, index) in order.iter().enumerate() {
        let (name, value) = &headers[*index];
        let rotation = u32::try_from(i).unwrap_or(0);
        let _ = write!(
            text,
            "{}:{}{}{}\r\n",
            casing(name, request.casing.rotate_left(rotation)),
            request.ows.0,
            value,
            request.ows.1
        );
        if let Some((extra_name, extra_value)) = request.extra.get(i) {
            let _ = write!(text, "{extra_name}: {}\r\n", extra_value.trim());
        }
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&request.leftover);
    (bytes, key)
}

const MUTATION_STATUS: [u16; 10] = [405, 400, 400, 400, 400, 400, 426, 400, 400, 400];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn s12_random_valid_requests_are_accepted(request in valid_request()) {
        let (bytes, key) = render(&request, None);
        let mut server = ServerHandshake::new(ServerConfig::new());
        prop_assert_eq!(feed_split(&mut server, &bytes, &request.cuts), Ok(Status::Ready(())));
        let Ok(Status::Ready(incoming)) = server.poll() else { panic!("ready") };
        let mut out = Vec::new();
        let answer = incoming.decide().unwrap();
        incoming.accept(&answer, &mut out).unwrap();
        let expected = format!("Sec-WebSocket-Accept: {}\r\n", Accept::for_key(&key));
        prop_assert!(String::from_utf8_lossy(&out).contains(&expected));
        prop_assert_eq!(server.leftover(), request.leftover.as_slice());
    }

    #[test]
    fn s12_a_broken_must_is_always_rejected_with_its_status(request in valid_request(), mutation in 0usize..10) {
        let (bytes, _) = render(&request, Some(mutation));
        let mut server = ServerHandshake::new(ServerConfig::new());
        let error = feed_split(&mut server, &bytes, &request.cuts).unwrap_err();
        prop_assert_eq!(error.status(), Some(MUTATION_STATUS[mutation]), "mutation {}: {:?}", mutation, error);
    }
}

#[derive(Debug, Clone)]
struct RoundTrip {
    client_protocols: Vec<String>,
    server_protocols: Vec<String>,
    offers: Vec<DeflateOffer>,
    server_deflate: Option<DeflateConfig>,
    client_cuts: Vec<usize>,
    server_cuts: Vec<usize>,
    frame: Vec<u8>,
}

fn window() -> impl Strategy<Value = u8> {
    8u8..=15
}

fn offer() -> impl Strategy<Value = DeflateOffer> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(window()),
        proptest::option::of(proptest::option::of(window())),
    )
        .prop_map(|(snct, cnct, smwb, cmwb)| DeflateOffer {
            server_no_context_takeover: snct,
            client_no_context_takeover: cnct,
            server_max_window_bits: smwb,
            client_max_window_bits: cmwb,
        })
}

fn round_trip() -> impl Strategy<Value = RoundTrip> {
    let names = proptest::sample::subsequence(
        vec!["chat", "superchat", "v1.json", "mqtt", "wamp.2.json"],
        0..4,
    );
    (
        names.clone().prop_shuffle(),
        names.prop_shuffle(),
        proptest::collection::vec(offer(), 0..3),
        proptest::option::of((any::<bool>(), any::<bool>(), window(), window()).prop_map(
            |(s, c, sw, cw)| DeflateConfig {
                server_no_context_takeover: s,
                client_no_context_takeover: c,
                server_max_window_bits: sw,
                client_max_window_bits: cw,
            },
        )),
        proptest::collection::vec(any::<usize>(), 0..6),
        proptest::collection::vec(any::<usize>(), 0..6),
        proptest::collection::vec(any::<u8>(), 0..16),
    )
        .prop_map(
            |(c, s, offers, server_deflate, client_cuts, server_cuts, frame)| RoundTrip {
                client_protocols: c.into_iter().map(String::from).collect(),
                server_protocols: s.into_iter().map(String::from).collect(),
                offers,
                server_deflate,
                client_cuts,
                server_cuts,
                frame,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn c11_round_trip_client_server_client_agrees(case in round_trip(), nonce in any::<[u8; 16]>()) {
        let target = Target::new("127.0.0.1:9001", "/rt").unwrap();
        let mut config = ClientConfig::new()
            .origin("http://127.0.0.1:9001").unwrap()
            .allow_missing_protocol(true);
        for protocol in &case.client_protocols {
            config = config.protocol(protocol).unwrap();
        }
        for offer in &case.offers {
            config = config.deflate(*offer);
        }
        let mut client = ClientHandshake::new(config, target, Key::from_nonce(nonce));
        let mut request = Vec::new();
        client.write_request(&mut request);

        let mut server_config = ServerConfig::new().protocols(case.server_protocols.clone()).origin_policy(OriginPolicy::same_origin());
        if let Some(deflate) = case.server_deflate {
            server_config = server_config.deflate(deflate);
        }
        let mut server = ServerHandshake::new(server_config);
        prop_assert_eq!(feed_split(&mut server, &request, &case.server_cuts), Ok(Status::Ready(())));
        let Ok(Status::Ready(incoming)) = server.poll() else { panic!("ready") };
        let answer = incoming.decide().unwrap();
        let mut response = Vec::new();
        incoming.accept(&answer, &mut response).unwrap();
        response.extend_from_slice(&case.frame);

        let mut ready = false;
        let mut start = 0;
        let mut points: Vec<usize> = case.client_cuts.iter().map(|c| c % (response.len() + 1)).collect();
        points.push(response.len());
        points.sort_unstable();
        for end in points {
            client.feed(&response[start..end]);
            start = end;
            let status = client.poll().map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&response))))?;
            ready = matches!(status, Status::Ready(_));
        }
        prop_assert!(ready);
        let leftover = client.leftover().to_vec();
        let Ok(Status::Ready(outcome)) = client.poll() else { panic!("verified") };
        prop_assert_eq!(outcome.protocol(), answer.chosen_protocol());
        let server_deflate = match answer.extension_answer() {
            ExtensionAnswer::Deflate(params) => Some(params),
            _ => None,
        };
        prop_assert_eq!(outcome.deflate(), server_deflate);
        prop_assert_eq!(leftover, case.frame.clone());
        // The server picks a common protocol whenever one exists.
        let common = case.server_protocols.iter().any(|p| case.client_protocols.contains(p));
        prop_assert_eq!(outcome.protocol().is_some(), common);
    }
}
