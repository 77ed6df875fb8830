//! A reply pauses the team's sequences to that company (issue 16 item 2): when a recipient
//! replies, every other active recipient at exactly the same domain in the active or paused
//! campaigns of the replier's owner and of every teammate is paused, with the reason on each
//! campaign page, until the owner of that campaign resumes them one by one. Free-mail
//! domains (gmail.com, outlook.com …) are never a company: the list is the MIT-licensed
//! `free-email-domains` package by Kiko Beats (npm, version 1.12.6, 14,125 domains,
//! `free_mail_domains.txt` with its licence beside it). The team setting (on by default) is
//! the leader's, on My Team; whether it applies is decided by `policy::company_pause_applies`.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDateTime;

use crate::db::ids::UserId;
use crate::db::models::{CampaignMessage, User};
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, campaigns as campaign_db, company_pause as db, recipients, team};
use crate::domain::{DomainError, DomainResult, policy};

static FREE_MAIL: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("free_mail_domains.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether `domain` (lower case) is a free-mail provider's, not a company's.
pub fn is_free_mail(domain: &str) -> bool {
    FREE_MAIL.contains(domain)
}

/// The company domain of `email` (lower case, after the last `@`); `None` for a free-mail
/// address or one without a domain.
pub fn company_domain(email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.trim().to_lowercase();
    (!domain.is_empty() && !is_free_mail(&domain)).then_some(domain)
}

/// The reply to `ours` pauses the sequences to its company: the owner's other campaigns'
/// recipients there ("a reply from acme.example in one of your campaigns") and, in a
/// team whose setting is on, every teammate's ("a teammate got a reply from
/// acme.example"). Returns how many recipients were paused. Runs in the caller's
/// transaction (the one recording the reply).
pub fn pause_for_reply(conn: &mut AnyConnection, ours: &CampaignMessage) -> DomainResult<usize> {
    let Some(domain) = company_domain(&ours.recipient_email) else {
        return Ok(0);
    };
    let Some(campaign) = campaign_db::by_id(conn, ours.campaign_id)? else {
        return Ok(0);
    };
    let owner = campaign.owner_id;
    let (setting, teammates) = team_of(conn, owner)?;
    if !policy::company_pause_applies(setting) {
        return Ok(0);
    }
    let mut paused = db::pause_at_domain(
        conn,
        &[owner],
        &domain,
        ours.recipient_id,
        &format!("a reply from {domain} in one of your campaigns"),
    )?;
    if !teammates.is_empty() {
        paused += db::pause_at_domain(
            conn,
            &teammates,
            &domain,
            ours.recipient_id,
            &format!("a teammate got a reply from {domain}"),
        )?;
    }
    Ok(paused)
}

/// The team setting (`None` outside a team) and the other active people of `owner`'s team
/// (leader and members, `owner` left out).
fn team_of(conn: &mut AnyConnection, owner: UserId) -> DomainResult<(Option<bool>, Vec<UserId>)> {
    let found = match team::active_membership_of(conn, owner)? {
        Some(membership) => team::team_by_id(conn, membership.team_id)?,
        None => team::team_by_leader(conn, owner)?,
    };
    let Some(found) = found else {
        return Ok((None, Vec::new()));
    };
    let mut people = team::active_member_ids(conn, found.id)?;
    people.push(found.leader_id);
    people.retain(|id| *id != owner);
    Ok((Some(found.reply_pauses_company), people))
}

/// "Resume" on a recipient paused by a company reply: their sequence goes on (the next
/// email when it was due, at once if that has passed), recorded in Team activity.
/// Refusals: `NotFound` unless `user` owns the campaign (`editor::owned_by`, then
/// `policy::may_resume_recipient`) and the recipient is paused in it.
pub fn resume_recipient(
    conn: &mut AnyConnection,
    user: &User,
    campaign_id: i64,
    recipient_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = super::editor::owned_by(conn, user, campaign_id, now)?;
    policy::may_resume_recipient(user.id, campaign.owner_id)?;
    let recipient =
        recipients::recipient_by_id(conn, recipient_id)?.ok_or(DomainError::NotFound)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::resume(conn, campaign.id, recipient_id)? {
            return Err(DomainError::NotFound);
        }
        let detail = format!("“{}”: {}", campaign.name, recipient.email);
        crate::domain::team::record_activity(
            conn,
            user.id,
            ActivityKind::Resumed,
            "one recipient",
            &detail,
            now,
        )
    })?;
    Ok(format!("{}: their sequence goes on.", recipient.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_mail_is_never_a_company() {
        assert_eq!(
            company_domain("Bob@Acme.Example").as_deref(),
            Some("acme.example")
        );
        for free in ["dave@gmail.com", "x@outlook.com", "y@yahoo.com", "z@GMX.de"] {
            assert_eq!(company_domain(free), None, "{free}");
        }
        assert_eq!(company_domain("no-domain"), None);
    }
}
