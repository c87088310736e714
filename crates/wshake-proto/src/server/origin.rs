//! The `Origin` policy: the defence against cross-site WebSocket hijacking.

use alloc::string::String;
use alloc::vec::Vec;

/// Which `Origin` values a server accepts. The default is same-origin: a request without
/// `Origin` (not a browser) is allowed, and one whose `Origin` host and port equal `Host`;
/// anything else gets 403, unless allowed here.
///
/// ```
/// use wshake_proto::server::OriginPolicy;
///
/// let policy = OriginPolicy::same_origin()
///     .allow("https://app.example.com")
///     .allow("*.example.net");
/// assert!(policy.allows(Some(b"https://app.example.com"), b"api.example.com"));
/// assert!(policy.allows(Some(b"http://a.b.example.net:8080"), b"api.example.com"));
/// assert!(policy.allows(Some(b"https://api.example.com"), b"api.example.com"));
/// assert!(!policy.allows(Some(b"https://evil.test"), b"api.example.com"));
/// assert!(policy.allows(None, b"api.example.com"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    any: bool,
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// Same-origin only (the default).
    pub fn same_origin() -> Self {
        Self::default()
    }

    /// Every origin: only for servers that authenticate by other means than cookies.
    pub fn any() -> Self {
        Self {
            any: true,
            allowed: Vec::new(),
        }
    }

    /// Also allows an origin: exact (`https://app.example.com`, `null`), or a pattern whose
    /// host starts with `*.` (`*.example.com`, `https://*.example.com`), matching any
    /// subdomain. Without a scheme, a pattern matches any scheme; with a port, that port.
    #[must_use]
    pub fn allow(mut self, origin: &str) -> Self {
        if origin == "*" {
            self.any = true;
        } else {
            self.allowed.push(origin.to_ascii_lowercase());
        }
        self
    }

    /// Whether a request with this `Origin` (if any) and `Host` may proceed.
    pub fn allows(&self, origin: Option<&[u8]>, host: &[u8]) -> bool {
        self.allows_at(origin, host, None)
    }

    /// Whether every origin is allowed: then nothing needs comparing.
    pub(crate) fn allows_any(&self) -> bool {
        self.any
    }

    /// [`allows`](Self::allows), knowing the scheme the client used (from a trusted
    /// proxy): a same-origin `Origin` must then have that scheme too (`ws` as `http`,
    /// `wss` as `https`).
    pub(crate) fn allows_at(
        &self,
        origin: Option<&[u8]>,
        host: &[u8],
        scheme: Option<&[u8]>,
    ) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        if self.any {
            return true;
        }
        let Ok(origin) = core::str::from_utf8(origin) else {
            return false;
        };
        same_origin(origin, host, scheme)
            || self
                .allowed
                .iter()
                .any(|pattern| pattern_matches(pattern, origin))
    }
}

/// `scheme://host[:port]` split into its parts; `None` for `null` or anything else.
fn split_origin(origin: &str) -> Option<(&str, &str)> {
    let (scheme, authority) = origin.split_once("://")?;
    if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return None;
    }
    Some((scheme, authority))
}

fn default_port(scheme: &str) -> Option<&'static str> {
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("ws") {
        Some("80")
    } else if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("wss") {
        Some("443")
    } else {
        None
    }
}

/// host[:port] with the scheme's default port removed.
fn strip_default_port<'a>(authority: &'a str, scheme: &str) -> &'a str {
    match (authority.rsplit_once(':'), default_port(scheme)) {
        (Some((host, port)), Some(default)) if port == default && !host.ends_with(':') => host,
        _ => authority,
    }
}

fn same_origin(origin: &str, host: &[u8], served: Option<&[u8]>) -> bool {
    let (Some((scheme, authority)), Ok(host)) = (split_origin(origin), core::str::from_utf8(host))
    else {
        return false;
    };
    // `http` and `ws`, `https` and `wss`: the same scheme to an origin, told apart by
    // their default port.
    if let Some(served) = served {
        let served = core::str::from_utf8(served).unwrap_or_default();
        if default_port(served).is_none() || default_port(served) != default_port(scheme) {
            return false;
        }
    }
    strip_default_port(authority, scheme).eq_ignore_ascii_case(strip_default_port(host, scheme))
}

fn pattern_matches(pattern: &str, origin: &str) -> bool {
    if pattern.eq_ignore_ascii_case(origin) {
        return true;
    }
    let Some((scheme, authority)) = split_origin(origin) else {
        return false;
    };
    let (pattern_scheme, pattern_authority) = match pattern.split_once("://") {
        Some((scheme, authority)) => (Some(scheme), authority),
        None => (None, pattern),
    };
    if pattern_scheme.is_some_and(|wanted| !wanted.eq_ignore_ascii_case(scheme)) {
        return false;
    }
    let Some(suffix) = pattern_authority.strip_prefix("*.") else {
        return false;
    };
    let (pattern_host, pattern_port) = match suffix.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (suffix, None),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let port = port.or_else(|| default_port(scheme)).unwrap_or("");
    if pattern_port.is_some_and(|wanted| port != wanted) {
        return false;
    }
    // As bytes: an origin may carry non-ASCII text, and a byte offset into it need not
    // be a character boundary.
    let (host, suffix) = (host.as_bytes(), pattern_host.as_bytes());
    host.len() > suffix.len() + 1
        && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        && host[host.len() - suffix.len() - 1] == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s13_same_origin_compares_host_and_port() {
        let policy = OriginPolicy::same_origin();
        assert!(policy.allows(Some(b"http://localhost:9001"), b"localhost:9001"));
        assert!(policy.allows(Some(b"https://Example.com"), b"example.com"));
        assert!(policy.allows(Some(b"https://example.com"), b"example.com:443"));
        assert!(!policy.allows(Some(b"http://localhost:9002"), b"localhost:9001"));
        assert!(!policy.allows(Some(b"null"), b"localhost:9001"));
        assert!(!policy.allows(Some(b"http://example.com.evil.test"), b"example.com"));
        assert!(!policy.allows(Some(b"\xFF"), b"example.com"));
    }

    #[test]
    fn s13_patterns_match_subdomains_only() {
        let policy = OriginPolicy::same_origin().allow("https://*.example.com");
        assert!(policy.allows(Some(b"https://a.example.com"), b"x"));
        assert!(!policy.allows(Some(b"http://a.example.com"), b"x"));
        assert!(!policy.allows(Some(b"https://example.com"), b"x"));
        assert!(!policy.allows(Some(b"https://aexample.com"), b"x"));
        let with_port = OriginPolicy::same_origin().allow("*.example.com:8443");
        assert!(with_port.allows(Some(b"https://a.example.com:8443"), b"x"));
        assert!(!with_port.allows(Some(b"https://a.example.com"), b"x"));
        assert!(
            OriginPolicy::same_origin()
                .allow("null")
                .allows(Some(b"null"), b"x")
        );
        assert!(OriginPolicy::any().allows(Some(b"https://evil.test"), b"x"));
    }

    #[test]
    fn s13_non_ascii_origins_are_compared_not_sliced() {
        // The suffix's offset falls inside the two-byte é: no panic, no match.
        let policy = OriginPolicy::same_origin().allow("*.example.com");
        assert!(!policy.allows(Some("https://ab\u{e9}xample.com".as_bytes()), b"x"));
        assert!(!policy.allows(
            Some("https://\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}.com".as_bytes()),
            b"x"
        ));
        assert!(policy.allows(Some("https://\u{e9}t\u{e9}.example.com".as_bytes()), b"x"));
    }
}
