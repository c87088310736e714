//! Mutual TLS (issue 21 item 4): the client presents a certificate
//! (`ClientBuilder::client_certificate`), a rustls server requires and verifies it
//! against a private CA, and the server's decision reads the verified identity (the
//! certificate's DNS names) before answering. Certificates are made here, at test time.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use wshake_client::wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_client::wshake_tokio::{self, Answer, Options};
use wshake_client::{Client, Error, ErrorKind};

const LIMIT: Duration = Duration::from_secs(20);

type Issuer = rcgen::CertifiedIssuer<'static, rcgen::KeyPair>;

fn ca(name: &str) -> Issuer {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap()
}

/// A certificate for `name` signed by `issuer`, and its key.
fn leaf(issuer: &Issuer, name: &str) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (
        vec![cert.der().clone()],
        PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
    )
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(issuer: &Issuer) -> Arc<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(issuer.der().clone()).unwrap();
    Arc::new(roots)
}

/// A `wss` server on loopback that requires a client certificate from `clients` and
/// accepts only the identity `allowed`: what each connection's decision saw, in order.
async fn server(
    server_ca: &Issuer,
    clients: &Issuer,
    allowed: &'static str,
) -> (u16, tokio::sync::mpsc::UnboundedReceiver<Vec<String>>) {
    let (chain, key) = leaf(server_ca, "localhost");
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots(clients), provider())
            .build()
            .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, identities) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                // rustls verified the chain; the identity is the leaf's DNS names.
                let Ok(tls) = acceptor.accept(socket).await else {
                    return;
                };
                let identity: Vec<String> = tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|chain| chain.first())
                    .and_then(|leaf| {
                        webpki::EndEntityCert::try_from(leaf)
                            .ok()
                            .map(|cert| cert.valid_dns_names().map(str::to_string).collect())
                    })
                    .unwrap_or_default();
                let config = ServerConfig::new();
                let _ = wshake_tokio::accept_with(tls, config, &Options::default(), async |_| {
                    let allow = identity.iter().any(|name| name == allowed);
                    let _ = seen.send(identity.clone());
                    if allow {
                        Answer::policy()
                    } else {
                        Answer::reject(403)
                    }
                })
                .await;
            });
        }
    });
    (port, identities)
}

fn client(server_ca: &Issuer, identity: Option<(&Issuer, &str)>) -> Client {
    let tls = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots(server_ca))
        .with_no_client_auth();
    let mut builder = Client::builder().tls_config(Arc::new(tls));
    if let Some((issuer, name)) = identity {
        let (chain, key) = leaf(issuer, name);
        builder = builder.client_certificate(chain, key);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn mutual_tls_the_decision_sees_the_verified_client_identity() {
    tokio::time::timeout(LIMIT, async {
        let (server_ca, clients, strangers) = (ca("server CA"), ca("client CA"), ca("other CA"));
        let (port, mut identities) = server(&server_ca, &clients, "client-a.test").await;
        let url = format!("wss://localhost:{port}/");

        // A certificate from the client CA, with the allowed name: accepted.
        let accepted = client(&server_ca, Some((&clients, "client-a.test")))
            .connect(&url)
            .await;
        assert!(accepted.is_ok(), "{:?}", accepted.err());
        assert_eq!(identities.recv().await.unwrap(), ["client-a.test"]);

        // Verified, but another identity: the decision refuses it.
        let error = client(&server_ca, Some((&clients, "client-b.test")))
            .connect(&url)
            .await
            .unwrap_err();
        assert_eq!(
            error
                .refusal()
                .map(wshake_client::wshake_proto::client::OwnedRefusal::status),
            Some(403),
            "{error}"
        );
        assert_eq!(identities.recv().await.unwrap(), ["client-b.test"]);

        // No certificate, or one from a CA the server does not trust: TLS fails and no
        // decision is ever asked.
        for stranger in [None, Some((&strangers, "client-a.test"))] {
            let error = client(&server_ca, stranger)
                .connect(&url)
                .await
                .unwrap_err();
            assert!(
                matches!(
                    error.kind(),
                    ErrorKind::Tls | ErrorKind::Io | ErrorKind::Closed
                ),
                "{error:?}"
            );
        }
        assert!(
            identities.try_recv().is_err(),
            "a decision without a verified client"
        );
    })
    .await
    .unwrap();
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_an_option_error() {
    let issuer = ca("client CA");
    let (chain, _) = leaf(&issuer, "client-a.test");
    let (_, other_key) = leaf(&issuer, "client-b.test");
    let error = Client::builder()
        .client_certificate(chain, other_key)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::ClientCertificate(_)), "{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidOption);
}
