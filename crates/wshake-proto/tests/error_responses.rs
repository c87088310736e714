//! Every error renders a complete, well-formed HTTP/1.1 response (httparse parses it), with
//! the status the checklist names and the headers that go with it. The peer's errors
//! (`Error`) say what was wrong; the application's (`LocalError`) are a plain 500.

mod common;

use common::{header, parse_response};
use wshake_proto::extensions::DeflateError;
use wshake_proto::{Error, KeyError, LocalError};

fn every_variant() -> Vec<Error> {
    let method = match common::error_for(b"DELETE / HTTP/1.1\r\n\r\n") {
        e @ Error::MethodNotAllowed { .. } => e,
        other => panic!("{other:?}"),
    };
    let version = common::error_for(&common::with(&[("Sec-WebSocket-Version", Some("8"))]));
    vec![
        Error::HeadTooLarge { limit: 1 },
        Error::TooManyHeaders { limit: 1 },
        Error::TargetTooLong { limit: 1 },
        Error::RequestTimeout,
        Error::InvalidRequestLine,
        Error::InvalidStatusLine,
        Error::UnsupportedHttpVersion,
        Error::InvalidLineEnding { line: 2 },
        Error::ObsFold { line: 2 },
        Error::WhitespaceBeforeColon { line: 2 },
        Error::InvalidHeaderName { line: 2 },
        Error::InvalidHeaderValue { line: 2 },
        method,
        Error::Http10,
        Error::InvalidTarget,
        Error::MissingHost,
        Error::DuplicateHost,
        Error::InvalidHost,
        Error::MissingUpgrade,
        Error::UpgradeNotWebSocket,
        Error::MissingConnection,
        Error::ConnectionNotUpgrade,
        Error::MissingKey,
        Error::DuplicateKey,
        Error::InvalidKey(KeyError::DecodedLength { found: 12 }),
        Error::MissingVersion,
        version,
        Error::InvalidVersion,
        Error::DuplicateVersion,
        Error::UnexpectedBody,
        Error::InvalidContentLength,
        Error::InvalidProtocol,
        Error::InvalidExtensions,
        Error::DuplicateOrigin,
        forbidden_origin(),
        Error::NoCommonProtocol,
        Error::NotSwitchingProtocols {
            status: 302,
            reason: "Found".into(),
            location: Some("/x".into()),
        },
        Error::MissingAccept,
        Error::DuplicateAccept,
        Error::AcceptMismatch,
        Error::ProtocolNotChosen,
        Error::DuplicateProtocol,
        Error::ExtensionNotOffered,
        Error::ConflictingExtensions,
        Error::InvalidDeflate(DeflateError::UnknownParameter),
        Error::ProtocolNotOffered,
    ]
}

fn every_local_variant() -> Vec<LocalError> {
    vec![
        LocalError::InvalidHeaderName,
        LocalError::InvalidHeaderValue,
        LocalError::ReservedHeader,
        LocalError::TooManyHeaders { capacity: 16 },
        LocalError::InvalidRejectStatus { status: 200 },
        LocalError::ProtocolNotOffered,
        LocalError::ExtensionNotOffered,
        LocalError::ConflictingExtensions,
        LocalError::InvalidExtensions,
        LocalError::InvalidDeflate(DeflateError::UnknownParameter),
        LocalError::InvalidProtocol,
        LocalError::DuplicateProtocolOffer,
        LocalError::InvalidOrigin,
        LocalError::InvalidHost,
        LocalError::InvalidResource,
        LocalError::UrlFragment,
        LocalError::InvalidUrl,
        LocalError::UnsupportedScheme,
        LocalError::UrlCredentials,
        LocalError::HeaderLimitTooLarge { ceiling: 256 },
    ]
}

fn forbidden_origin() -> Error {
    let input = common::plus(&[("Origin", "https://evil.test")]);
    let (mut server, _) = common::poll_whole(wshake_proto::server::ServerConfig::new(), &input);
    let error = common::ready(&mut server).decide().unwrap_err();
    assert!(matches!(error, Error::OriginForbidden { .. }));
    error
}

#[test]
fn s20_every_variant_renders_a_parseable_response() {
    for error in every_variant() {
        let mut out = Vec::new();
        error.write_response(&mut out);
        let (status, headers, body) = parse_response(&out);
        // Errors only a client meets have no status of their own: a server sending one
        // anyway sends a 400.
        assert_eq!(status, error.status().unwrap_or(400), "{error:?}");
        assert_eq!(
            header(&headers, "content-type"),
            Some(&b"text/plain; charset=utf-8"[..])
        );
        let length: usize = std::str::from_utf8(header(&headers, "content-length").unwrap())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len(), "{error:?}");
        let text = String::from_utf8(body).unwrap();
        assert_eq!(text.lines().count(), 1, "{error:?}: {text:?}");
        assert_eq!(text, format!("{error}\n"));
        let connection = header(&headers, "connection").unwrap();
        assert!(connection.ends_with(b"close"), "{error:?}");
        match status {
            405 => assert_eq!(header(&headers, "allow"), Some(&b"GET"[..])),
            426 => assert_eq!(header(&headers, "sec-websocket-version"), Some(&b"13"[..])),
            _ => {}
        }
    }
}

#[test]
fn statuses_match_the_checklist() {
    let expected = [
        (Error::HeadTooLarge { limit: 1 }, Some(431)),
        (Error::TooManyHeaders { limit: 1 }, Some(431)),
        (Error::TargetTooLong { limit: 1 }, Some(414)),
        (Error::Http10, Some(400)),
        (Error::MissingVersion, Some(426)),
        (Error::InvalidVersion, Some(400)),
        (Error::MissingHost, Some(400)),
        (Error::InvalidExtensions, Some(400)),
        (Error::RequestTimeout, Some(408)),
        (Error::NoCommonProtocol, Some(400)),
        (Error::UnexpectedBody, Some(400)),
        (Error::InvalidContentLength, Some(400)),
        (Error::AcceptMismatch, None),
        // The peer's faults on the client side: nobody to answer, no status.
        (Error::ProtocolNotOffered, None),
        (Error::ExtensionNotOffered, None),
        (Error::ConflictingExtensions, None),
    ];
    for (error, status) in expected {
        assert_eq!(error.status(), status, "{error:?}");
    }
}

#[test]
fn messages_name_the_problem_in_the_peers_terms() {
    let method = common::error_for(b"POST /x HTTP/1.1\r\n\r\n");
    assert_eq!(
        method.to_string(),
        "method POST not allowed, a WebSocket handshake is a GET"
    );
    assert_eq!(Error::MissingKey.to_string(), "missing Sec-WebSocket-Key");
    let long = common::error_for(format!("{} / HTTP/1.1\r\n\r\n", "X".repeat(40)).as_bytes());
    assert_eq!(
        long.to_string(),
        format!(
            "method {}… not allowed, a WebSocket handshake is a GET",
            "X".repeat(24)
        )
    );
}

#[test]
fn s20_local_errors_render_a_plain_500() {
    for error in every_local_variant() {
        let mut out = Vec::new();
        error.write_response(&mut out);
        let (status, headers, body) = parse_response(&out);
        assert_eq!(status, 500, "{error:?}");
        assert_eq!(
            header(&headers, "content-type"),
            Some(&b"text/plain; charset=utf-8"[..])
        );
        assert_eq!(header(&headers, "connection"), Some(&b"close"[..]));
        let length: usize = std::str::from_utf8(header(&headers, "content-length").unwrap())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len(), "{error:?}");
        // The application's details stay with it: the peer reads only that it failed.
        assert_eq!(body, b"internal server error\n", "{error:?}");
        assert!(!error.to_string().is_empty());
    }
}
