//! One iterator type for two sources: a head's bytes or `http` types.

/// Either of two iterators over the same items.
#[derive(Clone, Debug)]
pub(crate) enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<A, B> Iterator for Either<A, B>
where
    A: Iterator,
    B: Iterator<Item = A::Item>,
{
    type Item = A::Item;

    fn next(&mut self) -> Option<A::Item> {
        match self {
            Self::Left(items) => items.next(),
            Self::Right(items) => items.next(),
        }
    }
}

/// `Either::Left(items)` where the right side exists only with the `http` feature:
/// without it, the right side is an empty iterator of the same items.
#[cfg(feature = "http")]
macro_rules! left {
    ($items:expr $(,)?) => {
        $crate::either::Either::Left($items)
    };
}

#[cfg(not(feature = "http"))]
macro_rules! left {
    ($items:expr $(,)?) => {
        $crate::either::Either::<_, core::iter::Empty<_>>::Left($items)
    };
}

pub(crate) use left;
