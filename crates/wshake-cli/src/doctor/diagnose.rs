//! From what one attempt saw to the likely cause and its fix, in the user's words. Pure:
//! every rule here is tested on its own.

use wshake_client::wshake_proto::Error;

/// What an attempt saw, phase by phase: it stopped at the first that failed.
#[derive(Debug)]
pub(crate) enum Observed {
    /// The name did not resolve.
    Dns(String),
    /// Nothing listens: the connection was refused.
    Refused,
    /// No answer to the TCP connection in time.
    ConnectTimeout,
    /// Another connection failure.
    Connect(String),
    /// The TLS handshake failed (rustls' words).
    Tls(String),
    /// The request went out and nothing came back in time.
    Silence,
    /// The server closed before a complete response head (`received` may be empty).
    Closed { received: Vec<u8> },
    /// A complete response head that the client machine judged.
    Response(Response),
    /// HTTP/2 asked for, and the server's TLS chose another protocol (or none) in ALPN.
    Http2NotOffered,
    /// HTTP/2 without `SETTINGS_ENABLE_CONNECT_PROTOCOL` (RFC 8441).
    NoExtendedConnect,
}

/// A response head, as the client saw it.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// Header names in lower case, values as text.
    pub(crate) headers: Vec<(String, String)>,
    /// What came after the head, up to a few KiB.
    pub(crate) body: Vec<u8>,
    /// The client machine's verdict: `Ok` for a valid 101.
    pub(crate) verdict: Result<(), Error>,
}

impl Response {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).trim().to_string()
    }
}

/// The likely cause and what to do about it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Diagnosis {
    pub(crate) cause: String,
    pub(crate) fix: String,
}

fn diagnosis(cause: impl Into<String>, fix: impl Into<String>) -> Diagnosis {
    Diagnosis {
        cause: cause.into(),
        fix: fix.into(),
    }
}

/// How nginx must pass an upgrade on; the most common missing piece in the trackers.
const NGINX_UPGRADE: &str = "behind nginx, the WebSocket location needs `proxy_http_version 1.1; \
proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";` \
(other proxies and CDNs have a WebSocket switch of their own)";

/// `None`: the handshake worked.
pub(crate) fn diagnose(
    observed: &Observed,
    host: &str,
    secure: bool,
    origin: Option<&str>,
) -> Option<Diagnosis> {
    match observed {
        Observed::Response(response) => answered(response, origin),
        other => Some(unanswered(other, host, secure)),
    }
}

/// Where an attempt stopped before an answer.
fn unanswered(observed: &Observed, host: &str, secure: bool) -> Diagnosis {
    match observed {
        Observed::Dns(error) => diagnosis(
            format!("the name {host} does not resolve ({error})"),
            "check the host name, or the DNS this machine uses",
        ),
        Observed::Refused => diagnosis(
            "nothing listens on that port: the connection was refused",
            "check the port, and that the server runs and listens on this address",
        ),
        Observed::ConnectTimeout => diagnosis(
            "no answer to the TCP connection: the host is down, or a firewall drops the packets",
            "check the address and any firewall or security group on the way",
        ),
        Observed::Connect(error) => diagnosis(
            format!("the connection failed: {error}"),
            "check the address",
        ),
        Observed::Tls(error) => tls(error, host),
        Observed::Silence => diagnosis(
            "the server accepted the connection and never answered the request",
            if secure {
                "a proxy may be holding the upgrade (buffering it, or waiting on a backend); \
                 check the proxy's timeouts and its WebSocket settings"
            } else {
                "a TLS port spoken to in plain text waits like this: try wss://; else a proxy \
                 holds the upgrade, or the server does not speak HTTP"
            },
        ),
        Observed::Closed { received } if received.is_empty() => diagnosis(
            "the server closed the connection without answering",
            if secure {
                "the server or a proxy refuses WebSocket upgrades on this address"
            } else {
                "a TLS-only port closes plain-text requests like this: try wss://"
            },
        ),
        Observed::Closed { .. } => diagnosis(
            "the server closed the connection in the middle of its answer",
            "a proxy or the server cut the response: check their logs",
        ),
        // Answered: see `answered`.
        Observed::Response(_) => diagnosis("the server answered", "see the answer"),
        Observed::Http2NotOffered => diagnosis(
            "the server does not offer HTTP/2 on this port (its TLS chose HTTP/1.1 or nothing)",
            "open the WebSocket over HTTP/1.1 (drop --http2)",
        ),
        Observed::NoExtendedConnect => diagnosis(
            "the server speaks HTTP/2 but does not enable WebSockets over it (no \
             SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441)",
            "use HTTP/1.1, as browsers then do on a connection of their own, or enable \
             extended CONNECT on the server",
        ),
    }
}

fn tls(error: &str, host: &str) -> Diagnosis {
    let lower = error.to_ascii_lowercase();
    if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        diagnosis(
            format!("the server's certificate is not for {host} ({error})"),
            "connect with a name the certificate lists, or give the server a certificate for this one",
        )
    } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        diagnosis(
            format!("the server's certificate is not signed by a CA this client trusts ({error})"),
            "pass the CA with --cacert ca.pem (a private CA), or fix the server's chain (send the intermediates)",
        )
    } else if lower.contains("expired") {
        diagnosis(
            format!("the server's certificate has expired ({error})"),
            "renew the certificate",
        )
    } else if lower.contains("corrupt message") || lower.contains("invalidcontenttype") {
        diagnosis(
            format!("the port does not speak TLS ({error})"),
            "this looks like a plain HTTP port: try ws://",
        )
    } else if lower.contains("timed out") {
        diagnosis(
            "no TLS answer: the port may not speak TLS, or a proxy holds the connection",
            "if this is a plain HTTP port, try ws://",
        )
    } else if lower.contains("certificaterequired") || lower.contains("certificate required") {
        diagnosis(
            "the server requires a client certificate (mutual TLS)",
            "pass one with --cert client.pem --key client.key",
        )
    } else {
        diagnosis(
            format!("the TLS handshake failed: {error}"),
            "check the server's TLS setup",
        )
    }
}

/// `None` for a valid 101.
fn answered(response: &Response, origin: Option<&str>) -> Option<Diagnosis> {
    match (response.status, &response.verdict) {
        (101, Ok(())) => None,
        _ => Some(refused(response, origin)),
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one arm per answer a server or a proxy gives"
)]
fn refused(response: &Response, origin: Option<&str>) -> Diagnosis {
    let status = response.status;
    let body = response.body_text();
    let from = response
        .get("server")
        .map_or(String::new(), |server| format!(" (Server: {server})"));
    match status {
        101 => match &response.verdict {
            Ok(()) => diagnosis("the handshake works", "nothing to fix"),
            Err(Error::MissingAccept) => diagnosis(
                format!("the 101 has no Sec-WebSocket-Accept{from}"),
                "something between you and the server answered the upgrade itself (a proxy or a \
                 CDN), or the server skips the accept: browsers fail such a handshake",
            ),
            Err(Error::AcceptMismatch) => diagnosis(
                format!("the 101's Sec-WebSocket-Accept does not match the key sent{from}"),
                "the server must answer base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) \
                 for this request's key; a cache or proxy replaying another 101 gets this wrong",
            ),
            Err(
                error @ (Error::MissingUpgrade
                | Error::UpgradeNotWebSocket
                | Error::MissingConnection
                | Error::ConnectionNotUpgrade),
            ) => diagnosis(
                format!("the 101 is incomplete: {error}{from}"),
                "a proxy that strips hop-by-hop headers (Upgrade, Connection) does this: \
                 it must pass them on for WebSocket responses",
            ),
            Err(error) => diagnosis(
                format!("the 101 is not a valid WebSocket answer: {error}{from}"),
                "fix the server's handshake; `wshake check URL` lists every deviation",
            ),
        },
        200..=299 => {
            let html = response
                .get("content-type")
                .is_some_and(|t| t.contains("html"));
            diagnosis(
                format!(
                    "the server answered {status}{} instead of 101: the request was served as an \
                     ordinary {} and the upgrade never got through{from}",
                    if html { " with an HTML page" } else { "" },
                    if html { "page" } else { "request" },
                ),
                format!("check that the URL is the WebSocket endpoint; {NGINX_UPGRADE}"),
            )
        }
        300..=399 => diagnosis(
            format!(
                "the server redirects ({status}) to {}",
                response.get("location").unwrap_or("(no Location)")
            ),
            "connect to that URL instead (`wshake probe --follow-redirects` follows it)",
        ),
        400 if body.contains("plain HTTP request was sent to HTTPS port") => {
            diagnosis(format!("this is an HTTPS port{from}"), "use wss://")
        }
        400 if body.to_ascii_lowercase().contains("upgrade") => diagnosis(
            format!("the server did not receive the upgrade: it answered 400 ({body}){from}"),
            format!("a proxy in front drops the Upgrade and Connection headers: {NGINX_UPGRADE}"),
        ),
        400 => diagnosis(
            format!(
                "the server found the request invalid: 400{}{from}",
                quoted(&body)
            ),
            "`wshake probe -v`-style bytes are below (-v); a proxy rewriting the request, or \
             a header the server refuses, are the usual suspects",
        ),
        401 => diagnosis(
            format!(
                "the server wants credentials (WWW-Authenticate: {})",
                response.get("www-authenticate").unwrap_or("none given")
            ),
            "send them: --header 'Authorization: …' (wshake probe and wshake-client also take \
             user:password@ in the URL, as Basic), or a token the way the service documents \
             (a browser can only use the URL's query or a subprotocol)",
        ),
        403 => diagnosis(
            format!(
                "the server forbids this request{}: most often its Origin check (sent: {})",
                quoted(&body),
                origin.unwrap_or("no Origin")
            ),
            "send the Origin the server expects with --origin https://your-site, or allow \
             this origin on the server",
        ),
        404 => diagnosis(
            format!("no WebSocket at this path (404){from}"),
            "check the path of the URL",
        ),
        421 => diagnosis(
            "the server does not answer for this host name (421: a DNS-rebinding guard, or \
             a virtual host mismatch)",
            "connect with the name the server serves, or add this one to its allowed hosts",
        ),
        426 => diagnosis(
            format!(
                "the server asks for another protocol version (426; Sec-WebSocket-Version: {})",
                response.get("sec-websocket-version").unwrap_or("not given")
            ),
            "this client sends version 13, the only one RFC 6455 defines: the server is out \
             of date, or a proxy rewrote the request",
        ),
        429 | 503 => diagnosis(
            format!(
                "the server is busy or limits the rate ({status}; Retry-After: {})",
                response.get("retry-after").unwrap_or("not given")
            ),
            "try again later",
        ),
        502 => diagnosis(
            format!("a proxy answered 502: its backend is down or refused the connection{from}"),
            "check the proxy's upstream address and that the backend runs",
        ),
        504 => diagnosis(
            format!("a proxy answered 504: its backend did not answer in time{from}"),
            "check the backend, and the proxy's timeouts (nginx: proxy_read_timeout; WebSockets \
             idle longer than it are cut)",
        ),
        _ => diagnosis(
            format!("the server answered {status}{}{from}", quoted(&body)),
            "see the bytes below (-v)",
        ),
    }
}

fn quoted(body: &str) -> String {
    let line = body.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        String::new()
    } else {
        let short: String = line.chars().take(120).collect();
        format!(": \"{short}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(
        status: u16,
        headers: &[(&str, &str)],
        body: &str,
        verdict: Result<(), Error>,
    ) -> Observed {
        Observed::Response(Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            verdict,
        })
    }

    fn cause(observed: &Observed) -> String {
        diagnose(observed, "example.com", false, None)
            .unwrap()
            .cause
    }

    #[test]
    fn a_valid_101_needs_no_diagnosis() {
        assert_eq!(
            diagnose(&response(101, &[], "", Ok(())), "h", false, None),
            None
        );
    }

    #[test]
    fn each_answer_gets_its_cause() {
        let page = response(
            200,
            &[("content-type", "text/html")],
            "<html>",
            Err(Error::MissingAccept),
        );
        assert!(cause(&page).contains("HTML page"), "{}", cause(&page));
        assert!(
            diagnose(&page, "h", false, None)
                .unwrap()
                .fix
                .contains("proxy_set_header Upgrade")
        );
        let no_upgrade = response(
            400,
            &[],
            "missing Upgrade: websocket",
            Err(Error::MissingAccept),
        );
        assert!(
            diagnose(&no_upgrade, "h", false, None)
                .unwrap()
                .fix
                .contains("drops the Upgrade")
        );
        let https = response(
            400,
            &[],
            "The plain HTTP request was sent to HTTPS port",
            Err(Error::MissingAccept),
        );
        assert_eq!(
            diagnose(&https, "h", false, None).unwrap().fix,
            "use wss://"
        );
        assert!(cause(&response(403, &[], "", Err(Error::MissingAccept))).contains("Origin"));
        assert!(
            cause(&response(101, &[], "", Err(Error::MissingAccept)))
                .contains("no Sec-WebSocket-Accept")
        );
        assert!(
            cause(&response(101, &[], "", Err(Error::AcceptMismatch))).contains("does not match")
        );
        assert!(
            cause(&response(
                502,
                &[("server", "nginx")],
                "",
                Err(Error::MissingAccept)
            ))
            .contains("backend is down")
        );
        assert!(
            cause(&response(504, &[], "", Err(Error::MissingAccept)))
                .contains("did not answer in time")
        );
        assert!(cause(&Observed::Silence).contains("never answered"));
        assert!(cause(&Observed::Refused).contains("nothing listens"));
    }

    #[test]
    fn tls_failures_are_named() {
        let name = tls("invalid peer certificate: NotValidForName", "a.test");
        assert!(name.cause.contains("not for a.test"));
        assert!(
            tls("invalid peer certificate: UnknownIssuer", "a")
                .fix
                .contains("--cacert")
        );
        assert!(
            tls("received corrupt message of type InvalidContentType", "a")
                .fix
                .contains("ws://")
        );
    }
}
