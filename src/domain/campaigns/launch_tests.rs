//! Launch skip reasons and their counts (unit tests of `launch`).

use super::*;

fn candidate(email: &str, verification: Option<Verdict>) -> Candidate {
    Candidate {
        prospect_id: 1,
        email: email.into(),
        verification,
    }
}

#[test]
fn only_verified_invalid_addresses_are_skipped_disposable_ones_told_apart() {
    let invalid = Some(Verdict::Invalid);
    assert_eq!(
        skip_reason(&candidate("a@acme.example", None), false, false),
        None
    );
    let unknown = candidate("a@slow.test", Some(Verdict::Unknown));
    assert_eq!(skip_reason(&unknown, false, false), None);
    assert_eq!(
        skip_reason(&candidate("a@nomx.test", invalid), false, false),
        Some(SkipReason::InvalidAddress)
    );
    assert_eq!(
        skip_reason(&candidate("a@Mailinator.com", invalid), false, false),
        Some(SkipReason::DisposableAddress)
    );
    assert_eq!(
        skip_reason(&candidate("a@nomx.test", invalid), true, false),
        Some(SkipReason::DoNotEmail)
    );
}

#[test]
fn skips_are_summed_per_reason_in_declared_order() {
    let skipped = Skipped::of([
        (SkipReason::DisposableAddress, 1),
        (SkipReason::InvalidAddress, 2),
        (SkipReason::InvalidAddress, 1),
    ]);
    assert_eq!(skipped.summary(), "4 skipped: 3 invalid, 1 disposable");
    assert_eq!(
        skipped.lines(),
        [
            "3 skipped: address verified invalid",
            "1 skipped: disposable address"
        ]
    );
    assert_eq!(Skipped::of([]).summary(), "");
}
