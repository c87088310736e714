//! S13 behind a reverse proxy: the origin policy trusts forwarding headers only from the
//! proxies the configuration names, and only when the driver says the peer is one.

mod common;

use std::net::IpAddr;

use common::{plus, ready};
use wshake_proto::Error;
use wshake_proto::server::{ServerConfig, ServerHandshake};

const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7));

/// The origin check for `request` arriving from `peer` (if told), with `PROXY` trusted.
fn origin_check(request: &[u8], peer: Option<IpAddr>) -> Result<(), Error> {
    let config = ServerConfig::new().trust_proxies([PROXY]);
    let mut server = ServerHandshake::new(config);
    server.feed(request);
    let mut incoming = ready(&mut server);
    if let Some(peer) = peer {
        incoming = incoming.peer(peer);
    }
    incoming.check_origin()
}

#[allow(clippy::needless_pass_by_value)] // reads as `forbidden(origin_check(..))`
fn forbidden(result: Result<(), Error>) -> bool {
    matches!(result, Err(Error::OriginForbidden { .. }))
}

// `plus` keeps `Host: example.com`: the name the proxy used for the upstream.

#[test]
fn s13_trusted_proxy_forwards_the_addressed_host() {
    let request = plus(&[
        ("Origin", "https://app.test"),
        ("X-Forwarded-Host", "app.test"),
    ]);
    assert_eq!(origin_check(&request, Some(PROXY)), Ok(()));
    // The same headers from anyone else, or from an unknown peer, are ignored.
    assert!(forbidden(origin_check(&request, Some(OTHER))));
    assert!(forbidden(origin_check(&request, None)));
}

#[test]
fn s13_forwarded_wins_over_x_forwarded_and_its_last_element_counts() {
    let request = plus(&[
        ("Origin", "https://app.test:8443"),
        ("X-Forwarded-Host", "decoy.test"),
        ("Forwarded", "for=198.51.100.1;host=spoofed.test"),
        (
            "Forwarded",
            "for=198.51.100.1;host=\"app.test:8443\";proto=https",
        ),
    ]);
    assert_eq!(origin_check(&request, Some(PROXY)), Ok(()));
}

#[test]
fn s13_forwarded_scheme_must_match_the_origin() {
    let secure = |origin| {
        plus(&[
            ("Origin", origin),
            ("X-Forwarded-Host", "app.test"),
            ("X-Forwarded-Proto", "https"),
        ])
    };
    assert_eq!(
        origin_check(&secure("https://app.test"), Some(PROXY)),
        Ok(())
    );
    assert_eq!(origin_check(&secure("wss://app.test"), Some(PROXY)), Ok(()));
    assert!(forbidden(origin_check(
        &secure("http://app.test"),
        Some(PROXY)
    )));
    // A scheme alone keeps Host as the host.
    let proto_only = plus(&[
        ("Origin", "http://example.com"),
        ("X-Forwarded-Proto", "http"),
    ]);
    assert_eq!(origin_check(&proto_only, Some(PROXY)), Ok(()));
}

#[test]
fn s13_trusted_proxy_without_forwarding_headers_keeps_host() {
    let same = plus(&[("Origin", "http://example.com")]);
    assert_eq!(origin_check(&same, Some(PROXY)), Ok(()));
    let other = plus(&[("Origin", "http://app.test")]);
    assert!(forbidden(origin_check(&other, Some(PROXY))));
}

#[test]
fn s13_no_trusted_proxies_means_forwarding_headers_are_ignored() {
    let request = plus(&[
        ("Origin", "https://app.test"),
        ("X-Forwarded-Host", "app.test"),
    ]);
    let mut server = ServerHandshake::new(ServerConfig::new());
    server.feed(&request);
    let incoming = ready(&mut server).peer(PROXY);
    assert!(forbidden(incoming.check_origin()));
}
