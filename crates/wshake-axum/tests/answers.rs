//! What an axum server (`axum::serve` on 127.0.0.1:0) with the `Handshake` extractor
//! answers: the extractor's refusals are wshake's own responses (status, headers and
//! one-line body of `wshake_proto::Error::to_response()` for the same request), and the
//! handler's decision, taken after an await, is answered as wshake-proto composes it.

mod common;

use std::time::Duration;

use axum::Router;
use axum::response::Response;
use axum::routing::{any, get};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use wshake_axum::wshake_proto::server::{Answer, Answered, Incoming, ServerConfig};
use wshake_axum::wshake_proto::{Error, LocalError};
use wshake_axum::{Handshake, HandshakeConfig};

use common::{
    LIMIT, assert_same_refusal, assert_same_response, handshake_request, send, serve,
    tungstenite_client, wshake_error,
};

/// A server routing every method of `/chat` to a handler that upgrades with the default
/// config; each time the handler runs, the channel hears of it.
async fn any_method_server() -> (String, mpsc::UnboundedReceiver<()>) {
    let (ran, receiver) = mpsc::unbounded_channel();
    let handler = move |handshake: Handshake| {
        let _ = ran.send(());
        async move { handshake.on_upgrade(|_stream, _accepted| async {}) }
    };
    let app: Router = Router::new().route("/chat", any(handler));
    (serve(app).await, receiver)
}

/// Sends `request` and checks that the answer is wshake's response to `expected`,
/// the error wshake-proto finds in the same request; the handler never ran.
async fn assert_refused_as(
    address: &str,
    handler_ran: &mut mpsc::UnboundedReceiver<()>,
    request: http::Request<http_body_util::Empty<hyper::body::Bytes>>,
    expected: &Error,
) -> http::Response<hyper::body::Bytes> {
    let found = wshake_error(&ServerConfig::default(), &request);
    assert_eq!(&found, expected);
    let response = send(address, request).await;
    assert_same_refusal(&response, &expected.to_response());
    assert_eq!(response.status().as_u16(), expected.status().unwrap());
    assert!(handler_ran.try_recv().is_err(), "the handler ran");
    response
}

#[tokio::test]
async fn s13v_version_8_is_refused_426_with_sec_websocket_version_13() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut ran) = any_method_server().await;
        let mut request = handshake_request(&address, "/chat", |r| r);
        request
            .headers_mut()
            .insert("sec-websocket-version", http::HeaderValue::from_static("8"));
        // `UnsupportedVersion` carries the version received: taken from wshake-proto's
        // validation of the same request.
        let error = wshake_error(&ServerConfig::default(), &request);
        assert!(
            matches!(error, Error::UnsupportedVersion { .. }),
            "{error:?}"
        );
        let response = assert_refused_as(&address, &mut ran, request, &error).await;
        assert_eq!(response.status(), 426);
        assert_eq!(response.headers()["sec-websocket-version"], "13");
        assert_eq!(response.headers()["upgrade"], "websocket");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_missing_key_is_refused_400() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut ran) = any_method_server().await;
        let mut request = handshake_request(&address, "/chat", |r| r);
        request.headers_mut().remove("sec-websocket-key");
        let response = assert_refused_as(&address, &mut ran, request, &Error::MissingKey).await;
        assert_eq!(response.body(), "missing Sec-WebSocket-Key\n");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_h23_duplicate_host_is_refused_400() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut ran) = any_method_server().await;
        let request = handshake_request(&address, "/chat", |r| r.header("Host", "other.test"));
        assert_eq!(request.headers().get_all("host").iter().count(), 2);
        assert_refused_as(&address, &mut ran, request, &Error::DuplicateHost).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s12_post_is_refused_405_with_allow_get() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut ran) = any_method_server().await;
        let request = handshake_request(&address, "/chat", |r| r.method("POST"));
        let error = wshake_error(&ServerConfig::default(), &request);
        assert!(matches!(error, Error::MethodNotAllowed { .. }), "{error:?}");
        let response = assert_refused_as(&address, &mut ran, request, &error).await;
        assert_eq!(response.headers()["allow"], "GET");
        assert_eq!(
            response.body(),
            "method POST not allowed, a WebSocket handshake is a GET\n"
        );

        // With `get(...)` instead of `any(...)`, axum answers a POST itself, before the
        // extractor runs: not wshake's answer.
        let app: Router = Router::new().route(
            "/chat",
            get(|handshake: Handshake| async move {
                handshake.on_upgrade(|_stream, _accepted| async {})
            }),
        );
        let address = serve(app).await;
        let request = handshake_request(&address, "/chat", |r| r.method("POST"));
        let response = send(&address, request).await;
        assert_eq!(response.status(), 405);
        assert_ne!(response.headers()["allow"], "GET");
        assert!(response.body().is_empty());
    })
    .await
    .unwrap();
}

/// The config of the deciding server: two subprotocols, server's order.
fn deciding_config() -> ServerConfig {
    ServerConfig::new().protocols(["a", "b"])
}

/// The handler's decision from the query's `as`, after an await.
fn decision(handshake: &Handshake) -> Answer {
    match handshake.query_param("as").as_deref() {
        Some("b") => Answer::accept().protocol("b"),
        Some("unoffered") => Answer::accept().protocol("c"),
        Some("policy") => Answer::policy(),
        _ => Answer::reject(401).header("WWW-Authenticate", "Bearer"),
    }
}

/// A server whose handler awaits 10 ms, then answers with [`decision`]; the channel
/// hears the subprotocol each accepted callback was given.
async fn deciding_server() -> (String, mpsc::UnboundedReceiver<Option<String>>) {
    let (told, receiver) = mpsc::unbounded_channel();
    let handler = move |handshake: Handshake| {
        let told = told.clone();
        async move {
            // A session store, a token check…
            tokio::time::sleep(Duration::from_millis(10)).await;
            let answer = decision(&handshake);
            let response: Response =
                handshake
                    .answer(answer)
                    .on_upgrade(move |stream, accepted| async move {
                        let _ = told.send(accepted.protocol().map(str::to_string));
                        // Echo one message, through tokio-tungstenite.
                        let mut ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
                            stream,
                            tokio_tungstenite::tungstenite::protocol::Role::Server,
                            None,
                        )
                        .await;
                        if let Some(Ok(message)) = ws.next().await {
                            let _ = ws.send(message).await;
                        }
                    });
            response
        }
    };
    let app = Router::new()
        .route("/", get(handler))
        .with_state(HandshakeConfig::from(deciding_config()));
    (serve(app).await, receiver)
}

/// What wshake-proto answers to `request` with `answer` under the deciding config.
fn composed(
    request: &http::Request<http_body_util::Empty<hyper::body::Bytes>>,
    answer: &Answer,
) -> (http::Response<hyper::body::Bytes>, Answered) {
    let config = deciding_config();
    Incoming::from_http(&config, request)
        .unwrap()
        .answer_response(answer)
}

#[tokio::test]
async fn s13_an_async_decision_rejects_401_with_www_authenticate() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut told) = deciding_server().await;
        let request = handshake_request(&address, "/?as=nobody", |r| {
            r.header("Sec-WebSocket-Protocol", "a, b")
        });
        let answer = Answer::reject(401).header("WWW-Authenticate", "Bearer");
        let (expected, answered) = composed(&request, &answer);
        assert_eq!(answered, Answered::Rejected { status: 401 });
        let response = send(&address, request).await;
        assert_same_response(&response, &expected);
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert!(told.try_recv().is_err(), "the callback ran");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s14_an_async_decision_picks_the_subprotocol_read_from_the_query() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut told) = deciding_server().await;
        // The server's preference would be `a`; the decision picks `b`.
        let (mut ws, response) = tungstenite_client(&address, "/?as=%62", "a, b").await;
        assert_eq!(response.status(), 101);
        assert_eq!(response.headers()["sec-websocket-protocol"], "b");
        assert_eq!(told.recv().await.unwrap().as_deref(), Some("b"));
        ws.send(Message::text("decided")).await.unwrap();
        assert_eq!(ws.next().await.unwrap().unwrap(), Message::text("decided"));

        // `Answer::accept()` is the application's call: no origin policy refuses it.
        let foreign = handshake_request(&address, "/?as=b", |r| {
            r.header("Sec-WebSocket-Protocol", "a, b")
                .header("Origin", "http://evil.test")
        });
        let response = send(&address, foreign).await;
        assert_eq!(response.status(), 101);
        assert_eq!(response.headers()["sec-websocket-protocol"], "b");
        assert_eq!(told.recv().await.unwrap().as_deref(), Some("b"));

        // `Answer::policy()` keeps it: the same request is refused 403.
        let foreign = handshake_request(&address, "/?as=policy", |r| {
            r.header("Sec-WebSocket-Protocol", "a, b")
                .header("Origin", "http://evil.test")
        });
        let (expected, answered) = composed(&foreign, &Answer::policy());
        assert!(matches!(
            answered,
            Answered::Refused(Error::OriginForbidden { .. })
        ));
        assert_same_refusal(&send(&address, foreign).await, &expected);
        assert_eq!(expected.status(), 403);
        assert!(told.try_recv().is_err(), "the callback ran");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s14_an_answer_naming_a_subprotocol_not_offered_is_answered_500() {
    tokio::time::timeout(LIMIT, async {
        let (address, mut told) = deciding_server().await;
        let request = handshake_request(&address, "/?as=unoffered", |r| {
            r.header("Sec-WebSocket-Protocol", "a, b")
        });
        let (expected, answered) = composed(&request, &Answer::accept().protocol("c"));
        assert_eq!(answered, Answered::Failed(LocalError::ProtocolNotOffered));
        let response = send(&address, request).await;
        assert_same_refusal(&response, &expected);
        assert_same_refusal(&response, &LocalError::ProtocolNotOffered.to_response());
        assert_eq!(response.status(), 500);
        assert_eq!(response.body(), "internal server error\n");
        assert!(told.try_recv().is_err(), "the callback ran");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s20_a_valid_request_without_hyper_upgrades_is_answered_500() {
    use tower::ServiceExt as _;
    tokio::time::timeout(LIMIT, async {
        // In process, by necessity: every hyper HTTP/1.1 connection offers an upgrade,
        // a request sent to the router directly has none.
        let (ran, mut handler_ran) = mpsc::unbounded_channel();
        let app: Router = Router::new().route(
            "/chat",
            get(move |handshake: Handshake| {
                let _ = ran.send(());
                async move { handshake.on_upgrade(|_stream, _accepted| async {}) }
            }),
        );
        let request = handshake_request("example.test", "/chat", |r| r).map(axum::body::Body::new);
        let response = app.oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = http_body_util::BodyExt::collect(body)
            .await
            .unwrap()
            .to_bytes();
        let response = http::Response::from_parts(parts, body);
        assert_same_refusal(&response, &LocalError::InvalidResource.to_response());
        assert_eq!(response.status(), 500);
        assert!(handler_ran.try_recv().is_err(), "the handler ran");
    })
    .await
    .unwrap();
}

/// What the handler reads of the request it decides on: the handshake's own view
/// (method, path, query, host, origin, offered subprotocols and extensions, a browser's
/// token), with every other header read through axum's own `HeaderMap` beside it.
#[tokio::test]
async fn s13_the_handler_reads_what_the_request_offered() {
    tokio::time::timeout(LIMIT, async {
        let (seen, mut heard) = mpsc::unbounded_channel();
        let handler = move |handshake: Handshake, headers: http::HeaderMap| {
            let _ = seen.send(format!(
                "{} {} {:?} {:?} {} {:?} {:?} {:?} {:?} {} {:?}",
                handshake.method(),
                handshake.path(),
                handshake.query(),
                handshake.query_param("room"),
                handshake.host(),
                handshake.origin().map(String::from_utf8_lossy),
                handshake.protocols().collect::<Vec<_>>(),
                handshake.protocol_token("bearer."),
                handshake.extensions().map(|e| e.to_string()).collect::<Vec<_>>(),
                handshake.offers_protocol("chat"),
                headers.get("cookie"),
            ));
            async move {
                handshake
                    .answer(Answer::accept())
                    .on_upgrade(|_stream, _accepted| async {})
            }
        };
        let address = serve(Router::new().route("/chat", get(handler))).await;
        let request = handshake_request(&address, "/chat?room=a%20b&x=1", |r| {
            r.header("Origin", "https://app.test")
                .header("Sec-WebSocket-Protocol", "chat, bearer.t0k3n")
                .header("Sec-WebSocket-Protocol", "other")
                .header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
                .header("Cookie", "session=1")
        });
        let response = send(&address, request).await;
        assert_eq!(response.status(), 101);
        assert_eq!(
            heard.recv().await.unwrap(),
            format!(
                "GET /chat Some(\"room=a%20b&x=1\") Some(\"a b\") {address} Some(\"https://app.test\") \
                 [\"chat\", \"bearer.t0k3n\", \"other\"] Some(\"t0k3n\") \
                 [\"permessage-deflate; client_max_window_bits\"] true Some(\"session=1\")"
            )
        );
    })
    .await
    .unwrap();
}
