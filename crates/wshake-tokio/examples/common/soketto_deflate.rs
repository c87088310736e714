//! soketto's permessage-deflate, set up with the parameters wshake negotiated: what the
//! two deflate examples share. soketto compresses and decompresses each message on its
//! own (no context takeover), so a server using it answers `client_no_context_takeover`
//! and a client using it offers `server_no_context_takeover`.

use soketto::Mode;
use soketto::extension::Param;
use soketto::extension::deflate::Deflate;
use wshake_tokio::wshake_proto::extensions::DeflateParams;

/// soketto's extension configured with the negotiated parameters (`mode`: this side's
/// role). `Err` when soketto cannot run with them.
pub(crate) fn deflate(mode: Mode, params: DeflateParams) -> Result<Deflate, String> {
    let mut list = Vec::new();
    if params.server_no_context_takeover {
        list.push(Param::new("server_no_context_takeover"));
    }
    if params.client_no_context_takeover {
        list.push(Param::new("client_no_context_takeover"));
    }
    for (name, bits) in [
        ("server_max_window_bits", params.server_max_window_bits),
        ("client_max_window_bits", params.client_max_window_bits),
    ] {
        if let Some(bits) = bits {
            let mut param = Param::new(name);
            param.set_value(Some(bits.to_string()));
            list.push(param);
        }
    }
    let mut deflate = Deflate::new(mode);
    // A server configures from the offer it accepts; the answer is within it. A client
    // configures from the answer.
    soketto::extension::Extension::configure(&mut deflate, &list).map_err(|e| e.to_string())?;
    if soketto::extension::Extension::is_enabled(&deflate) {
        Ok(deflate)
    } else {
        Err(format!(
            "soketto cannot run permessage-deflate with `{params}`"
        ))
    }
}
