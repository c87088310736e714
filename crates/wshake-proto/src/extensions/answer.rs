//! The one rule for an extension answer, whoever checks it: the server before it writes
//! its 101, the client when it reads one (S15, D24–D29).

use super::{DeflateError, DeflateOffer, DeflateParams, Extension, PERMESSAGE_DEFLATE};
use crate::{Error, LocalError};

/// Extensions known to use the RSV1 bit: two of them in one answer conflict (D24).
const RSV1_EXTENSIONS: &[&str] = &[
    PERMESSAGE_DEFLATE,
    "x-webkit-deflate-frame",
    "deflate-frame",
    "perframe-deflate",
];

/// What is wrong with an answer. A server's application that writes it made a
/// [`LocalError`]; a server that sends it to a client made an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnswerFault {
    /// A name the offer does not have (after the previous answered one: order counts).
    NotOffered,
    /// A second extension on the RSV1 bit.
    Conflicting,
    /// permessage-deflate parameters no offer allows.
    Deflate(DeflateError),
}

impl From<AnswerFault> for Error {
    fn from(fault: AnswerFault) -> Self {
        match fault {
            AnswerFault::NotOffered => Self::ExtensionNotOffered,
            AnswerFault::Conflicting => Self::ConflictingExtensions,
            AnswerFault::Deflate(error) => Self::InvalidDeflate(error),
        }
    }
}

impl From<AnswerFault> for LocalError {
    fn from(fault: AnswerFault) -> Self {
        match fault {
            AnswerFault::NotOffered => Self::ExtensionNotOffered,
            AnswerFault::Conflicting => Self::ConflictingExtensions,
            AnswerFault::Deflate(error) => Self::InvalidDeflate(error),
        }
    }
}

/// Checks answered extensions one by one against the offer: each must be offered (in the
/// offer's order, when a server checks its own answer: S15); a permessage-deflate answer
/// must be valid for one of the permessage-deflate offers (D25–D29); at most one may use
/// RSV1 (D24).
#[derive(Clone, Debug)]
pub(crate) struct AnswerCheck<I, D> {
    /// The whole offer.
    offer: I,
    /// The offer not yet passed by the answer: with `ordered`, the next answered name is
    /// looked for here.
    remaining: I,
    ordered: bool,
    /// The valid permessage-deflate offers, in order (typed already where the offerer
    /// kept them so, parsed on the way where they are bytes).
    deflate_offers: D,
    rsv1_users: usize,
    deflate: Option<DeflateParams>,
}

impl<'a, I, D> AnswerCheck<I, D>
where
    I: Iterator<Item = Extension<'a>> + Clone,
    D: Iterator<Item = DeflateOffer> + Clone,
{
    /// A check against this offer: the client's extensions in its order, and its valid
    /// permessage-deflate offers among them. `ordered`: the answer must follow the offer's
    /// order (the rule a server keeps, S15); a client accepts any order, as RFC 6455
    /// §9.1 lets the server's list set the order the extensions apply in.
    pub(crate) fn new(offer: I, deflate_offers: D, ordered: bool) -> Self {
        Self {
            remaining: offer.clone(),
            offer,
            ordered,
            deflate_offers,
            rsv1_users: 0,
            deflate: None,
        }
    }

    /// Checks the next answered extension.
    pub(crate) fn answered(&mut self, extension: &Extension<'_>) -> Result<(), AnswerFault> {
        self.offered(extension.name())?;
        if extension.is(PERMESSAGE_DEFLATE) {
            let params = DeflateParams::parse(extension).map_err(AnswerFault::Deflate)?;
            self.deflate_allowed(params)?;
        }
        Ok(())
    }

    /// Checks a whole answer of permessage-deflate with these parameters alone. Being
    /// the only extension answered, it is in the offer's order as soon as some
    /// permessage-deflate offer allows it.
    pub(crate) fn answered_deflate(&mut self, params: DeflateParams) -> Result<(), AnswerFault> {
        self.deflate_allowed(params)
    }

    /// D25–D29: some permessage-deflate offer allows these parameters.
    fn deflate_allowed(&mut self, params: DeflateParams) -> Result<(), AnswerFault> {
        let mut first_error = None;
        let accepted = self
            .deflate_offers
            .clone()
            .any(|offer| match offer.accepts(&params) {
                Ok(()) => true,
                Err(error) => {
                    first_error.get_or_insert(error);
                    false
                }
            });
        if !accepted {
            return Err(first_error.map_or(AnswerFault::NotOffered, AnswerFault::Deflate));
        }
        self.deflate = Some(params);
        Ok(())
    }

    /// The name is offered after the last answered one; counts RSV1 users. A second RSV1
    /// user is a conflict whatever the offer says (permessage-deflate twice included), so
    /// that is checked first.
    fn offered(&mut self, name: &str) -> Result<(), AnswerFault> {
        let rsv1 = RSV1_EXTENSIONS
            .iter()
            .any(|rsv1| rsv1.eq_ignore_ascii_case(name));
        if rsv1 {
            self.rsv1_users += 1;
            if self.rsv1_users > 1 {
                return Err(AnswerFault::Conflicting);
            }
        }
        let offered = if self.ordered {
            self.remaining.any(|offered| offered.is(name))
        } else {
            self.offer.clone().any(|offered| offered.is(name))
        };
        if !offered {
            return Err(AnswerFault::NotOffered);
        }
        Ok(())
    }

    /// The permessage-deflate parameters answered, if any.
    pub(crate) fn deflate(&self) -> Option<DeflateParams> {
        self.deflate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::Extensions;

    fn check(offer: &[u8], answer: &[u8]) -> Result<Option<DeflateParams>, AnswerFault> {
        let offer = Extensions::parse(offer).expect("valid offer");
        let mut check = AnswerCheck::new(offer.clone(), super::super::deflate_offers(offer), true);
        for extension in Extensions::parse(answer).expect("valid answer") {
            check.answered(&extension)?;
        }
        Ok(check.deflate())
    }

    #[test]
    fn s15_answer_is_a_subset_in_the_offers_order() {
        assert_eq!(check(b"a, b", b"a, b"), Ok(None));
        assert_eq!(check(b"a, b", b"b"), Ok(None));
        assert_eq!(check(b"a, b", b"b, a"), Err(AnswerFault::NotOffered));
        assert_eq!(check(b"a", b"c"), Err(AnswerFault::NotOffered));
        assert_eq!(check(b"a", b"a, a"), Err(AnswerFault::NotOffered));
    }

    #[test]
    fn c11_a_client_takes_the_answer_in_any_order() {
        let offer = Extensions::parse(b"a, b").expect("valid offer");
        let mut check = AnswerCheck::new(offer.clone(), super::super::deflate_offers(offer), false);
        for extension in Extensions::parse(b"b, a").expect("valid answer") {
            assert_eq!(check.answered(&extension), Ok(()));
        }
        assert_eq!(
            check.answered(&Extensions::parse(b"c").expect("valid").next().expect("one")),
            Err(AnswerFault::NotOffered)
        );
    }

    #[test]
    fn d24_one_rsv1_extension_and_a_deflate_answer_for_some_offer() {
        assert_eq!(
            check(
                b"permessage-deflate, x-webkit-deflate-frame",
                b"permessage-deflate, x-webkit-deflate-frame"
            ),
            Err(AnswerFault::Conflicting)
        );
        assert_eq!(
            check(
                b"permessage-deflate; client_max_window_bits, permessage-deflate",
                b"permessage-deflate; client_max_window_bits=10"
            ),
            Ok(Some(DeflateParams {
                client_max_window_bits: Some(10),
                ..DeflateParams::default()
            }))
        );
        assert_eq!(
            check(
                b"permessage-deflate",
                b"permessage-deflate; client_max_window_bits=10"
            ),
            Err(AnswerFault::Deflate(DeflateError::ClientWindowNotOffered))
        );
    }
}
