//! Mutual TLS: a client certificate presented when the server asks for one.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;

use crate::Error;

/// `config` presenting this certificate chain (leaf first) and its private key to servers
/// that ask for a client certificate (mutual TLS). The key is checked against the
/// leaf certificate.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let identity = rcgen::generate_simple_self_signed(vec!["client.example".into()])?;
/// let chain = vec![identity.cert.der().clone()];
/// let key = rustls::pki_types::PrivateKeyDer::try_from(identity.signing_key.serialize_der())?;
/// let config = wshake_client::default_tls_config()?;
/// let config = wshake_client::with_client_certificate(&config, chain, key)?;
/// assert!(config.client_auth_cert_resolver.has_certs());
/// # Ok(())
/// # }
/// ```
pub fn with_client_certificate(
    config: &rustls::ClientConfig,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ClientConfig>, Error> {
    if chain.is_empty() {
        return Err(Error::ClientCertificate("no certificate".into()));
    }
    let provider = config.crypto_provider();
    let certified = CertifiedKey::from_der(chain, key, provider)
        .map_err(|e| Error::ClientCertificate(e.to_string()))?;
    let mut config = config.clone();
    config.client_auth_cert_resolver = Arc::new(Always(Arc::new(certified)));
    // A session cache of its own: sessions resumed from it carry this identity, and a
    // config without the certificate must not be able to resume them.
    config.resumption = rustls::client::Resumption::in_memory_sessions(256);
    Ok(Arc::new(config))
}

/// Presents the one certificate whatever the server's hints: the server decides.
#[derive(Debug)]
struct Always(Arc<CertifiedKey>);

impl rustls::client::ResolvesClientCert for Always {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }

    fn has_certs(&self) -> bool {
        true
    }
}
