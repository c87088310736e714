//! TLS for the command: a server config from PEM files (ALPN `h2`, `http/1.1`), and a
//! client config trusting a private CA.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The crypto provider everywhere in wshake: ring.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate chain and the private key in these PEM files.
fn identity(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("cannot read certificates from {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("no certificate in {}", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read a private key from {}: {e}", key.display()))?;
    Ok((chain, key))
}

/// The CA certificates in this PEM file.
fn roots(ca: &Path) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca)
        .map_err(|e| format!("cannot read {}: {e}", ca.display()))?
    {
        let cert = cert.map_err(|e| format!("cannot read {}: {e}", ca.display()))?;
        roots
            .add(cert)
            .map_err(|e| format!("unusable CA certificate in {}: {e}", ca.display()))?;
    }
    if roots.is_empty() {
        return Err(format!("no certificate in {}", ca.display()));
    }
    Ok(roots)
}

/// A server config for the certificate chain and key in these PEM files, offering HTTP/2
/// then HTTP/1.1 in ALPN; with `client_ca`, every client must present a certificate
/// that CA issued (mutual TLS).
pub(crate) fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let (chain, key) = identity(cert, key)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots(ca)?),
                provider(),
            )
            .build()
            .map_err(|e| format!("unusable client CA {}: {e}", ca.display()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| format!("certificate and key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A client config trusting the CA certificates in this PEM file (and nothing else).
pub(crate) fn client_config(ca: &Path) -> Result<Arc<rustls::ClientConfig>, String> {
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots(ca)?)
            .with_no_client_auth(),
    ))
}

/// wshake-client's default client config (its bundled roots), for `wss://` without
/// `--cacert`.
pub(crate) fn default_client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    wshake_client::default_tls_config().map_err(|e| e.to_string())
}

/// The DNS names of a verified client certificate (mutual TLS), for the log.
pub(crate) fn client_identity(leaf: &CertificateDer<'_>) -> String {
    let names: Vec<&str> = webpki::EndEntityCert::try_from(leaf)
        .map(|cert| cert.valid_dns_names().collect())
        .unwrap_or_default();
    if names.is_empty() {
        "(no DNS name)".to_string()
    } else {
        names.join(",")
    }
}

/// A client config that does not verify the server's certificate (`--insecure`): the
/// handshake's signatures are still checked, so the peer holds the certificate's key, but
/// anyone can present any certificate. Says so on standard error, every time.
pub(crate) fn insecure_client_config() -> Arc<rustls::ClientConfig> {
    eprintln!(
        "wshake: warning: --insecure: the server's certificate is not verified; anyone on \
         the path can read and change this connection"
    );
    let provider = provider();
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("ring supports the default versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
            .with_no_client_auth(),
    )
}

/// Accepts every certificate; verifies the handshake's signatures with the provider.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `--cacert` or `--insecure`, and `--cert`/`--key`, for the commands that connect to
/// servers.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct Trust {
    /// Trust the CA certificates in this PEM file (and no other) for `wss://`.
    #[arg(long, value_name = "PEM", conflicts_with = "insecure")]
    pub(crate) cacert: Option<std::path::PathBuf>,
    /// Do not verify the server's certificate (a warning is printed every time).
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Present this client certificate chain (PEM) to servers that ask (mutual TLS).
    #[arg(long, value_name = "PEM", requires = "key")]
    pub(crate) cert: Option<std::path::PathBuf>,
    /// The private key (PEM) of `--cert`.
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub(crate) key: Option<std::path::PathBuf>,
}

impl Trust {
    /// The TLS config these options ask for; `None`: the default roots, no certificate.
    pub(crate) fn client_config(&self) -> Result<Option<Arc<rustls::ClientConfig>>, String> {
        let base = match (&self.cacert, self.insecure) {
            (Some(ca), _) => Some(client_config(ca)?),
            (None, true) => Some(insecure_client_config()),
            (None, false) => None,
        };
        let (Some(cert), Some(key)) = (&self.cert, &self.key) else {
            return Ok(base);
        };
        let base = match base {
            Some(base) => base,
            None => default_client_config()?,
        };
        let (chain, key) = identity(cert, key)?;
        wshake_client::with_client_certificate(&base, chain, key)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}
