//! The properties every fuzz target checks. Shared, by path, with the stable regression
//! test in `crates/wshake-proto/tests/fuzz_regressions.rs`, which replays the corpus and
//! every crash ever found without nightly.

#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_proto::extensions::{
    DeflateConfig, DeflateOffer, DeflateParams, Extensions, PERMESSAGE_DEFLATE,
};
use wshake_proto::server::{
    AcceptConnection, ExtensionAnswer, OriginPolicy, ServerConfig, ServerHandshake,
};
use wshake_proto::{Accept, Error, Key, Limits, LocalError, Status};

/// Cuts `data` into pieces whose sizes alternate between two values taken from `plan`
/// (the libwebsockets lws_parse_fuzzer idea: the fuzzer chooses the read boundaries).
pub(crate) fn pieces(plan: u8, data: &[u8]) -> Vec<&[u8]> {
    let sizes = [usize::from(plan % 16) + 1, usize::from(plan / 16) + 1];
    let mut out = Vec::new();
    let mut rest = data;
    let mut turn = 0;
    while !rest.is_empty() {
        let size = sizes[turn % 2].min(rest.len());
        let (piece, tail) = rest.split_at(size);
        out.push(piece);
        rest = tail;
        turn += 1;
    }
    out
}

/// Why a ready request got no 101: the policies refused it (the peer's fault), or their
/// answer could not be written (the application's, which the policies never should be).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NoAnswer {
    Refused(Error),
    Unsendable(LocalError),
}

/// What a server made of some input: everything that must not depend on read boundaries.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ServerOutcome {
    NeedMore,
    Failed(Error, Vec<u8>),
    Ready {
        path: String,
        protocols: Vec<String>,
        extensions: Vec<String>,
        response: Result<Vec<u8>, NoAnswer>,
        leftover: Vec<u8>,
    },
}

/// The limits both fuzzed roles read heads with.
fn limits() -> Limits {
    Limits::new()
        .max_head_bytes(4096)
        .max_headers(32)
        .expect("under the ceiling")
        .max_target_bytes(1024)
}

pub(crate) fn server_config() -> ServerConfig {
    ServerConfig::new()
        .limits(limits())
        .protocols(["chat", "superchat"])
        .origin_policy(OriginPolicy::same_origin().allow("*.example.com"))
        .deflate(DeflateConfig {
            client_max_window_bits: 12,
            ..DeflateConfig::default()
        })
}

pub(crate) fn run_server(server: &mut ServerHandshake, pieces: &[&[u8]]) -> ServerOutcome {
    let mut ready = false;
    for piece in pieces {
        server.feed(piece);
        // Once ready or failed, later bytes only become leftover (or are irrelevant after
        // an error), and poll keeps saying the same.
        ready = matches!(server.poll(), Ok(Status::Ready(_)));
    }
    let (path, protocols, extensions, response) = match server.poll() {
        Ok(Status::NeedMore) => return ServerOutcome::NeedMore,
        Err(error) => {
            assert!(!ready, "poll says failed again once failed");
            let mut response = Vec::new();
            error.write_response(&mut response);
            check_error_response(&error, &response);
            return ServerOutcome::Failed(error, response);
        }
        Ok(Status::Ready(incoming)) => {
            assert!(ready, "poll says ready again once ready");
            let request = incoming.request();
            let path = request.path().to_string();
            let protocols = request.protocols().map(str::to_string).collect();
            let extensions = request.extensions().map(|e| e.to_string()).collect();
            let mut out = Vec::new();
            let response = match incoming.decide() {
                Err(error) => Err(NoAnswer::Refused(error)),
                Ok(answer) => match incoming.accept(&answer, &mut out) {
                    Ok(()) => Ok(out),
                    Err(error) => Err(NoAnswer::Unsendable(error)),
                },
            };
            if let Ok(bytes) = &response {
                check_101(bytes);
            }
            (path, protocols, extensions, response)
        }
    };
    ServerOutcome::Ready {
        path,
        protocols,
        extensions,
        response,
        leftover: server.leftover().to_vec(),
    }
}

fn check_error_response(error: &Error, response: &[u8]) {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    let complete = parsed
        .parse(response)
        .expect("error responses are valid HTTP");
    assert!(complete.is_complete(), "incomplete error response");
    // A server meets only errors with a status of their own; any other gets a 400.
    assert_eq!(parsed.code, Some(error.status().unwrap_or(400)));
}

fn check_101(response: &[u8]) {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    let status = parsed.parse(response).expect("a 101 is valid HTTP");
    assert_eq!(
        status,
        httparse::Status::Complete(response.len()),
        "101 has no body"
    );
    assert_eq!(parsed.code, Some(101));
}

/// How far a server got with some input (for `corpus_depth` in the regression tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Depth {
    /// An incomplete head.
    NeedMore,
    /// Refused by the parser or the header rules.
    Failed,
    /// Valid, and refused by a policy (origin, host) or unanswerable.
    Refused,
    /// Answered with a 101.
    Accepted,
}

pub(crate) fn depth(input: &[u8]) -> Depth {
    match run_server(&mut ServerHandshake::new(server_config()), &[input]) {
        ServerOutcome::NeedMore => Depth::NeedMore,
        ServerOutcome::Failed(..) => Depth::Failed,
        ServerOutcome::Ready {
            response: Ok(_), ..
        } => Depth::Accepted,
        ServerOutcome::Ready { .. } => Depth::Refused,
    }
}

/// `server_request`: arbitrary bytes, fed whole and split; same outcome, no panic.
pub fn server_request(data: &[u8]) {
    let Some((&plan, input)) = data.split_first() else {
        return;
    };
    let config = std::sync::Arc::new(server_config());
    let whole = run_server(
        &mut ServerHandshake::new(std::sync::Arc::clone(&config)),
        &[input],
    );
    let mut reused = ServerHandshake::new(config);
    let split = run_server(&mut reused, &pieces(plan, input));
    assert_eq!(whole, split, "outcome depends on read boundaries");
    // A reset machine behaves like a new one.
    reused.reset();
    assert_eq!(run_server(&mut reused, &[input]), whole);
}

#[derive(Debug, PartialEq, Eq)]
enum ClientOutcome {
    NeedMore,
    Failed(Error),
    Ready {
        protocol: Option<String>,
        deflate: Option<DeflateParams>,
        leftover: Vec<u8>,
    },
}

fn client() -> ClientHandshake {
    // Offered in the order the setters are called: both permessage-deflate offers, then
    // the other extension (the offer the corpus was grown against).
    let config = ClientConfig::new()
        .protocol("chat")
        .map(|c| {
            c.deflate(DeflateOffer::new().client_max_window_bits(None))
                .deflate(DeflateOffer::new().server_max_window_bits(10))
        })
        .and_then(|c| c.extension("x-extension; a=1"))
        .expect("valid config")
        .limits(limits());
    let target = Target::new("example.com", "/chat").expect("valid target");
    ClientHandshake::new(config, target, Key::from_nonce(*b"the sample nonce"))
}

fn run_client(client: &mut ClientHandshake, pieces: &[&[u8]]) -> ClientOutcome {
    for piece in pieces {
        client.feed(piece);
        let _ = client.poll();
    }
    let (protocol, deflate) = match client.poll() {
        Ok(Status::NeedMore) => return ClientOutcome::NeedMore,
        Err(error) => return ClientOutcome::Failed(error),
        Ok(Status::Ready(outcome)) => (outcome.protocol().map(str::to_string), outcome.deflate()),
    };
    ClientOutcome::Ready {
        protocol,
        deflate,
        leftover: client.leftover().to_vec(),
    }
}

/// `client_response`: arbitrary bytes as the response to a fixed request.
pub fn client_response(data: &[u8]) {
    let Some((&plan, input)) = data.split_first() else {
        return;
    };
    let whole = run_client(&mut client(), &[input]);
    let split = run_client(&mut client(), &pieces(plan, input));
    assert_eq!(whole, split, "outcome depends on read boundaries");
    if let ClientOutcome::Ready { protocol, .. } = &whole {
        // Only what was offered can come back.
        assert!(protocol.as_deref().is_none_or(|p| p == "chat"));
    }
}

/// `key_and_accept`: `Key::parse` on anything; an accepted key's accept value equals an
/// independent SHA-1 (`sha1_smol`) and base64 (`data-encoding`) computation.
pub fn key_and_accept(data: &[u8]) {
    let raw = Accept::for_raw_key(data);
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(data);
    sha1.update(wshake_proto::GUID.as_bytes());
    let expected = data_encoding::BASE64.encode(&sha1.digest().bytes());
    assert_eq!(raw.as_str(), expected);
    assert!(raw.matches(expected.as_bytes()));
    if let Ok(key) = Key::parse(data) {
        assert_eq!(key.as_bytes().as_slice(), data);
        let decoded = data_encoding::BASE64
            .decode(data)
            .expect("an accepted key is base64");
        assert_eq!(decoded, key.nonce());
        assert_eq!(Accept::for_key(&key), raw);
    }
}

/// `extensions`: the §9.1 parser on anything; permessage-deflate offers negotiated by
/// servers of every shape, and whatever a server answers, the offering client accepts.
pub fn extensions(data: &[u8]) {
    let Some((&shape, input)) = data.split_first() else {
        return;
    };
    let Some(list) = Extensions::parse(input) else {
        return;
    };
    // Display of each extension parses back to the same thing.
    for extension in list.clone() {
        let text = extension.to_string();
        let again: Vec<_> = Extensions::parse(text.as_bytes())
            .expect("display parses")
            .collect();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].to_string(), text);
    }
    let config = DeflateConfig {
        server_no_context_takeover: shape & 1 != 0,
        client_no_context_takeover: shape & 2 != 0,
        server_max_window_bits: 8 + (shape >> 2) % 8,
        client_max_window_bits: 8 + (shape >> 5) % 8,
    };
    let offers: Vec<DeflateOffer> = list
        .clone()
        .filter(|e| e.is(PERMESSAGE_DEFLATE))
        .filter_map(|e| DeflateOffer::parse(&e).ok())
        .collect();
    if let Some(params) = config.negotiate(list) {
        assert!(
            offers.iter().any(|offer| offer.accepts(&params).is_ok()),
            "server answered {params} that no offer accepts"
        );
        let text = params.to_string();
        let parsed: Vec<_> = Extensions::parse(text.as_bytes())
            .expect("answer parses")
            .collect();
        assert_eq!(DeflateParams::parse(&parsed[0]), Ok(params));
    }
}

/// A permessage-deflate offer's four parameters.
type OfferShape = (bool, bool, Option<u8>, Option<Option<u8>>);

/// A random but valid configuration for both roles.
#[derive(Debug, Arbitrary)]
struct Scenario {
    nonce: [u8; 16],
    client_protocols: Vec<u8>,
    server_protocols: Vec<u8>,
    prefer_client: bool,
    offers: Vec<OfferShape>,
    server_deflate: Option<(bool, bool, u8, u8)>,
    headers: Vec<(u8, u8)>,
    frame: Vec<u8>,
    request_plan: u8,
    response_plan: u8,
}

const PROTOCOLS: [&str; 6] = ["chat", "superchat", "v1.json", "mqtt", "wamp.2.json", "x"];
const HEADER_NAMES: [&str; 4] = ["X-Trace", "Cookie", "Authorization", "User-Agent"];
const HEADER_VALUES: [&str; 4] = ["1", "a=b; c=d", "Bearer t0k3n", "fuzz/1.0 (roundtrip)"];

/// `roundtrip`: client request → server → response → client for an arbitrary valid
/// configuration; always succeeds and both sides agree.
pub fn roundtrip(data: &[u8]) {
    let Ok(scenario) = Scenario::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let target = Target::new("127.0.0.1:9001", "/rt?x=1").expect("valid");
    let mut config = ClientConfig::new().allow_missing_protocol(true);
    let mut offered = Vec::new();
    for index in scenario.client_protocols.iter().take(4) {
        let protocol = PROTOCOLS[usize::from(*index) % PROTOCOLS.len()];
        if !offered.contains(&protocol) {
            offered.push(protocol);
            config = config.protocol(protocol).expect("valid token");
        }
    }
    for (snct, cnct, smwb, cmwb) in scenario.offers.iter().take(3) {
        let mut offer = DeflateOffer::new();
        offer.server_no_context_takeover = *snct;
        offer.client_no_context_takeover = *cnct;
        offer.server_max_window_bits = smwb.map(|b| 8 + b % 8);
        offer.client_max_window_bits = cmwb.map(|c| c.map(|b| 8 + b % 8));
        config = config.deflate(offer);
    }
    for (name, value) in scenario.headers.iter().take(4) {
        config = config
            .header(
                HEADER_NAMES[usize::from(*name) % 4],
                HEADER_VALUES[usize::from(*value) % 4],
            )
            .expect("valid header");
    }
    let mut client = ClientHandshake::new(config, target, Key::from_nonce(scenario.nonce));
    let mut request = Vec::new();
    client.write_request(&mut request);

    let mut server_config = ServerConfig::new().protocols(
        scenario
            .server_protocols
            .iter()
            .take(4)
            .map(|i| PROTOCOLS[usize::from(*i) % PROTOCOLS.len()]),
    );
    if scenario.prefer_client {
        server_config = server_config.prefer_client_protocols();
    }
    if let Some((s, c, sw, cw)) = scenario.server_deflate {
        server_config = server_config.deflate(DeflateConfig {
            server_no_context_takeover: s,
            client_no_context_takeover: c,
            server_max_window_bits: 8 + sw % 8,
            client_max_window_bits: 8 + cw % 8,
        });
    }
    let mut server = ServerHandshake::new(server_config);
    let mut ready = false;
    for piece in pieces(scenario.request_plan, &request) {
        server.feed(piece);
        let status = server.poll().expect("a client request is valid");
        ready = matches!(status, Status::Ready(_));
    }
    assert!(ready, "the whole request makes a ready server");
    let Ok(Status::Ready(incoming)) = server.poll() else {
        panic!("ready")
    };
    let answer: AcceptConnection<'_> = incoming.decide().expect("same origin, nothing to refuse");
    let mut response = Vec::new();
    incoming
        .accept(&answer, &mut response)
        .expect("policy answers are valid");
    response.extend_from_slice(&scenario.frame);

    let mut ready = false;
    for piece in pieces(scenario.response_plan, &response) {
        client.feed(piece);
        let status = client.poll().expect("a server response is valid");
        ready = matches!(status, Status::Ready(_));
    }
    assert!(ready, "the whole response makes a ready client");
    assert_eq!(client.leftover(), scenario.frame.as_slice());
    let Ok(Status::Ready(outcome)) = client.poll() else {
        panic!("ready")
    };
    assert_eq!(outcome.protocol(), answer.chosen_protocol());
    let server_deflate = match answer.extension_answer() {
        ExtensionAnswer::Deflate(params) => Some(params),
        _ => None,
    };
    assert_eq!(outcome.deflate(), server_deflate);
}
