//! The plan table and billing-period arithmetic.

use chrono::{Months, NaiveDateTime};

/// A plan: its credits and recipients per billing period and whether Teamwork is full (M and
/// above) or basic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Free,
    S,
    M,
    L,
    Xl,
    Xxl,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 6] = [Plan::Free, Plan::S, Plan::M, Plan::L, Plan::Xl, Plan::Xxl];

    /// The plan stored or sent as `code` ("free", "s", "m", "l", "xl", "xxl"); `None` otherwise.
    pub fn parse(code: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The value stored in the database and used in forms.
    pub fn code(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::S => "s",
            Plan::M => "m",
            Plan::L => "l",
            Plan::Xl => "xl",
            Plan::Xxl => "xxl",
        }
    }

    /// The plan's name for people ("Free", "S", … "XXL").
    pub fn label(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::S => "S",
            Plan::M => "M",
            Plan::L => "L",
            Plan::Xl => "XL",
            Plan::Xxl => "XXL",
        }
    }

    /// Credits per billing period.
    pub fn credits(self) -> i64 {
        match self {
            Plan::Free => 50,
            Plan::S => 1_000,
            Plan::M => 5_000,
            Plan::L => 20_000,
            Plan::Xl => 50_000,
            Plan::Xxl => 100_000,
        }
    }

    /// Unique contacts emailed per billing period.
    pub fn recipients(self) -> i64 {
        match self {
            Plan::Free => 100,
            Plan::S => 5_000,
            Plan::M => 10_000,
            Plan::L => 25_000,
            Plan::Xl => 50_000,
            Plan::Xxl => 100_000,
        }
    }

    /// Full Teamwork (export toggle, records layers, pickers, statistics) from plan M up.
    pub fn has_full_teamwork(self) -> bool {
        self.rank() >= Plan::M.rank()
    }

    /// Free never expires; paid plans run until their paid-until date.
    pub fn is_paid(self) -> bool {
        self != Plan::Free
    }

    /// Order from cheapest (0) to dearest, to tell an upgrade from a downgrade.
    pub fn rank(self) -> usize {
        Plan::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// One billing period: `start <= t < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// `anchor` moved by `months` whole months; a day past the month's end lands on its last day
/// (Jan 31 + 1 month = Feb 28 or 29).
fn anchor_plus(anchor: NaiveDateTime, months: i64) -> NaiveDateTime {
    let shifted = if months >= 0 {
        anchor.checked_add_months(Months::new(months as u32))
    } else {
        anchor.checked_sub_months(Months::new(months.unsigned_abs() as u32))
    };
    shifted.unwrap_or(anchor)
}

/// The billing period, counted in months from `anchor`, that contains `at`.
pub fn period_containing(anchor: NaiveDateTime, at: NaiveDateTime) -> Period {
    use chrono::Datelike;
    let mut k =
        (at.year() as i64 - anchor.year() as i64) * 12 + at.month() as i64 - anchor.month() as i64;
    // The month difference is right to within one; step until at falls inside.
    while anchor_plus(anchor, k) > at {
        k -= 1;
    }
    while anchor_plus(anchor, k + 1) <= at {
        k += 1;
    }
    Period {
        start: anchor_plus(anchor, k),
        end: anchor_plus(anchor, k + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn period_of_a_mid_month_anchor() {
        let p = period_containing(at(2026, 1, 15, 10), at(2026, 3, 20, 0));
        assert_eq!(p.start, at(2026, 3, 15, 10));
        assert_eq!(p.end, at(2026, 4, 15, 10));
    }

    #[test]
    fn anchor_on_the_31st_clamps_to_month_end() {
        let anchor = at(2026, 1, 31, 9);
        let feb = period_containing(anchor, at(2026, 2, 10, 0));
        assert_eq!(feb.start, at(2026, 1, 31, 9));
        assert_eq!(feb.end, at(2026, 2, 28, 9));
        let leap = period_containing(at(2028, 1, 31, 9), at(2028, 2, 29, 12));
        assert_eq!(leap.start, at(2028, 2, 29, 9));
        assert_eq!(leap.end, at(2028, 3, 31, 9));
    }

    #[test]
    fn period_edges_belong_to_the_period_they_start() {
        let anchor = at(2026, 5, 1, 0);
        let p = period_containing(anchor, at(2026, 6, 1, 0));
        assert_eq!(p.start, at(2026, 6, 1, 0));
        let before = period_containing(anchor, at(2026, 6, 1, 0) - chrono::Duration::seconds(1));
        assert_eq!(before.end, at(2026, 6, 1, 0));
    }

    #[test]
    fn an_instant_before_the_anchor_has_a_period_too() {
        let p = period_containing(at(2026, 5, 10, 0), at(2026, 4, 20, 0));
        assert_eq!(p.start, at(2026, 4, 10, 0));
        assert_eq!(p.end, at(2026, 5, 10, 0));
    }

    #[test]
    fn across_year_end() {
        let p = period_containing(at(2025, 11, 30, 0), at(2026, 2, 28, 12));
        assert_eq!(p.start, at(2026, 2, 28, 0));
        assert_eq!(p.end, at(2026, 3, 30, 0));
    }

    #[test]
    fn plans_parse_and_teamwork_levels() {
        assert_eq!(Plan::parse("m"), Some(Plan::M));
        assert_eq!(Plan::parse("gold"), None);
        assert!(!Plan::S.has_full_teamwork());
        assert!(Plan::M.has_full_teamwork());
        assert_eq!(Plan::Xxl.credits(), 100_000);
    }
}
