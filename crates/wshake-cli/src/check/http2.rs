//! `wshake check --http2`: the RFC 8441 cases against any server. Each case opens its own
//! HTTP/2 connection (TLS with ALPN `h2` for `wss://`, prior knowledge for `ws://`), reads
//! the server's SETTINGS (a PING answered means they were applied), sends one extended
//! CONNECT shaped by the case, and judges the answer. A server whose SETTINGS do not
//! enable extended CONNECT fails E30, and the other cases are not judged.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wshake_client::wshake_proto::client::Target;

use super::{Outcome, Report, Verdict};

/// How many cases run at once.
const PARALLEL: usize = 8;

/// What a case's request is, relative to a valid extended CONNECT.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// `:protocol`; `None` sends a plain CONNECT (authority-form, no `:scheme`/`:path`).
    protocol: Option<&'static str>,
    /// Leave out `sec-websocket-version`.
    no_version: bool,
    /// `:scheme: http` whatever the connection.
    scheme_http: bool,
    /// Headers added.
    headers: &'static [(&'static str, &'static str)],
}

const VALID: Shape = Shape {
    protocol: Some("websocket"),
    no_version: false,
    scheme_http: false,
    headers: &[],
};

/// What the server must answer.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// 200, no subprotocol (none known to it is offered), no accept, no body.
    Accept,
    /// Not 200: `status`, or a reset stream (RFC 9113 §8.1.1 allows either for a
    /// malformed request); another status is a SHOULD failure, a 200 a MUST failure when
    /// `must`, else a SHOULD. With `version_header`, the refusal must be a response with
    /// `sec-websocket-version: 13`.
    Refuse {
        status: u16,
        must: bool,
        version_header: bool,
    },
}

struct Case {
    name: &'static str,
    id: &'static str,
    shape: Shape,
    expect: Expect,
    /// Only over TLS (the case is about the connection being TLS).
    tls_only: bool,
}

const fn refuse(status: u16, must: bool) -> Expect {
    Expect::Refuse {
        status,
        must,
        version_header: false,
    }
}

/// The cases, in the order of docs/conformance.md.
const CASES: &[Case] = &[
    Case {
        name: "valid extended CONNECT",
        id: "E31",
        shape: VALID,
        expect: Expect::Accept,
        tls_only: false,
    },
    Case {
        name: ":protocol other than websocket",
        id: "E31",
        shape: Shape {
            protocol: Some("chat"),
            ..VALID
        },
        expect: refuse(400, true),
        tls_only: false,
    },
    Case {
        name: "CONNECT without :protocol",
        id: "E31",
        shape: Shape {
            protocol: None,
            ..VALID
        },
        expect: refuse(400, true),
        tls_only: false,
    },
    Case {
        name: "missing sec-websocket-version",
        id: "E35",
        shape: Shape {
            no_version: true,
            ..VALID
        },
        expect: Expect::Refuse {
            status: 400,
            must: true,
            version_header: true,
        },
        tls_only: false,
    },
    Case {
        name: "sec-websocket-version: 8",
        id: "E35",
        shape: Shape {
            no_version: true,
            headers: &[("sec-websocket-version", "8")],
            ..VALID
        },
        expect: Expect::Refuse {
            status: 400,
            must: true,
            version_header: true,
        },
        tls_only: false,
    },
    Case {
        name: "host differs from :authority",
        id: "E33",
        shape: Shape {
            headers: &[("host", "wshake-check.invalid")],
            ..VALID
        },
        expect: refuse(400, false),
        tls_only: false,
    },
    Case {
        name: ":scheme http on a TLS connection",
        id: "E34",
        shape: Shape {
            scheme_http: true,
            ..VALID
        },
        expect: refuse(400, false),
        tls_only: true,
    },
    Case {
        name: "cross-site Origin",
        id: "E37",
        shape: Shape {
            headers: &[("origin", "https://wshake-check.invalid")],
            ..VALID
        },
        expect: refuse(403, false),
        tls_only: false,
    },
    Case {
        name: "unknown subprotocol offered",
        id: "E32",
        shape: Shape {
            headers: &[("sec-websocket-protocol", "wshake-check-unknown")],
            ..VALID
        },
        expect: Expect::Accept,
        tls_only: false,
    },
    Case {
        name: "malformed subprotocol list",
        id: "E32",
        shape: Shape {
            headers: &[("sec-websocket-protocol", "a b")],
            ..VALID
        },
        expect: refuse(400, true),
        tls_only: false,
    },
    Case {
        name: "malformed extension list",
        id: "E32",
        shape: Shape {
            headers: &[("sec-websocket-extensions", "permessage-deflate;")],
            ..VALID
        },
        expect: refuse(400, true),
        tls_only: false,
    },
    Case {
        name: "body announced by content-length",
        id: "E32",
        shape: Shape {
            headers: &[("content-length", "5")],
            ..VALID
        },
        expect: refuse(400, true),
        tls_only: false,
    },
];

/// Every case, E30 first: name, ID, level, what is expected.
pub(super) fn list() -> Vec<(&'static str, &'static str, &'static str, String)> {
    let mut cases = vec![(
        "SETTINGS_ENABLE_CONNECT_PROTOCOL",
        "E30",
        "MUST",
        "enabled".to_string(),
    )];
    cases.extend(CASES.iter().map(|case| {
        (
            case.name,
            case.id,
            level(case.expect),
            expected_text(case.expect),
        )
    }));
    cases
}

/// Where the cases go: host, port, path, and TLS (a client config and the name) or not.
struct Server {
    host: String,
    port: u16,
    authority: String,
    path: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// How long one case may take.
    timeout: Duration,
}

/// Runs every case against `url` (`ws://` with prior knowledge, `wss://` with ALPN).
pub(crate) async fn check(
    url: &str,
    tls: Option<Arc<rustls::ClientConfig>>,
    case_timeout: Duration,
) -> Result<Report, String> {
    let target = Target::from_url(url).map_err(|e| format!("{url}: {e}"))?;
    let tls = if target.is_secure() {
        let mut config = match tls {
            Some(config) => (*config).clone(),
            None => (*crate::tls::default_client_config()?).clone(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        Some(Arc::new(config))
    } else {
        None
    };
    let server = Arc::new(Server {
        host: target.host().to_string(),
        port: target.port(),
        authority: target.host_header().to_string(),
        path: target.resource().to_string(),
        tls,
        timeout: case_timeout,
    });
    // E30 first: without the setting, nothing else can be judged.
    let enabled = tokio::time::timeout(server.timeout, settings(&server)).await;
    let setting = match &enabled {
        Ok(Ok(true)) => ("enabled".to_string(), Verdict::Pass),
        Ok(Ok(false)) => ("not enabled".to_string(), Verdict::MustFail),
        Ok(Err(error)) => (error.clone(), Verdict::MustFail),
        Err(_) => ("no SETTINGS in time".to_string(), Verdict::MustFail),
    };
    let mut outcomes = vec![Outcome {
        name: "SETTINGS_ENABLE_CONNECT_PROTOCOL",
        id: "E30",
        level: "MUST",
        expected: "enabled".into(),
        got: setting.0,
        verdict: setting.1,
    }];
    let secure = server.tls.is_some();
    let cases = CASES.iter().filter(|case| secure || !case.tls_only);
    if setting.1 != Verdict::Pass {
        outcomes.extend(cases.map(|case| Outcome {
            name: case.name,
            id: case.id,
            level: level(case.expect),
            expected: expected_text(case.expect),
            got: "no extended CONNECT".into(),
            verdict: Verdict::NotJudged,
        }));
        return Ok(Report { outcomes });
    }
    let judged: Vec<Outcome> = futures_util::stream::iter(cases)
        .map(|case| {
            let server = Arc::clone(&server);
            async move { run_case(&server, case).await }
        })
        .buffered(PARALLEL)
        .collect()
        .await;
    outcomes.extend(judged);
    Ok(Report { outcomes })
}

/// An HTTP/2 connection to the server, its SETTINGS known: the sender and whether they
/// enable extended CONNECT.
async fn connect(server: &Server) -> Result<(h2::client::SendRequest<Bytes>, bool), String> {
    let tcp = TcpStream::connect((server.host.as_str(), server.port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = tcp.set_nodelay(true);
    match &server.tls {
        None => handshake(tcp).await,
        Some(config) => {
            let name = rustls::pki_types::ServerName::try_from(server.host.clone())
                .map_err(|e| format!("server name: {e}"))?;
            let tls = tokio_rustls::TlsConnector::from(Arc::clone(config))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS: {e}"))?;
            if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
                return Err("TLS: the server did not choose h2 in ALPN".into());
            }
            handshake(tls).await
        }
    }
}

async fn handshake<IO>(io: IO) -> Result<(h2::client::SendRequest<Bytes>, bool), String>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (send, mut connection) = h2::client::handshake(io)
        .await
        .map_err(|e| format!("HTTP/2: {e}"))?;
    let mut ping = connection
        .ping_pong()
        .expect("a new connection's ping_pong is not taken yet");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    // The server's SETTINGS precede its answer to a PING (RFC 9113 §3.4).
    ping.ping(h2::Ping::opaque())
        .await
        .map_err(|e| format!("HTTP/2: {e}"))?;
    let enabled = send.is_extended_connect_protocol_enabled();
    Ok((send, enabled))
}

async fn settings(server: &Server) -> Result<bool, String> {
    connect(server).await.map(|(_, enabled)| enabled)
}

/// What came back for a request: a response head, or why none did.
enum Answer {
    Response(http::response::Parts),
    Reset(String),
}

async fn run_case(server: &Server, case: &Case) -> Outcome {
    let answer = tokio::time::timeout(server.timeout, exchange(server, case)).await;
    let (got, verdict) = match answer {
        Ok(Ok(answer)) => judge(case, &answer),
        Ok(Err(error)) => (error, Verdict::MustFail),
        Err(_) => (
            format!("no answer within {}s", server.timeout.as_secs()),
            Verdict::MustFail,
        ),
    };
    Outcome {
        name: case.name,
        id: case.id,
        level: level(case.expect),
        expected: expected_text(case.expect),
        got,
        verdict,
    }
}

/// The requirement a case checks (a 200 where a refusal is a SHOULD is a SHOULD).
fn level(expect: Expect) -> &'static str {
    match expect {
        Expect::Accept
        | Expect::Refuse { must: true, .. }
        | Expect::Refuse {
            version_header: true,
            ..
        } => "MUST",
        Expect::Refuse { .. } => "SHOULD",
    }
}

async fn exchange(server: &Server, case: &Case) -> Result<Answer, String> {
    let (send, _) = connect(server).await?;
    let mut send = send.ready().await.map_err(|e| format!("HTTP/2: {e}"))?;
    let shape = case.shape;
    let secure = server.tls.is_some() && !shape.scheme_http;
    let uri = match shape.protocol {
        Some(_) => format!(
            "{}://{}{}",
            if secure { "https" } else { "http" },
            server.authority,
            server.path
        ),
        // A plain CONNECT: authority-form.
        None => server.authority.clone(),
    };
    let mut request = http::Request::builder()
        .method(http::Method::CONNECT)
        .version(http::Version::HTTP_2)
        .uri(uri);
    if !shape.no_version {
        request = request.header("sec-websocket-version", "13");
    }
    for (name, value) in shape.headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(()).map_err(|e| format!("request: {e}"))?;
    if let Some(protocol) = shape.protocol {
        request
            .extensions_mut()
            .insert(h2::ext::Protocol::from(protocol));
    }
    let (response, _stream) = send
        .send_request(request, false)
        .map_err(|error| format!("request not sent: {error}"))?;
    match response.await {
        Ok(response) => Ok(Answer::Response(response.into_parts().0)),
        // A reset stream (or a malformed answer h2 refused) is an answer too.
        Err(error) => Ok(Answer::Reset(match error.reason() {
            Some(reason) => format!("stream reset ({reason:?})"),
            None => format!("{error}"),
        })),
    }
}

fn expected_text(expect: Expect) -> String {
    match expect {
        Expect::Accept => "200, no protocol".into(),
        Expect::Refuse {
            status,
            version_header: true,
            ..
        } => format!("{status} + version: 13"),
        Expect::Refuse { status, .. } => format!("{status}"),
    }
}

fn judge(case: &Case, answer: &Answer) -> (String, Verdict) {
    match (case.expect, answer) {
        (Expect::Accept, Answer::Reset(reason)) => (reason.clone(), Verdict::MustFail),
        (Expect::Accept, Answer::Response(head)) => judge_accept(head),
        (Expect::Refuse { must, .. }, Answer::Response(head)) if head.status == 200 => (
            "200 (accepted)".into(),
            if must {
                Verdict::MustFail
            } else {
                Verdict::ShouldFail
            },
        ),
        (Expect::Refuse { version_header, .. }, Answer::Reset(reason)) => {
            // A malformed request may be refused by resetting its stream (RFC 9113
            // §8.1.1), but then no version header says which version to use.
            let verdict = if version_header {
                Verdict::MustFail
            } else {
                Verdict::Pass
            };
            (reason.clone(), verdict)
        }
        (
            Expect::Refuse {
                status,
                version_header,
                ..
            },
            Answer::Response(head),
        ) => {
            let got = head.status.as_u16();
            let versioned = head
                .headers
                .get_all("sec-websocket-version")
                .iter()
                .any(|v| v.as_bytes() == b"13");
            if version_header && !versioned {
                (format!("{got} without version: 13"), Verdict::MustFail)
            } else if got == status {
                (format!("{got}"), Verdict::Pass)
            } else {
                (format!("{got}"), Verdict::ShouldFail)
            }
        }
    }
}

fn judge_accept(head: &http::response::Parts) -> (String, Verdict) {
    let status = head.status.as_u16();
    if status != 200 {
        return (format!("{status}"), Verdict::MustFail);
    }
    if head.headers.contains_key("sec-websocket-protocol") {
        return ("200 with a protocol not offered".into(), Verdict::MustFail);
    }
    if head.headers.contains_key("sec-websocket-extensions") {
        return (
            "200 with an extension not offered".into(),
            Verdict::MustFail,
        );
    }
    if head
        .headers
        .get("content-length")
        .is_some_and(|length| length.as_bytes() != b"0")
    {
        return ("200 announcing a body".into(), Verdict::MustFail);
    }
    if head.headers.contains_key("sec-websocket-accept") {
        // RFC 8441 §5: not used over HTTP/2; harmless, but a sign of an HTTP/1.1 path.
        return ("200 with sec-websocket-accept".into(), Verdict::ShouldFail);
    }
    ("200".into(), Verdict::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_names_an_e_or_s_checklist_id() {
        for case in CASES {
            assert!(
                ["E31", "E32", "E33", "E34", "E35", "E37"].contains(&case.id),
                "{} has {}",
                case.name,
                case.id
            );
        }
    }

    #[test]
    fn e35_a_refusal_without_the_version_header_is_a_must_failure() {
        let case = &CASES[3];
        let head = http::Response::builder()
            .status(400)
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(
            judge(case, &Answer::Response(head)),
            ("400 without version: 13".to_string(), Verdict::MustFail)
        );
    }
}
