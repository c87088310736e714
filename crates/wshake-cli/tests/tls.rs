//! `wshake serve --tls-cert --tls-key` (HTTP/1.1 and HTTP/2 by ALPN) and `wshake probe
//! --http2 --cacert` against it, with a certificate made here by rcgen.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;

mod common;

use common::{Served, wshake};

/// A certificate for `localhost` and its key, as PEM files in a directory of this test.
fn certificate(name: &str) -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

/// `wshake serve` with TLS; stderr (the log) kept for the end.
fn serve_tls(cert: &PathBuf, key: &PathBuf) -> Served {
    serve_tls_with(cert, key, &[])
}

fn serve_tls_with(cert: &PathBuf, key: &PathBuf, extra: &[&str]) -> Served {
    let mut command = wshake();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--protocol", "chat"])
        .args(extra)
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .stderr(Stdio::piped());
    let served = Served::spawn(command);
    assert!(served.url.starts_with("wss://127.0.0.1:"), "{}", served.url);
    served
}

/// Stops the server (SIGTERM: it writes the lines it batched) and returns its log.
fn log(mut served: Served) -> String {
    let _ = served.terminate();
    let mut log = String::new();
    served
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    log
}

fn probe(args: &[&str], cert: &PathBuf) -> (bool, String) {
    let output = wshake()
        .arg("probe")
        .args(args)
        .arg("--cacert")
        .arg(cert)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn e32_serve_with_tls_answers_http2_and_http1_by_alpn_and_logs_the_version() {
    let (cert, key) = certificate("serve-alpn");
    let served = serve_tls(&cert, &key);
    let url = format!("wss://localhost:{}/chat", served.port());

    let (ok, out) = probe(
        &["--http2", "--protocol", "chat", "--send", "over h2", &url],
        &cert,
    );
    assert!(ok, "{out}");
    for expected in [
        "> :method: CONNECT",
        "> :protocol: websocket",
        "> :scheme: https",
        "< HTTP/2 200",
        "< sec-websocket-protocol: chat",
        "http: HTTP/2 (extended CONNECT)",
        "received: over h2",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }

    let (ok, out) = probe(&["--send", "over h1", &url], &cert);
    assert!(ok, "{out}");
    assert!(out.contains("< HTTP/1.1 101 Switching Protocols"), "{out}");
    assert!(out.contains("http: HTTP/1.1 (Upgrade)"), "{out}");
    assert!(out.contains("received: over h1"), "{out}");

    let log = log(served);
    assert!(
        log.contains(r#"http="HTTP/2" outcome="200""#),
        "the HTTP/2 handshake is logged as such: {log}"
    );
    assert!(log.contains(r#"http="HTTP/1.1" outcome="101""#), "{log}");
}

/// A TLS connection to `wshake serve` on `port` that offers only `h2` in ALPN, trusting
/// `cert`.
async fn h2_over_tls(
    cert: &PathBuf,
    port: u16,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    let der = <rustls::pki_types::CertificateDer<'_> as rustls::pki_types::pem::PemObject>::from_pem_file(cert).unwrap();
    roots.add(der).unwrap();
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap()
}

#[test]
fn serve_with_tls_serves_the_page_over_http2() {
    let (cert, key) = certificate("serve-page");
    let served = serve_tls(&cert, &key);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, body) = runtime.block_on(async {
        let tls = h2_over_tls(&cert, served.port()).await;
        let (send, connection) = h2::client::handshake(tls).await.unwrap();
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let mut send = send.ready().await.unwrap();
        let request = http::Request::get(format!("https://localhost:{}/", served.port()))
            .body(())
            .unwrap();
        let (response, _) = send.send_request(request, true).unwrap();
        let response = response.await.unwrap();
        let status = response.status();
        let mut body = response.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.unwrap();
            let _ = body.flow_control().release_capacity(chunk.len());
            bytes.extend_from_slice(&chunk);
        }
        (status, String::from_utf8(bytes).unwrap())
    });
    assert_eq!(status, 200);
    assert!(body.contains("new WebSocket("), "{body}");
    let log = log(served);
    assert!(
        log.contains("200 page peer=") && log.contains(r#"http="HTTP/2""#),
        "{log}"
    );
}

#[test]
fn serve_with_unreadable_tls_files_exits_2_naming_the_file() {
    let output = wshake()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/cert.pem"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn e30_probe_http2_against_a_plain_http1_server_says_so() {
    let (cert, _) = certificate("probe-h1-only");
    // `wshake serve` without TLS speaks HTTP/1.1 only: prior-knowledge HTTP/2 fails.
    let served = Served::serve(&[], Stdio::null());
    let (ok, out) = probe(&["--http2", "--timeout", "3", &served.url], &cert);
    drop(served);
    assert!(!ok, "{out}");
    assert!(out.contains("HTTP/2"), "{out}");
}

fn check_http2(url: &str, cert: &PathBuf) -> (Option<i32>, serde_json::Value) {
    let output = wshake()
        .args(["check", "--http2", "--json", "--case-timeout", "20", url])
        .arg("--cacert")
        .arg(cert)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status.code(), json)
}

#[test]
fn e30_e31_check_http2_passes_every_case_against_wshake_serve() {
    let (cert, key) = certificate("check-h2");
    let served = serve_tls(&cert, &key);
    let url = format!("wss://localhost:{}/", served.port());
    let (code, json) = check_http2(&url, &cert);
    let cases = json["cases"].as_array().unwrap();
    let failed: Vec<_> = cases.iter().filter(|c| c["verdict"] != "pass").collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(cases.len() >= 12, "{}", cases.len());
    assert_eq!(code, Some(0));
}

#[test]
fn e30_check_http2_against_a_server_without_extended_connect_judges_nothing_else() {
    let (cert, key) = certificate("check-h2-off");
    let served = serve_tls_with(&cert, &key, &["--no-http2-websockets"]);
    let url = format!("wss://localhost:{}/", served.port());
    let (code, json) = check_http2(&url, &cert);
    drop(served);
    let cases = json["cases"].as_array().unwrap();
    assert_eq!(cases[0]["id"], "E30");
    assert_eq!(cases[0]["verdict"], "MUST-fail");
    assert!(
        cases[1..].iter().all(|c| c["verdict"] == "not judged"),
        "{cases:#?}"
    );
    assert_eq!(json["not_judged"], cases.len() - 1);
    assert_eq!(code, Some(1));
}

#[test]
fn check_speaks_wss_with_a_private_ca_and_writes_junit() {
    let (cert, key) = certificate("check-wss");
    let served = serve_tls(&cert, &key);
    let url = format!("wss://localhost:{}/", served.port());
    let junit = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-wss/junit.xml");
    let output = wshake()
        .args([
            "check",
            &url,
            "--protocol",
            "chat",
            "--case-timeout",
            "20",
            "--junit",
        ])
        .arg(&junit)
        .arg("--cacert")
        .arg(&cert)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("48 passed, 0 failed"), "{stdout}");
    assert_eq!(output.status.code(), Some(0));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(r#"tests="48" failures="0" skipped="0""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 48);

    // Without the CA: the certificate is unknown, nothing could be judged, exit 2.
    let output = wshake().args(["check", &url]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
}

// --- TLS trust: a private CA, and what each certificate failure says ------------------------

/// A CA made now, written as `ca.pem` in `dir`.
fn private_ca(dir: &std::path::Path) -> rcgen::CertifiedIssuer<'static, rcgen::KeyPair> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "wshake test CA");
    let ca =
        rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    ca
}

/// A certificate for `names` signed by `ca` (expired when `expired`), as `NAME.pem` and
/// `NAME.key` in `dir`.
fn leaf(
    dir: &std::path::Path,
    name: &str,
    ca: &rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    names: &[&str],
    expired: bool,
) -> (PathBuf, PathBuf) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|n| (*n).to_string()).collect::<Vec<_>>())
            .unwrap();
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    let (cert_path, key_path) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    (cert_path, key_path)
}

fn probe_with(args: &[&str]) -> (bool, String, String) {
    let output = wshake().arg("probe").args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn c3_certificate_failures_say_what_is_wrong_and_a_private_ca_is_trusted() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("trust");
    std::fs::create_dir_all(&dir).unwrap();
    let ca = private_ca(&dir);
    let ca_pem = dir.join("ca.pem").display().to_string();
    let (good, good_key) = leaf(&dir, "good", &ca, &["localhost"], false);
    let (other, other_key) = leaf(&dir, "other", &ca, &["other.test"], false);
    let (expired, expired_key) = leaf(&dir, "expired", &ca, &["localhost"], true);
    let (selfsigned, selfsigned_key) = certificate("trust-self-signed");

    let served = serve_tls(&good, &good_key);
    let url = format!("wss://localhost:{}/", served.port());
    let (ok, out, err) = probe_with(&["--cacert", &ca_pem, "--send", "via my CA", &url]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("received: via my CA"), "{out}");
    // Without the CA, the default roots do not know it.
    let (ok, _, err) = probe_with(&[&url]);
    assert!(!ok);
    assert!(
        err.contains("the certificate's issuer is not trusted"),
        "{err}"
    );
    drop(served);

    for (cert, key, says) in [
        (&other, &other_key, "not valid for the host connected to"),
        (&expired, &expired_key, "the certificate has expired"),
        (
            &selfsigned,
            &selfsigned_key,
            "the certificate's issuer is not trusted",
        ),
    ] {
        let served = serve_tls(cert, key);
        let url = format!("wss://localhost:{}/", served.port());
        let (ok, _, err) = probe_with(&["--cacert", &ca_pem, &url]);
        assert!(!ok, "{says}");
        assert!(err.contains(says), "{says}: {err}");
        // `check` cannot judge anything then, and says why.
        let output = wshake()
            .args(["check", &url, "--cacert", &ca_pem])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{says}");
    }
}

#[test]
fn c3_insecure_connects_to_any_certificate_and_warns_every_time() {
    let (cert, key) = certificate("insecure");
    let served = serve_tls(&cert, &key);
    let url = format!("wss://localhost:{}/", served.port());
    let (ok, out, err) = probe_with(&["--insecure", "--send", "unverified", &url]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("received: unverified"), "{out}");
    assert!(err.contains("warning: --insecure"), "{err}");
    let output = wshake()
        .args(["check", "--insecure", "--case-timeout", "20", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning: --insecure"));
    // `--cacert` and `--insecure` together are a usage error.
    let output = wshake()
        .args(["probe", "--insecure", "--cacert"])
        .arg(&cert)
        .arg(&url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// Issue 21 item 1 over HTTP/2 as over HTTP/1.1: `serve --require-token` checks the
/// `bearer.` subprotocol of an extended CONNECT too, and answers `chat` alone.
#[test]
fn serve_requires_the_bearer_protocol_token_over_http2_too() {
    let (cert, key) = certificate("serve-token-h2");
    let served = serve_tls_with(&cert, &key, &["--require-token", "t0k"]);
    let url = format!("wss://localhost:{}/", served.port());
    for http2 in [true, false] {
        let version: &[&str] = if http2 { &["--http2"] } else { &[] };
        let args = |token: &'static str| {
            let mut args = vec![
                url.as_str(),
                "--protocol",
                "chat",
                "--bearer-protocol",
                token,
            ];
            args.extend_from_slice(version);
            args
        };
        let (ok, text) = probe(&args("t0k"), &cert);
        assert!(ok, "{text}");
        assert!(text.contains("protocol: chat"), "{text}");
        assert!(!text.contains("t0k"), "{text}");
        let (ok, text) = probe(&args("wrong"), &cert);
        assert!(!ok && text.contains("401"), "http2 {http2}: {text}");
    }
}

/// Issue 21 item 4: `serve --tls-client-ca` requires a client certificate from that CA,
/// logs the verified identity, and `probe --cert --key` presents one.
#[test]
fn mutual_tls_serve_requires_a_client_certificate_and_probe_presents_one() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutual-tls");
    std::fs::create_dir_all(&dir).unwrap();
    let ca = private_ca(&dir);
    let ca_pem = dir.join("ca.pem");
    let (server_cert, server_key) = leaf(&dir, "server", &ca, &["localhost"], false);
    let (client_cert, client_key) = leaf(&dir, "client", &ca, &["client-a.test"], false);
    let stranger_dir = dir.join("stranger");
    std::fs::create_dir_all(&stranger_dir).unwrap();
    let stranger_ca = private_ca(&stranger_dir);
    let (stranger_cert, stranger_key) = leaf(
        &stranger_dir,
        "client",
        &stranger_ca,
        &["client-a.test"],
        false,
    );

    let ca_arg = ca_pem.to_str().unwrap();
    let served = serve_tls_with(&server_cert, &server_key, &["--tls-client-ca", ca_arg]);
    let url = format!("wss://localhost:{}/", served.port());
    let (client_cert, client_key) = (client_cert.to_str().unwrap(), client_key.to_str().unwrap());
    let (ok, out, err) = probe_with(&[
        &url,
        "--cacert",
        ca_arg,
        "--cert",
        client_cert,
        "--key",
        client_key,
        "--send",
        "hi",
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("received: hi"), "{out}");
    for without in [
        vec![url.as_str(), "--cacert", ca_arg],
        vec![
            url.as_str(),
            "--cacert",
            ca_arg,
            "--cert",
            stranger_cert.to_str().unwrap(),
            "--key",
            stranger_key.to_str().unwrap(),
        ],
    ] {
        let (ok, out, err) = probe_with(&without);
        assert!(
            !ok,
            "a client without a trusted certificate got in: {out}{err}"
        );
    }
    // `check` presents the certificate too: its cases reach the server and are judged.
    let output = wshake()
        .args([
            "check",
            &url,
            "--cacert",
            ca_arg,
            "--cert",
            client_cert,
            "--key",
            client_key,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let without = wshake()
        .args(["check", &url, "--cacert", ca_arg])
        .output()
        .unwrap();
    // TLS 1.3 reports a missing client certificate after the client's side of the TLS
    // handshake: each case then sees its connection end without an answer.
    assert_ne!(
        without.status.code(),
        Some(0),
        "passed without a certificate"
    );
    // `doctor` names the missing certificate (TLS 1.3 reports it as an alert after the
    // client's side of the TLS handshake).
    let output = wshake()
        .args(["doctor", &url, "--cacert", ca_arg, "--timeout", "3"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cause: the server requires a client certificate"),
        "{text}"
    );
    let log = log(served);
    assert!(log.contains("client=client-a.test"), "{log}");
    assert!(!log.contains("client=client-b"), "{log}");
}

/// Issue 17 item 2 over HTTP/2: a TLS connection that chose `h2` and then sends nothing
/// counts as pending until its first request and is closed after the handshake timeout,
/// instead of holding a descriptor for ever.
#[test]
fn an_http2_connection_without_a_request_is_closed_after_the_timeout() {
    let (cert, key) = certificate("serve-h2-idle");
    let served = serve_tls_with(&cert, &key, &["--timeout", "1"]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let closed_after = runtime.block_on(async {
        use tokio::io::AsyncReadExt as _;
        let mut tls = h2_over_tls(&cert, served.port()).await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        // Silent: read (the server's SETTINGS, then) until the server closes.
        let started = std::time::Instant::now();
        let mut sink = [0u8; 1024];
        tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while tls.read(&mut sink).await.is_ok_and(|n| n > 0) {}
        })
        .await
        .expect("the server closed the idle connection");
        started.elapsed()
    });
    assert!(
        closed_after < std::time::Duration::from_secs(5),
        "{closed_after:?}"
    );
    let log = log(served);
    assert!(log.contains("no request in time: closed"), "{log}");
}
