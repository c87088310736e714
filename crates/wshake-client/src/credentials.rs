//! Credentials: those in a URL (`ws://user:pass@host/`, and a proxy's
//! `http://user:pass@proxy/`) sent as `Authorization: Basic` (RFC 7617), never kept in
//! the URL the client reports; and which headers a redirect to another origin drops.

use base64::Engine as _;

/// The `Basic` credentials of a URL's user information, percent-decoded (as Python
/// websockets and Deno send them); `None` when it has none.
pub(crate) fn basic(url: &url::Url) -> Option<String> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let user = percent_decode(url.username());
    let password = percent_decode(url.password().unwrap_or(""));
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    Some(format!("Basic {encoded}"))
}

/// The URL without its user information.
pub(crate) fn strip(url: &mut url::Url) {
    // Only URLs without a host refuse these, and a WebSocket URL has one.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

/// The headers a redirect to another origin never carries on: the credentials a
/// request can hold, besides those the user marked sensitive.
pub(crate) const ALWAYS_SENSITIVE: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];

/// Whether two URLs share an origin (scheme, host, port: RFC 6454), which decides if a
/// redirect keeps the credentials.
pub(crate) fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.origin() == b.origin()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_percent_decoded_into_basic() {
        let url = url::Url::parse("ws://us%20er:p%40ss%3Aw@example.com/").unwrap();
        // base64("us er:p@ss:w")
        assert_eq!(basic(&url).as_deref(), Some("Basic dXMgZXI6cEBzczp3"));
        let url = url::Url::parse("ws://user@example.com/").unwrap();
        assert_eq!(basic(&url).as_deref(), Some("Basic dXNlcjo="));
        assert_eq!(basic(&url::Url::parse("ws://example.com/").unwrap()), None);
    }

    #[test]
    fn stripped_urls_hold_no_credentials() {
        let mut url = url::Url::parse("wss://u:secret@example.com:8443/chat?x=1").unwrap();
        strip(&mut url);
        assert_eq!(url.as_str(), "wss://example.com:8443/chat?x=1");
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let url = |s| url::Url::parse(s).unwrap();
        assert!(same_origin(
            &url("ws://a.test/x"),
            &url("ws://a.test:80/y?z")
        ));
        assert!(!same_origin(&url("ws://a.test/"), &url("wss://a.test/")));
        assert!(!same_origin(&url("ws://a.test/"), &url("ws://b.test/")));
        assert!(!same_origin(
            &url("ws://a.test/"),
            &url("ws://a.test:8080/")
        ));
    }
}
