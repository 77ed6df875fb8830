//! Every stored value parses back from its text (unit tests of `values`).

use super::*;

#[test]
fn every_value_parses_back_from_its_text() {
    fn round_trip<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(parse(as_str(value)), Some(value));
        }
        assert_eq!(parse("no such value"), None);
    }
    round_trip(
        &InvitationStatus::ALL,
        InvitationStatus::as_str,
        InvitationStatus::parse,
    );
    round_trip(
        &MembershipEnd::ALL,
        MembershipEnd::as_str,
        MembershipEnd::parse,
    );
    round_trip(
        &RecordsScope::ALL,
        RecordsScope::as_str,
        RecordsScope::parse,
    );
    round_trip(
        &ActivityKind::ALL,
        ActivityKind::as_str,
        ActivityKind::parse,
    );
    round_trip(&Unit::ALL, Unit::as_str, Unit::parse);
    round_trip(
        &ApprovalStatus::ALL,
        ApprovalStatus::as_str,
        ApprovalStatus::parse,
    );
    round_trip(&AlertKind::ALL, AlertKind::as_str, AlertKind::parse);
    round_trip(
        &ImportStatus::ALL,
        ImportStatus::as_str,
        ImportStatus::parse,
    );
    round_trip(&Verdict::ALL, Verdict::as_str, Verdict::parse);
    round_trip(
        &VerificationStatus::ALL,
        VerificationStatus::as_str,
        VerificationStatus::parse,
    );
    round_trip(
        &CampaignStatus::ALL,
        CampaignStatus::as_str,
        CampaignStatus::parse,
    );
    round_trip(
        &RecipientStatus::ALL,
        RecipientStatus::as_str,
        RecipientStatus::parse,
    );
    round_trip(
        &MessageStatus::ALL,
        MessageStatus::as_str,
        MessageStatus::parse,
    );
    round_trip(&FormKind::ALL, FormKind::as_str, FormKind::parse);
    round_trip(&SkipReason::ALL, SkipReason::as_str, SkipReason::parse);
}
