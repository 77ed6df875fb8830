//! Pages of a long table counted in SQL: which page was asked for (`PageNumber::parse`,
//! any bad value means page 1), where it starts once the total is known (`Pages`), and
//! the counts people read ("101–200 of 8,000", with `text::number` separators).

use crate::text::number;

/// A 1-based page number as asked for in a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(i64);

impl PageNumber {
    /// Parses `?page=` (or another page parameter): missing, empty, not a number, zero
    /// or negative all mean page 1; never a refusal.
    pub fn parse(raw: Option<&str>) -> Self {
        let page = raw.and_then(|r| r.trim().parse::<i64>().ok());
        PageNumber(page.filter(|n| *n >= 1).unwrap_or(1))
    }
}

/// One page of `total` rows, `per_page` at a time; a page past the end is the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    /// The page shown, from 1.
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl Pages {
    /// The page asked for within `total` rows of `per_page` (at least 1).
    pub fn new(asked: PageNumber, per_page: i64, total: i64) -> Self {
        let per_page = per_page.max(1);
        let last = ((total.max(0) + per_page - 1) / per_page).max(1);
        Pages {
            page: asked.0.min(last),
            per_page,
            total: total.max(0),
        }
    }

    /// Rows to skip in SQL (`OFFSET`).
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// The previous page's number, if any.
    pub fn previous(&self) -> Option<i64> {
        (self.page > 1).then(|| self.page - 1)
    }

    /// The next page's number, if any.
    pub fn next(&self) -> Option<i64> {
        (self.offset() + self.per_page < self.total).then(|| self.page + 1)
    }

    /// The rows shown and the total: "101–200 of 8,000"; "0 of 0" when there are none.
    pub fn summary(&self) -> String {
        if self.total == 0 {
            return "0 of 0".into();
        }
        let first = self.offset() + 1;
        let last = (self.offset() + self.per_page).min(self.total);
        format!(
            "{}–{} of {}",
            number(first),
            number(last),
            number(self.total)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_page_numbers_mean_the_first_and_past_the_end_means_the_last() {
        for raw in [
            None,
            Some(""),
            Some("abc"),
            Some("-3"),
            Some("0"),
            Some("1e3"),
        ] {
            assert_eq!(PageNumber::parse(raw), PageNumber(1), "{raw:?}");
        }
        let pages = Pages::new(PageNumber::parse(Some("9")), 100, 250);
        assert_eq!((pages.page, pages.offset()), (3, 200));
        assert_eq!(pages.summary(), "201–250 of 250");
        assert_eq!((pages.previous(), pages.next()), (Some(2), None));
        let huge = Pages::new(PageNumber(i64::MAX), 100, 8_000);
        assert_eq!(huge.summary(), "7,901–8,000 of 8,000");
        assert_eq!(Pages::new(PageNumber(1), 100, 0).summary(), "0 of 0");
    }
}
