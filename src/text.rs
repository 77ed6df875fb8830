//! Numbers and counts in words for people, the same on every page and in every message:
//! thousands separators ("5,000", by `num-format` with the `en` locale from the Unicode
//! CLDR) and a count with its noun in the right number ("1 prospect list",
//! "2 prospect lists").

use num_format::{Locale, ToFormattedString};

/// A count, taken from any integer a page or a query has (by value or by reference, as
/// templates pass fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count(i64);

macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Count {
            fn from(n: $t) -> Self {
                Count(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        impl From<&$t> for Count {
            fn from(n: &$t) -> Self {
                Count::from(*n)
            }
        }
    )*};
}
count_from!(i32, i64, usize);

/// `n` with thousands separators: 5000 → "5,000", -1234567 → "-1,234,567".
pub fn number(n: impl Into<Count>) -> String {
    n.into().0.to_formatted_string(&Locale::en)
}

/// `n` and its noun: `one` for exactly 1, `many` for any other count (0 included), as
/// English does: count(1, "campaign", "campaigns") → "1 campaign", count(5000, …) →
/// "5,000 campaigns".
pub fn count(n: impl Into<Count>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", number(n), if n.0 == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_noun_and_carry_separators() {
        assert_eq!(
            count(1, "prospect list", "prospect lists"),
            "1 prospect list"
        );
        assert_eq!(count(0, "duplicate", "duplicates"), "0 duplicates");
        assert_eq!(count(2, "campaign", "campaigns"), "2 campaigns");
        assert_eq!(count(5000, "credit", "credits"), "5,000 credits");
        assert_eq!(number(-1_234_567), "-1,234,567");
        assert_eq!(count(3usize, "row", "rows"), "3 rows");
    }
}
