//! "Forget this prospect": a person asks to be forgotten (GDPR Art. 17), and the team
//! erases them. From every list, campaign recipient and email of the team (the leader and
//! every active member; former members' records are theirs) the address, names and custom
//! values go; rows that Team statistics count stay, holding `placeholder(id)` and
//! "forgotten". The team's do-not-email list keeps only the address's SHA-256
//! (`do_not_email::address_digest`), so the sender, which matches by digest, never emails
//! them again; the usage ledger and Team activity keep that digest too. Who may is
//! `policy::may_forget_prospect`.

use chrono::NaiveDateTime;

use super::do_not_email::{self, address_digest};
use super::lists::Viewer;
use crate::db::do_not_email::{self as dne, NewEntry};
use crate::db::ids::UserId;
use crate::db::models::User;
use crate::db::values::{
    ActivityKind, DoNotEmailKind, DoNotEmailReason, MessageStatus, RecipientStatus, SkipReason,
};
use crate::db::{AnyConnection, accounts, forget as db, prospects, recipients, team};
use crate::domain::{DomainError, DomainResult, billing, policy};
use crate::text::count;

/// What replaces a forgotten name, error text or address in a sentence.
pub const FORGOTTEN: &str = "forgotten";

/// The domain of placeholder addresses; `.invalid` is reserved (RFC 2606), so nothing is
/// ever delivered there.
const PLACEHOLDER_DOMAIN: &str = "forgotten.invalid";

/// The address that takes a forgotten one's place in row `id`:
/// "forgotten-<id>@forgotten.invalid", one per row, so unique indexes (an address once per
/// list) still hold.
pub fn placeholder(id: i64) -> String {
    format!("{FORGOTTEN}-{id}@{PLACEHOLDER_DOMAIN}")
}

/// Whether `email` is a placeholder: the prospect was forgotten already.
pub fn is_forgotten(email: &str) -> bool {
    email.ends_with(&format!("@{PLACEHOLDER_DOMAIN}"))
}

/// What the confirmation page names.
pub struct ToForget {
    pub prospect_id: i64,
    pub email: String,
    pub list_id: i64,
    /// The owner's name, when the viewer is not the owner (the leader).
    pub owner_name: Option<String>,
}

/// The prospect to forget, the decision already taken by policy. Refusals: `NotFound` for
/// a prospect the viewer may not see, `Forbidden` for a teammate who is not the leader,
/// `Invalid` for a prospect forgotten already.
fn load(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<(Viewer, crate::db::models::Prospect)> {
    let viewer = Viewer::load(conn, user, now)?;
    let prospect = prospects::prospect_by_id(conn, prospect_id)?.ok_or(DomainError::NotFound)?;
    policy::may_forget_prospect(user.id, viewer.seat.as_ref(), prospect.owner_id)?;
    if is_forgotten(&prospect.email) {
        return Err(DomainError::Invalid(
            "This prospect is already forgotten.".into(),
        ));
    }
    Ok((viewer, prospect))
}

/// The confirmation page of forgetting prospect `prospect_id` (refusals as `forget`).
pub fn to_forget(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<ToForget> {
    let (_, prospect) = load(conn, user, prospect_id, now)?;
    let owner_name = if prospect.owner_id == user.id {
        None
    } else {
        Some(accounts::user_by_id(conn, prospect.owner_id)?.name)
    };
    Ok(ToForget {
        prospect_id: prospect.id,
        email: prospect.email,
        list_id: prospect.list_id,
        owner_name,
    })
}

/// How many rows forgetting changed, for the activity line.
#[derive(Default)]
struct Forgotten {
    prospects: usize,
    recipients: usize,
    emails: usize,
}

/// Forgets prospect `prospect_id` across the team, in one transaction; returns the list it
/// was in and the flash message. Refusals: `NotFound` for a prospect the viewer may not
/// see (or none), `Forbidden` for a teammate other than the leader
/// (`policy::may_forget_prospect`), `Invalid` for a prospect forgotten already.
pub fn forget(
    conn: &mut AnyConnection,
    user: &User,
    prospect_id: i64,
    now: NaiveDateTime,
) -> DomainResult<(i64, String)> {
    let (viewer, prospect) = load(conn, user, prospect_id, now)?;
    let people: Vec<UserId> = match &viewer.seat {
        Some(seat) => seat.people.clone(),
        None => vec![prospect.owner_id],
    };
    let address = prospect.email.trim().to_lowercase();
    let owner_name = accounts::user_by_id(conn, prospect.owner_id)?.name;
    crate::db::write_transaction(conn, |conn| {
        let done = erase(conn, &people, &address, now)?;
        keep_digest(conn, user.id, &people, &address, now)?;
        record(conn, user.id, &people, &address, &owner_name, &done, now)
    })?;
    Ok((
        prospect.list_id,
        "Forgot the prospect. Their address, names and custom fields are gone from your team's lists, campaigns and emails; only a digest of the address stays on the do-not-email list, so nobody in the team emails them again.".into(),
    ))
}

/// Overwrites the person in the team's prospects, recipients and emails.
fn erase(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
    now: NaiveDateTime,
) -> DomainResult<Forgotten> {
    let mut done = Forgotten::default();
    let mut names = Vec::new();
    for (id, first, last) in db::prospects_with(conn, people, address)? {
        names.push(
            format!("{} {}", first.trim(), last.trim())
                .trim()
                .to_string(),
        );
        db::anonymise_prospect(conn, id, &placeholder(id), FORGOTTEN, now)?;
        done.prospects += 1;
    }
    names.retain(|name| !name.is_empty());
    for (id, status) in db::recipients_with(conn, people, address)? {
        db::anonymise_recipient(conn, id, &placeholder(id))?;
        if matches!(status, RecipientStatus::Active | RecipientStatus::Paused) {
            // No further step: the address is on the do-not-email list now.
            recipients::skip_recipient(conn, id, SkipReason::DoNotEmail)?;
        }
        done.recipients += 1;
    }
    for (id, recipient_id, status) in db::messages_with(conn, people, address)? {
        let give_up = status == MessageStatus::Retry;
        db::anonymise_message(conn, id, &placeholder(recipient_id), FORGOTTEN, give_up)?;
        if give_up {
            billing::release_held_recipient(conn, id)?;
        }
        done.emails += 1;
    }
    db::drop_conversations(conn, people, address)?;
    for (id, content, report) in db::imports_with(conn, people, address)? {
        let content: Vec<&str> = content
            .split_inclusive('\n')
            .filter(|line| !line.to_lowercase().contains(address))
            .collect();
        db::set_import_texts(conn, id, &content.concat(), &scrub(&report, address))?;
    }
    for (id, subject, text, html) in db::outbox_with(conn, people, address)? {
        let scrubbed = |t: &str| scrub_named(&scrub(t, address), &names);
        db::set_outbox_texts(
            conn,
            &(id, scrubbed(&subject), scrubbed(&text), scrubbed(&html)),
        )?;
    }
    for (id, reason) in db::campaign_reasons_with(conn, people, address)? {
        db::set_campaign_reason(conn, id, &scrub(&reason, address))?;
    }
    Ok(done)
}

/// The team's do-not-email list holds only the digest: an entry for the address loses its
/// text (on every list of the team's people), and a new digest-only entry is added when
/// the team's list had none. The usage ledger keeps the digest in place of the address.
fn keep_digest(
    conn: &mut AnyConnection,
    actor: UserId,
    people: &[UserId],
    address: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let digest = address_digest(address);
    db::strip_do_not_email(conn, people, &digest)?;
    let list = do_not_email::list_owner(conn, actor)?;
    if dne::reason_for(conn, list, std::slice::from_ref(&digest))?.is_none() {
        dne::insert(
            conn,
            &NewEntry {
                list_owner_id: list,
                entry: None,
                digest: &digest,
                kind: DoNotEmailKind::Address,
                reason: DoNotEmailReason::Forgotten,
                added_by: actor,
                campaign_id: None,
                now,
            },
        )?;
    }
    db::digest_ledger(conn, people, address, &digest)?;
    Ok(())
}

/// One line of Team activity, without the address; earlier lines that named the address
/// name its digest instead.
fn record(
    conn: &mut AnyConnection,
    actor: UserId,
    people: &[UserId],
    address: &str,
    owner_name: &str,
    done: &Forgotten,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let Some(team) = team::team_by_leader(conn, people[0])? else {
        return Ok(());
    };
    db::digest_activity(conn, team.id, address, &address_digest(address))?;
    for (id, detail) in db::activity_details_with(conn, team.id, address)? {
        db::set_activity_detail(conn, id, &scrub(&detail, address))?;
    }
    let detail = format!(
        "{owner_name}'s prospect: {}, {}, {}",
        count(done.prospects as i64, "list entry", "list entries"),
        count(
            done.recipients as i64,
            "campaign recipient",
            "campaign recipients"
        ),
        count(done.emails as i64, "email", "emails"),
    );
    team::insert_activity(
        conn,
        team.id,
        actor,
        "",
        ActivityKind::ProspectForgotten,
        &detail,
        now,
    )?;
    Ok(())
}

/// `text` with every occurrence of `address` (ASCII case folded) replaced by "forgotten".
fn scrub(text: &str, address: &str) -> String {
    let folded = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = folded[at..].find(address) {
        out.push_str(&text[at..at + found]);
        out.push_str(FORGOTTEN);
        at += found + address.len();
    }
    out.push_str(&text[at..]);
    out
}

/// `text` (its address scrubbed) without the person's name where it stood before the
/// address, as reply digests write them: "Ann Smith <forgotten>" (text part) or escaped
/// (HTML part) becomes "forgotten".
fn scrub_named(text: &str, names: &[String]) -> String {
    let mut out = text.to_string();
    for name in names {
        for (open, close) in [("<", ">"), ("&#60;", "&#62;"), ("&lt;", "&gt;")] {
            out = out.replace(&format!("{name} {open}{FORGOTTEN}{close}"), FORGOTTEN);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_scrubbed_whatever_its_case() {
        assert_eq!(
            scrub(
                "Ann <Ann@Acme.example>, ann@acme.example.",
                "ann@acme.example"
            ),
            "Ann <forgotten>, forgotten."
        );
        assert_eq!(
            scrub_named("- Ann Smith <forgotten> replied", &["Ann Smith".into()]),
            "- forgotten replied"
        );
        assert_eq!(placeholder(7), "forgotten-7@forgotten.invalid");
        assert!(is_forgotten(&placeholder(7)) && !is_forgotten("ann@acme.example"));
    }
}
