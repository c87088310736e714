//! WebSocket over HTTP/2 (RFC 8441), server role, over `http` types: the pseudo-header
//! rules (E31, E33, E34), no connection-specific headers and no key (E32), the answers
//! (E32, E35), the Origin policy against `:authority` (E37), and the header rules shared
//! with HTTP/1.1, which must give the same errors on both paths.

use http::{HeaderMap, Method, Request, Version};
use wshake_proto::Error;
use wshake_proto::extensions::DeflateConfig;
use wshake_proto::server::{
    Answer, Answered, ExtendedConnect, Incoming, OwnedRequest, ServerConfig,
};

const WEBSOCKET: Option<&str> = Some("websocket");

/// The extended CONNECT headless Chromium sends to `https://localhost:8443/chat` (its
/// pseudo-headers as hyper turns them into a `Uri`), plus `extra` headers.
fn chromium(extra: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::builder()
        .method(Method::CONNECT)
        .uri("https://localhost:8443/chat")
        .version(Version::HTTP_2)
        .header("pragma", "no-cache")
        .header("cache-control", "no-cache")
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0",
        )
        .header("origin", "https://localhost:8443")
        .header("sec-websocket-version", "13")
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .header("accept-language", "en-US,en;q=0.9")
        .header(
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits",
        );
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.body(()).expect("a valid request")
}

/// `request` without the headers named.
fn without(mut request: Request<()>, names: &[&str]) -> Request<()> {
    for name in names {
        request.headers_mut().remove(*name);
    }
    request
}

/// Validates `request`; also checks that validating and keeping in one pass
/// (`OwnedRequest::from_http2_parts`) gives the same verdict and the same copy as
/// validating, then keeping (`into_owned_for_answer`), for requests without forwarding
/// lines (which the one-pass copy keeps only under a config that trusts a proxy: see
/// `s13_a_one_pass_copy_keeps_forwarding_lines_only_if_a_proxy_is_trusted`).
fn validate(
    config: &ServerConfig,
    request: &Request<()>,
    connect: ExtendedConnect<'_>,
) -> Result<(), Error> {
    let verdict = Incoming::from_http2(config, request, connect)
        .map(|incoming| incoming.request().into_owned_for_answer());
    let (parts, ()) = request.clone().into_parts();
    assert_eq!(
        OwnedRequest::from_http2_parts(config, &parts, connect),
        verdict
    );
    verdict.map(|_| ())
}

fn error(request: &Request<()>) -> Error {
    validate(
        &ServerConfig::new(),
        request,
        ExtendedConnect::new(WEBSOCKET).tls(true),
    )
    .expect_err("refused")
}

/// The response every policy gives a valid request, as an `http::Response`.
fn answered(
    config: &ServerConfig,
    request: &Request<()>,
) -> (http::Response<bytes::Bytes>, Answered) {
    let connect = ExtendedConnect::new(WEBSOCKET).tls(true);
    let incoming = Incoming::from_http2(config, request, connect).expect("valid");
    incoming.answer_response(&Answer::policy())
}

#[test]
fn e31_e32_chromiums_extended_connect_is_answered_200_without_key_or_accept() {
    let request = chromium(&[]);
    let (response, answered) = answered(&ServerConfig::new(), &request);
    assert!(
        matches!(answered, Answered::Accepted { .. }),
        "{answered:?}"
    );
    assert_eq!(response.status(), 200);
    for forbidden in [
        "sec-websocket-accept",
        "upgrade",
        "connection",
        "content-length",
    ] {
        assert!(response.headers().get(forbidden).is_none(), "{forbidden}");
    }
    let config = ServerConfig::new();
    let incoming =
        Incoming::from_http2(&config, &request, ExtendedConnect::new(WEBSOCKET).tls(true))
            .expect("valid");
    assert!(incoming.is_http2());
    assert_eq!(incoming.key(), None);
    assert_eq!(incoming.method(), "CONNECT");
    assert_eq!(incoming.host(), "localhost:8443");
    assert_eq!(incoming.path(), "/chat");
}

#[test]
fn e31_the_method_must_be_connect_405_with_allow_connect() {
    let mut request = chromium(&[]);
    *request.method_mut() = Method::GET;
    let error = error(&request);
    assert_eq!(debug(&error), named("MethodNotConnect", "method", "GET"));
    let response = error.to_response_for(Version::HTTP_2);
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "CONNECT");
}

#[test]
fn e31_protocol_must_be_exactly_websocket() {
    let request = chromium(&[]);
    let config = ServerConfig::new();
    assert_eq!(
        validate(&config, &request, ExtendedConnect::new(None)),
        Err(Error::MissingConnectProtocol)
    );
    for other in ["WebSocket", "websocket2", "h2c", "connect-udp", ""] {
        assert_eq!(
            debug(&validate(
                &config,
                &request,
                ExtendedConnect::new(Some(other))
            )),
            named("ConnectProtocolNotWebSocket", "protocol", other),
            "{other}"
        );
    }
    assert_eq!(
        validate(&config, &request, ExtendedConnect::new(WEBSOCKET)),
        Ok(())
    );
}

#[test]
fn e31_scheme_and_path_must_be_there() {
    // Authority-form, as a plain CONNECT carries it: no `:scheme`, no `:path`.
    let mut request = chromium(&[]);
    *request.uri_mut() = "localhost:8443".parse().expect("authority-form");
    assert_eq!(error(&request), Error::MissingScheme);
    let mut request = chromium(&[("host", "localhost:8443")]);
    *request.uri_mut() = "*".parse().expect("asterisk-form");
    assert_eq!(error(&request), Error::MissingPath);
}

#[test]
fn e34_scheme_must_match_the_connection() {
    let config = ServerConfig::new();
    let https = without(chromium(&[]), &["origin"]);
    let mut http = https.clone();
    *http.uri_mut() = "http://localhost:8443/chat".parse().expect("uri");
    let mut ftp = https.clone();
    *ftp.uri_mut() = "ftp://localhost:8443/chat".parse().expect("uri");
    let tls = ExtendedConnect::new(WEBSOCKET).tls(true);
    let plain = ExtendedConnect::new(WEBSOCKET).tls(false);
    let unknown = ExtendedConnect::new(WEBSOCKET);
    let scheme = |s: &str| named("UnexpectedScheme", "scheme", s);
    assert_eq!(validate(&config, &https, tls), Ok(()));
    assert_eq!(debug(&validate(&config, &http, tls)), scheme("http"));
    assert_eq!(validate(&config, &http, plain), Ok(()));
    assert_eq!(debug(&validate(&config, &https, plain)), scheme("https"));
    assert_eq!(validate(&config, &http, unknown), Ok(()));
    assert_eq!(validate(&config, &https, unknown), Ok(()));
    assert_eq!(debug(&validate(&config, &ftp, unknown)), scheme("ftp"));
}

#[test]
fn e33_authority_or_host_present_and_consistent() {
    let config = ServerConfig::new();
    let unknown = ExtendedConnect::new(WEBSOCKET);
    // Without `:authority` (hyper's `Uri` then has no scheme either): `host` names it.
    let mut host_only = chromium(&[("host", "localhost:8443")]);
    *host_only.uri_mut() = "/chat".parse().expect("uri");
    let incoming = Incoming::from_http2(&config, &host_only, unknown).expect("valid");
    assert_eq!(incoming.host(), "localhost:8443");
    let neither = without(host_only.clone(), &["host"]);
    assert_eq!(
        validate(&config, &neither, unknown),
        Err(Error::MissingAuthority)
    );
    // Both: they must name the same authority (host names compare case-insensitively).
    assert_eq!(
        validate(&config, &chromium(&[("host", "LocalHost:8443")]), unknown),
        Ok(())
    );
    for other in ["localhost:8444", "localhost", "evil.test:8443"] {
        assert_eq!(
            validate(&config, &chromium(&[("host", other)]), unknown),
            Err(Error::AuthorityMismatch),
            "{other}"
        );
    }
    let two = chromium(&[("host", "localhost:8443"), ("host", "localhost:8443")]);
    assert_eq!(validate(&config, &two, unknown), Err(Error::DuplicateHost));
    assert_eq!(
        validate(&config, &chromium(&[("host", "a b")]), unknown),
        Err(Error::InvalidHost)
    );
    let mut userinfo = chromium(&[]);
    *userinfo.uri_mut() = "https://user@localhost:8443/chat".parse().expect("uri");
    assert_eq!(
        validate(&config, &userinfo, unknown),
        Err(Error::InvalidHost)
    );
}

#[test]
fn e32_connection_specific_headers_make_the_request_malformed() {
    for (name, value) in [
        ("connection", "Upgrade"),
        ("upgrade", "websocket"),
        ("keep-alive", "timeout=5"),
        ("proxy-connection", "keep-alive"),
        ("transfer-encoding", "chunked"),
        ("te", "gzip"),
    ] {
        assert_eq!(
            debug(&error(&chromium(&[(name, value)]))),
            named("ConnectionSpecificHeader", "name", name),
            "{name}"
        );
    }
    let trailers = chromium(&[("te", "trailers")]);
    assert_eq!(
        validate(
            &ServerConfig::new(),
            &trailers,
            ExtendedConnect::new(WEBSOCKET)
        ),
        Ok(())
    );
}

#[test]
fn e32_a_key_is_not_used_and_no_accept_is_sent() {
    // RFC 8441 §5: not used. A client sending one anyway (even an invalid one) is
    // answered as without it.
    for key in ["dGhlIHNhbXBsZSBub25jZQ==", "x"] {
        let (response, _) = answered(
            &ServerConfig::new(),
            &chromium(&[("sec-websocket-key", key)]),
        );
        assert_eq!(response.status(), 200, "{key}");
        assert!(response.headers().get("sec-websocket-accept").is_none());
    }
}

#[test]
fn e32_e35_version_refusals_are_400_with_sec_websocket_version_13() {
    let missing = without(chromium(&[]), &["sec-websocket-version"]);
    let eight = {
        let mut request = missing.clone();
        request
            .headers_mut()
            .insert("sec-websocket-version", "8".parse().expect("value"));
        request
    };
    for (request, expected) in [
        (&missing, "MissingVersion".to_owned()),
        (&eight, named("UnsupportedVersion", "version", "8")),
    ] {
        let error = error(request);
        assert_eq!(debug(&error), expected);
        let response = error.to_response_for(Version::HTTP_2);
        assert_eq!(
            response.status(),
            400,
            "a 426 needs Upgrade, which HTTP/2 forbids"
        );
        assert_eq!(response.headers()["sec-websocket-version"], "13");
        assert!(response.headers().get("upgrade").is_none());
        assert!(response.headers().get("connection").is_none());
        // The same error over HTTP/1.1 is the 426.
        assert_eq!(error.to_response().status(), 426);
    }
}

#[test]
fn e35_no_answer_over_http2_carries_a_connection_specific_header() {
    let mut get = chromium(&[]);
    *get.method_mut() = Method::GET;
    let mut foreign = chromium(&[]);
    foreign
        .headers_mut()
        .insert("origin", "https://evil.test".parse().expect("value"));
    let foreign = Incoming::from_http2(
        &ServerConfig::new(),
        &foreign,
        ExtendedConnect::new(WEBSOCKET),
    )
    .expect("valid")
    .decide()
    .expect_err("a foreign origin");
    let errors = [
        Error::MissingConnectProtocol,
        error(&get),
        Error::MissingVersion,
        foreign,
        Error::HeadTooLarge { limit: 1 },
        Error::UnexpectedBody,
    ];
    for error in errors {
        let response = error.to_response_for(Version::HTTP_2);
        assert_no_connection_headers(response.headers(), &format!("{error:?}"));
        assert_eq!(
            Some(response.status().as_u16()),
            error.status().map(|s| if s == 426 { 400 } else { s })
        );
        assert!(!response.body().is_empty());
    }
    // The application's rejection, with a header HTTP/2 forbids among its own.
    let request = chromium(&[]);
    let config = ServerConfig::new();
    let incoming =
        Incoming::from_http2(&config, &request, ExtendedConnect::new(WEBSOCKET)).expect("valid");
    let reject = Answer::reject(401)
        .header("WWW-Authenticate", "Bearer")
        .header("Upgrade", "h2c")
        .body("log in\n");
    let (response, answered) = incoming.answer_response(&reject);
    assert_eq!(answered, Answered::Rejected { status: 401 });
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_no_connection_headers(response.headers(), "rejection");
    // The 500 of an answer that cannot be sent.
    let incoming =
        Incoming::from_http2(&config, &request, ExtendedConnect::new(WEBSOCKET)).expect("valid");
    let (response, answered) = incoming.answer_response(&Answer::accept().protocol("not-offered"));
    assert!(matches!(answered, Answered::Failed(_)));
    assert_eq!(response.status(), 500);
    assert_no_connection_headers(response.headers(), "500");
}

fn assert_no_connection_headers(headers: &HeaderMap, what: &str) {
    for name in [
        "connection",
        "upgrade",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
    ] {
        assert!(headers.get(name).is_none(), "{what}: {name}");
    }
}

#[test]
fn e37_origin_policy_compares_with_authority_and_scheme() {
    let config = ServerConfig::new();
    let same = chromium(&[]);
    assert_eq!(validate_and_decide(&config, &same), Ok(()));
    for origin in [
        "https://evil.test",
        "https://localhost:8444",
        // Same host and port, another scheme: another origin.
        "http://localhost:8443",
        "null",
    ] {
        let mut request = same.clone();
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("value"));
        assert_eq!(
            debug(&validate_and_decide(&config, &request)),
            named("OriginForbidden", "origin", origin),
            "{origin}"
        );
    }
    let (response, _) = {
        let mut request = same.clone();
        request
            .headers_mut()
            .insert("origin", "https://evil.test".parse().expect("value"));
        let connect = ExtendedConnect::new(WEBSOCKET).tls(true);
        Incoming::from_http2(&config, &request, connect)
            .expect("valid")
            .answer_response(&Answer::policy())
    };
    assert_eq!(response.status(), 403);
}

fn validate_and_decide(config: &ServerConfig, request: &Request<()>) -> Result<(), Error> {
    let connect = ExtendedConnect::new(WEBSOCKET).tls(true);
    Incoming::from_http2(config, request, connect)?
        .decide()
        .map(|_| ())
}

#[test]
fn e32_subprotocols_and_permessage_deflate_are_negotiated_as_on_http1() {
    let config = ServerConfig::new()
        .protocols(["chat", "superchat"])
        .deflate(DeflateConfig::default());
    let request = chromium(&[("sec-websocket-protocol", "superchat, chat")]);
    let (response, answered) = answered(&config, &request);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
    assert_eq!(
        response.headers()["sec-websocket-extensions"],
        "permessage-deflate"
    );
    assert!(matches!(answered, Answered::Accepted { .. }));
}

/// The same header lines on both paths: an HTTP/1.1 GET with the upgrade headers and an
/// HTTP/2 extended CONNECT. The header rules they share must give the same error, or
/// both accept with the same negotiated headers.
#[test]
fn e32_header_rules_shared_with_http1_give_the_same_answers() {
    let config = ServerConfig::new()
        .protocols(["chat"])
        .deflate(DeflateConfig::default());
    let cases: &[&[(&str, &str)]] = &[
        &[],
        &[("sec-websocket-protocol", "chat")],
        &[("sec-websocket-protocol", "a b")],
        &[
            ("sec-websocket-protocol", "x"),
            ("sec-websocket-protocol", "chat"),
        ],
        &[("sec-websocket-extensions", "permessage-deflate;")],
        &[(
            "sec-websocket-extensions",
            "permessage-deflate; server_max_window_bits",
        )],
        &[(
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits=16",
        )],
        &[("sec-websocket-extensions", "x-unknown, permessage-deflate")],
        &[("sec-websocket-version", "13")],
        &[("sec-websocket-version", "013")],
        &[("content-length", "0")],
        &[("content-length", "5")],
        &[("content-length", "x")],
        &[("origin", "https://evil.test")],
        &[("origin", "https://a"), ("origin", "https://a")],
        &[("x-anything", "ok")],
    ];
    for extra in cases {
        let h1 = {
            let mut builder = Request::get("/chat")
                .header("host", "localhost:8443")
                .header("upgrade", "websocket")
                .header("connection", "Upgrade")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
            if !extra
                .iter()
                .any(|(name, _)| *name == "sec-websocket-version")
            {
                builder = builder.header("sec-websocket-version", "13");
            }
            for (name, value) in *extra {
                builder = builder.header(*name, *value);
            }
            builder.body(()).expect("request")
        };
        let h2 = {
            let mut request = without(
                Request::connect("https://localhost:8443/chat")
                    .version(Version::HTTP_2)
                    .body(())
                    .expect("request"),
                &[],
            );
            *request.headers_mut() = h1.headers().clone();
            for name in ["host", "upgrade", "connection", "sec-websocket-key"] {
                request.headers_mut().remove(name);
            }
            request
        };
        let one = Incoming::from_http(&config, &h1).and_then(|incoming| {
            incoming.decide()?;
            Ok(incoming.answer_response(&Answer::policy()).0)
        });
        let two = Incoming::from_http2(&config, &h2, ExtendedConnect::new(WEBSOCKET).tls(true))
            .and_then(|incoming| {
                incoming.decide()?;
                Ok(incoming.answer_response(&Answer::policy()).0)
            });
        match (one, two) {
            (Err(one), Err(two)) => assert_eq!(one, two, "{extra:?}"),
            (Ok(one), Ok(two)) => {
                assert_eq!(
                    (one.status().as_u16(), two.status().as_u16()),
                    (101, 200),
                    "{extra:?}"
                );
                for name in ["sec-websocket-protocol", "sec-websocket-extensions"] {
                    assert_eq!(
                        one.headers().get(name),
                        two.headers().get(name),
                        "{extra:?} {name}"
                    );
                }
            }
            (one, two) => panic!("{extra:?}: HTTP/1.1 {one:?}, HTTP/2 {two:?}"),
        }
    }
}

#[test]
fn s21_e33_host_allow_list_applies_to_the_authority() {
    let config = ServerConfig::new()
        .allowed_hosts(["localhost:8443"])
        .origin_policy(wshake_proto::server::OriginPolicy::any());
    let connect = ExtendedConnect::new(WEBSOCKET).tls(true);
    assert_eq!(validate(&config, &chromium(&[]), connect), Ok(()));
    let mut other = chromium(&[]);
    *other.uri_mut() = "https://evil.example:8443/chat".parse().expect("uri");
    let error = validate(&config, &other, connect).expect_err("not served");
    assert!(matches!(error, Error::HostNotAllowed { .. }), "{error:?}");
    assert_eq!(error.to_response_for(Version::HTTP_2).status(), 421);
}

#[test]
fn e31_an_http1_request_is_not_an_extended_connect() {
    let mut request = chromium(&[]);
    *request.version_mut() = Version::HTTP_11;
    assert_eq!(error(&request), Error::UnsupportedHttpVersion);
    // And an HTTP/2 request is not for the HTTP/1.1 path.
    let request = chromium(&[]);
    assert_eq!(
        Incoming::from_http(&ServerConfig::new(), &request).map(|_| ()),
        Err(Error::UnsupportedHttpVersion)
    );
}

#[test]
fn h23_limits_apply_to_an_extended_connect() {
    let config = ServerConfig::new().limits(wshake_proto::Limits::new().max_head_bytes(256));
    let big = chromium(&[("x-pad", &"p".repeat(300))]);
    assert_eq!(
        validate(&config, &big, ExtendedConnect::new(WEBSOCKET)),
        Err(Error::HeadTooLarge { limit: 256 })
    );
}

/// H23 over HTTP/2: more lines than the limit (300, past the ceiling's 256) are refused
/// by the limits, kept copy or not, whatever the lines are (a subprotocol or extension
/// line past the 256th once reached the rules and panicked).
#[test]
fn h23_more_lines_than_any_limit_are_refused_not_a_panic() {
    let ceiling = ServerConfig::new().limits(
        wshake_proto::Limits::new()
            .max_headers(256)
            .expect("the ceiling"),
    );
    for (name, value) in [
        ("sec-websocket-protocol", "chat"),
        ("sec-websocket-extensions", "permessage-deflate"),
        ("a", "b"),
    ] {
        let mut request = chromium(&[]);
        for _ in 0..300 {
            request.headers_mut().append(
                http::HeaderName::from_static(name),
                http::HeaderValue::from_static(value),
            );
        }
        for (config, limit) in [(ServerConfig::new(), 64), (ceiling.clone(), 256)] {
            assert_eq!(
                validate(&config, &request, ExtendedConnect::new(WEBSOCKET).tls(true)),
                Err(Error::TooManyHeaders { limit })
            );
        }
    }
}

/// An error with one excerpt field, as `Debug` writes it (`Excerpt`s are made by wshake
/// only): compared with [`debug`] of what came back.
fn named(variant: &str, field: &str, value: &str) -> String {
    format!("{variant} {{ {field}: {value:?} }}")
}

/// An error, or a result's error, as `Debug` writes it.
fn debug<T: std::fmt::Debug>(value: &T) -> String {
    let text = format!("{value:?}");
    text.strip_prefix("Err(")
        .and_then(|inner| inner.strip_suffix(')'))
        .map_or(text.clone(), str::to_owned)
}

// --- Client: the extended CONNECT and its 200 (E31, E32, E36) ------------------------------

mod client {
    use http::{Response, Version};
    use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
    use wshake_proto::{Error, Key};

    fn machine(config: ClientConfig) -> ClientHandshake {
        let target = Target::new("example.com:8443", "/chat?room=1").expect("target");
        ClientHandshake::new(config, target, Key::from_nonce(*b"the sample nonce"))
    }

    fn response(status: u16, headers: &[(&str, &str)]) -> http::response::Parts {
        let mut builder = Response::builder().status(status).version(Version::HTTP_2);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("response").into_parts().0
    }

    #[test]
    fn e31_e32_the_request_is_an_extended_connect_without_key_or_upgrade() {
        let config = ClientConfig::new()
            .protocol("chat")
            .and_then(|config| config.protocol("superchat"))
            .expect("protocols")
            .origin("https://example.com")
            .expect("origin");
        let client = machine(config);
        for (tls, uri) in [
            (true, "https://example.com:8443/chat?room=1"),
            (false, "http://example.com:8443/chat?room=1"),
        ] {
            let request = client.http2_request(tls).expect("request");
            assert_eq!(request.method(), "CONNECT");
            assert_eq!(request.version(), Version::HTTP_2);
            assert_eq!(request.uri(), uri);
            let headers = request.headers();
            assert_eq!(headers["sec-websocket-version"], "13");
            assert_eq!(headers["sec-websocket-protocol"], "chat, superchat");
            assert_eq!(headers["origin"], "https://example.com");
            for absent in ["host", "upgrade", "connection", "sec-websocket-key"] {
                assert!(headers.get(absent).is_none(), "{absent}");
            }
        }
    }

    #[test]
    fn e36_a_200_with_a_subprotocol_offered_is_the_outcome() {
        let config = ClientConfig::new().protocol("chat").expect("protocol");
        let mut client = machine(config);
        let parts = response(200, &[("sec-websocket-protocol", "chat")]);
        let outcome = client.verify_response(&parts).expect("verified");
        assert_eq!(outcome.protocol(), Some("chat"));
        assert!(outcome.response().is_http2());
        let owned = outcome.into_owned();
        assert_eq!(owned.view().response().status(), 200);
        assert_eq!(owned.view().protocol(), Some("chat"));
    }

    #[test]
    fn e36_what_the_client_refuses_in_an_http2_answer() {
        let chat = || ClientConfig::new().protocol("chat").expect("protocol");
        let cases: Vec<(ClientConfig, http::response::Parts, &str)> = vec![
            (
                ClientConfig::new(),
                response(101, &[]),
                "NotSwitchingProtocols",
            ),
            (
                ClientConfig::new(),
                response(400, &[("sec-websocket-version", "13")]),
                "NotSwitchingProtocols",
            ),
            (
                ClientConfig::new(),
                response(200, &[("upgrade", "websocket")]),
                "ConnectionSpecificHeader",
            ),
            (
                ClientConfig::new(),
                response(200, &[("connection", "Upgrade")]),
                "ConnectionSpecificHeader",
            ),
            (
                ClientConfig::new(),
                response(200, &[("content-length", "5")]),
                "UnexpectedBody",
            ),
            (
                ClientConfig::new(),
                response(200, &[("sec-websocket-protocol", "chat")]),
                "ProtocolNotOffered",
            ),
            (chat(), response(200, &[]), "ProtocolNotChosen"),
            (
                chat(),
                response(
                    200,
                    &[
                        ("sec-websocket-protocol", "chat"),
                        ("sec-websocket-protocol", "chat"),
                    ],
                ),
                "DuplicateProtocol",
            ),
            (
                ClientConfig::new(),
                response(200, &[("sec-websocket-extensions", "permessage-deflate")]),
                "ExtensionNotOffered",
            ),
        ];
        for (config, parts, expected) in cases {
            let mut client = machine(config);
            let error = client
                .verify_response(&parts)
                .map(|_| ())
                .expect_err(expected);
            assert!(
                format!("{error:?}").starts_with(expected),
                "{expected}: {error:?}"
            );
            if expected == "NotSwitchingProtocols" {
                assert!(matches!(error, Error::NotSwitchingProtocols { .. }));
            }
        }
        // An accept sent anyway is not read (RFC 8441 §5).
        let mut client = machine(ClientConfig::new());
        let parts = response(200, &[("sec-websocket-accept", "anything")]);
        assert!(client.verify_response(&parts).is_ok());
    }
}

/// S13 over HTTP/2: the copy kept in one pass (`OwnedRequest::from_http2_parts`) keeps
/// the forwarding lines only under a config that trusts a proxy, and answers as the
/// request itself does under either.
#[test]
fn s13_a_one_pass_copy_keeps_forwarding_lines_only_if_a_proxy_is_trusted() {
    let proxy = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    let request = chromium(&[
        ("x-forwarded-host", "app.test"),
        ("forwarded", "proto=https"),
    ]);
    let (parts, ()) = request.clone().into_parts();
    let connect = ExtendedConnect::new(WEBSOCKET).tls(true);
    for (config, kept_lines) in [
        (ServerConfig::new(), 0),
        (ServerConfig::new().trust_proxies([proxy]), 2),
    ] {
        let kept = OwnedRequest::from_http2_parts(&config, &parts, connect).expect("valid");
        let headers = kept.view().headers();
        let forwarding = ["x-forwarded-host", "forwarded"]
            .iter()
            .filter(|name| headers.get(name).is_some())
            .count();
        assert_eq!(forwarding, kept_lines);
        let incoming = Incoming::from_http2(&config, &request, connect)
            .expect("valid")
            .peer(proxy);
        let again = Incoming::validated(&config, kept.view()).peer(proxy);
        assert_eq!(again.check_origin(), incoming.check_origin());
        assert_eq!(again.decide(), incoming.decide());
    }
}
