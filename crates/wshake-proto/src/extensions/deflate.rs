//! permessage-deflate negotiation (RFC 7692 §7): offers, responses, and the server's choice.
//! Negotiation only; compressing is the framing library's job.

use core::fmt;
use core::iter::FilterMap;

use super::{DeflateError, Extension, ParamValue};

/// The extension's registered name.
pub const PERMESSAGE_DEFLATE: &str = "permessage-deflate";

const MIN_BITS: u8 = 8;
const MAX_BITS: u8 = 15;
/// The smallest window zlib compresses raw deflate with (an 8-bit window is refused, or
/// silently made 9, which the peer's 8-bit decompressor then cannot read): D30.
const MIN_COMPRESSOR_BITS: u8 = 9;

/// A client's permessage-deflate offer (RFC 7692 §7.1), also what a server parses.
///
/// ```
/// use wshake_proto::extensions::DeflateOffer;
///
/// let offer = DeflateOffer::new().client_max_window_bits(None).server_no_context_takeover();
/// assert_eq!(
///     offer.to_string(),
///     "permessage-deflate; server_no_context_takeover; client_max_window_bits"
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeflateOffer {
    /// Ask the server not to reuse its LZ77 window between messages.
    pub server_no_context_takeover: bool,
    /// Announce that the client will not reuse its window.
    pub client_no_context_takeover: bool,
    /// Ask the server to use a window of at most 2^N bytes (8–15).
    pub server_max_window_bits: Option<u8>,
    /// `Some(None)`: the client can take a window limit from the server; `Some(Some(n))`:
    /// and it will use at most 2^n bytes itself.
    pub client_max_window_bits: Option<Option<u8>>,
}

impl DeflateOffer {
    /// A plain offer with no parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `server_no_context_takeover`.
    #[must_use]
    pub fn server_no_context_takeover(mut self) -> Self {
        self.server_no_context_takeover = true;
        self
    }

    /// Adds `client_no_context_takeover`.
    #[must_use]
    pub fn client_no_context_takeover(mut self) -> Self {
        self.client_no_context_takeover = true;
        self
    }

    /// Adds `server_max_window_bits=bits` (clamped to 8–15).
    #[must_use]
    pub fn server_max_window_bits(mut self, bits: u8) -> Self {
        self.server_max_window_bits = Some(bits.clamp(MIN_BITS, MAX_BITS));
        self
    }

    /// Adds `client_max_window_bits`, valueless or with a value (clamped to 9–15: a
    /// client compresses, and zlib cannot with 8 bits, D30).
    #[must_use]
    pub fn client_max_window_bits(mut self, bits: Option<u8>) -> Self {
        self.client_max_window_bits = Some(bits.map(|b| b.clamp(MIN_COMPRESSOR_BITS, MAX_BITS)));
        self
    }

    /// Reads an offer; any unknown or duplicate parameter or bad value makes it invalid
    /// (D25), and a server then skips it.
    pub fn parse(extension: &Extension<'_>) -> Result<Self, DeflateError> {
        let mut offer = Self::default();
        let mut seen = Seen::default();
        for param in extension.params() {
            match param.name_bytes() {
                b"server_no_context_takeover" => {
                    seen.mark(0)?;
                    no_value(param.value())?;
                    offer.server_no_context_takeover = true;
                }
                b"client_no_context_takeover" => {
                    seen.mark(1)?;
                    no_value(param.value())?;
                    offer.client_no_context_takeover = true;
                }
                b"server_max_window_bits" => {
                    seen.mark(2)?;
                    let value = param.value().ok_or(DeflateError::MissingValue)?;
                    offer.server_max_window_bits = Some(window_bits(value)?);
                }
                b"client_max_window_bits" => {
                    seen.mark(3)?;
                    offer.client_max_window_bits =
                        Some(param.value().map(window_bits).transpose()?);
                }
                _ => return Err(DeflateError::UnknownParameter),
            }
        }
        Ok(offer)
    }

    /// Whether a server's response is a valid acceptance of this offer (D25–D29).
    pub fn accepts(&self, response: &DeflateParams) -> Result<(), DeflateError> {
        if let Some(offered) = self.server_max_window_bits {
            // §7.1.2.1: the server must answer with the same or a smaller value.
            match response.server_max_window_bits {
                Some(bits) if bits <= offered => {}
                _ => return Err(DeflateError::WindowLargerThanOffered),
            }
        }
        match (self.client_max_window_bits, response.client_max_window_bits) {
            (None, Some(_)) => return Err(DeflateError::ClientWindowNotOffered),
            // D30: the client would have to compress with an 8-bit window.
            (_, Some(MIN_BITS)) => return Err(DeflateError::CompressorWindowTooSmall),
            (Some(Some(offered)), Some(bits)) if bits > offered => {
                return Err(DeflateError::WindowLargerThanOffered);
            }
            _ => {}
        }
        if self.server_no_context_takeover && !response.server_no_context_takeover {
            // §7.1.1.1: accepting this offer means echoing the parameter.
            return Err(DeflateError::NoContextTakeoverNotEchoed);
        }
        Ok(())
    }
}

impl fmt::Display for DeflateOffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PERMESSAGE_DEFLATE)?;
        if self.server_no_context_takeover {
            f.write_str("; server_no_context_takeover")?;
        }
        if self.client_no_context_takeover {
            f.write_str("; client_no_context_takeover")?;
        }
        if let Some(bits) = self.server_max_window_bits {
            write!(f, "; server_max_window_bits={bits}")?;
        }
        match self.client_max_window_bits {
            Some(Some(bits)) => write!(f, "; client_max_window_bits={bits}")?,
            Some(None) => f.write_str("; client_max_window_bits")?,
            None => {}
        }
        Ok(())
    }
}

/// Negotiated permessage-deflate parameters: what a server answers and a client receives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeflateParams {
    /// The server will not reuse its window between messages.
    pub server_no_context_takeover: bool,
    /// The client must not reuse its window between messages.
    pub client_no_context_takeover: bool,
    /// The server's window is at most 2^N bytes; `None`: 15.
    pub server_max_window_bits: Option<u8>,
    /// The client's window must be at most 2^N bytes; `None`: 15.
    pub client_max_window_bits: Option<u8>,
}

impl DeflateParams {
    /// Reads a server's response; anything RFC 7692 does not define is an error (D25).
    pub fn parse(extension: &Extension<'_>) -> Result<Self, DeflateError> {
        let offer = DeflateOffer::parse(extension)?;
        Ok(Self {
            server_no_context_takeover: offer.server_no_context_takeover,
            client_no_context_takeover: offer.client_no_context_takeover,
            server_max_window_bits: offer.server_max_window_bits,
            // A response's client_max_window_bits needs a value (§7.1.2.2).
            client_max_window_bits: match offer.client_max_window_bits {
                Some(Some(bits)) => Some(bits),
                Some(None) => return Err(DeflateError::MissingValue),
                None => None,
            },
        })
    }
}

impl fmt::Display for DeflateParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The same parameters as an offer, with a response's client window always valued.
        DeflateOffer {
            server_no_context_takeover: self.server_no_context_takeover,
            client_no_context_takeover: self.client_no_context_takeover,
            server_max_window_bits: self.server_max_window_bits,
            client_max_window_bits: self.client_max_window_bits.map(Some),
        }
        .fmt(f)
    }
}

/// What a server supports, for [`DeflateConfig::negotiate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeflateConfig {
    /// Always drop the server's window between messages (D26: may be added unasked).
    pub server_no_context_takeover: bool,
    /// Require the client to drop its window between messages (D27).
    pub client_no_context_takeover: bool,
    /// The largest window the server will use, 9–15 (D28; 8 counts as 9, D30).
    pub server_max_window_bits: u8,
    /// The largest window the server lets the client use, 9–15 (D29; 8 counts as 9,
    /// D30). Below 15, offers without `client_max_window_bits` are declined: the server
    /// could not limit them.
    pub client_max_window_bits: u8,
}

impl Default for DeflateConfig {
    fn default() -> Self {
        Self {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: MAX_BITS,
            client_max_window_bits: MAX_BITS,
        }
    }
}

impl DeflateConfig {
    /// The response to the first acceptable offer among `extensions`, in the client's order
    /// of preference (D24); invalid offers are skipped (D25).
    pub fn negotiate<'a>(
        &self,
        extensions: impl IntoIterator<Item = Extension<'a>>,
    ) -> Option<DeflateParams> {
        self.negotiate_offers(deflate_offers(extensions.into_iter()))
    }

    /// The response to the first acceptable offer, offers already parsed.
    pub(crate) fn negotiate_offers(
        self,
        mut offers: impl Iterator<Item = DeflateOffer>,
    ) -> Option<DeflateParams> {
        offers.find_map(|offer| self.answer(offer))
    }

    fn answer(self, offer: DeflateOffer) -> Option<DeflateParams> {
        // D30: zlib cannot compress raw deflate with an 8-bit window. An offer that limits
        // the server to 8 bits is declined, and the client is never limited to 8.
        if offer.server_max_window_bits == Some(MIN_BITS) {
            return None;
        }
        let server_bits = self
            .server_max_window_bits
            .clamp(MIN_COMPRESSOR_BITS, MAX_BITS);
        let client_bits = self
            .client_max_window_bits
            .clamp(MIN_COMPRESSOR_BITS, MAX_BITS);
        let server_max_window_bits = match offer.server_max_window_bits {
            Some(offered) => Some(offered.min(server_bits)),
            None => (server_bits < MAX_BITS).then_some(server_bits),
        };
        let client_max_window_bits = match offer.client_max_window_bits {
            None if client_bits < MAX_BITS => return None,
            None => None,
            Some(offered) => {
                let limit = offered.unwrap_or(MAX_BITS);
                (client_bits < limit).then_some(client_bits)
            }
        };
        Some(DeflateParams {
            server_no_context_takeover: offer.server_no_context_takeover
                || self.server_no_context_takeover,
            client_no_context_takeover: self.client_no_context_takeover,
            server_max_window_bits,
            client_max_window_bits,
        })
    }
}

/// The valid permessage-deflate offers among `extensions`, in order; invalid ones are
/// skipped (D25).
/// (A named type, not `impl Iterator`, so that it is `Clone` when `I` is.)
pub(crate) fn deflate_offers<'a, I>(extensions: I) -> FilterMap<I, DeflateOfferOf<'a>>
where
    I: Iterator<Item = Extension<'a>>,
{
    extensions.filter_map(deflate_offer_of)
}

type DeflateOfferOf<'a> = fn(Extension<'a>) -> Option<DeflateOffer>;

fn deflate_offer_of(extension: Extension<'_>) -> Option<DeflateOffer> {
    if extension.is(PERMESSAGE_DEFLATE) {
        DeflateOffer::parse(&extension).ok()
    } else {
        None
    }
}

#[derive(Default)]
struct Seen([bool; 4]);

impl Seen {
    fn mark(&mut self, index: usize) -> Result<(), DeflateError> {
        if core::mem::replace(&mut self.0[index], true) {
            Err(DeflateError::DuplicateParameter)
        } else {
            Ok(())
        }
    }
}

fn no_value(value: Option<ParamValue<'_>>) -> Result<(), DeflateError> {
    value.map_or(Ok(()), |_| Err(DeflateError::UnexpectedValue))
}

fn window_bits(value: ParamValue<'_>) -> Result<u8, DeflateError> {
    value
        .as_number()
        .and_then(|n| u8::try_from(n).ok())
        .filter(|bits| (MIN_BITS..=MAX_BITS).contains(bits))
        .ok_or(DeflateError::InvalidWindowBits)
}
