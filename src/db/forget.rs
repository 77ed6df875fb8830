//! Queries for forgetting a prospect: every row of a team (`people`: the leader and the
//! active members) that holds one address, found case-folded, and its overwriting. The
//! address passed in is lower-cased; the replacement values come from the domain
//! (`domain::prospects::forget`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::schema::{
    campaign_messages, campaign_recipients, campaigns, conversations, do_not_email, imports,
    message_links, outbox, prospect_field_values, prospect_lists, prospects, team_activity,
    usage_ledger, users,
};
use super::values::{MessageStatus, RecipientStatus, Verdict};
use super::{AnyConnection, DbError};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// `%text%` for a LIKE over a lower-cased column (`_` and `%` in an address only widen the
/// match; callers check each row again).
fn containing(address: &str) -> String {
    format!("%{address}%")
}

/// (id, first name, last name) of the prospects with `address` in the lists of `people`.
pub fn prospects_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<(i64, String, String)>, DbError> {
    Ok(prospects::table
        .inner_join(prospect_lists::table)
        .filter(prospect_lists::owner_id.eq_any(people))
        .filter(lower(prospects::email).eq(address))
        .select((prospects::id, prospects::first_name, prospects::last_name))
        .load(conn)?)
}

/// Prospect `id` keeps its row (its list, who added it and when: Team statistics count it)
/// and loses everything about the person: `email` becomes `placeholder`, the first name
/// `name`, other fields empty, the verification `Invalid` (so no launch sends to it), and
/// its custom values are deleted.
pub fn anonymise_prospect(
    conn: &mut AnyConnection,
    id: i64,
    placeholder: &str,
    name: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(prospects::table.find(id))
        .set((
            prospects::email.eq(placeholder),
            prospects::first_name.eq(name),
            prospects::last_name.eq(""),
            prospects::company.eq(""),
            prospects::position.eq(""),
            prospects::timezone.eq(""),
            prospects::verification.eq(Some(Verdict::Invalid)),
            prospects::verification_detail.eq(name),
            prospects::verified_at.eq(Some(now)),
        ))
        .execute(conn)?;
    diesel::delete(prospect_field_values::table.filter(prospect_field_values::prospect_id.eq(id)))
        .execute(conn)?;
    Ok(())
}

/// (id, status) of the recipients with `address` of campaigns owned by `people`.
pub fn recipients_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<(i64, RecipientStatus)>, DbError> {
    Ok(campaign_recipients::table
        .inner_join(campaigns::table)
        .filter(campaigns::owner_id.eq_any(people))
        .filter(lower(campaign_recipients::email).eq(address))
        .select((campaign_recipients::id, campaign_recipients::status))
        .load(conn)?)
}

/// Recipient `id`'s address becomes `placeholder` (its status and history stay).
/// Deletes the team conversations with `address` (lower case) that `people` hold: who
/// was writing to a forgotten person is not kept.
pub fn drop_conversations(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<usize, DbError> {
    Ok(diesel::delete(
        conversations::table
            .filter(conversations::owner_id.eq_any(people))
            .filter(conversations::email.eq(address)),
    )
    .execute(conn)?)
}

pub fn anonymise_recipient(
    conn: &mut AnyConnection,
    id: i64,
    placeholder: &str,
) -> Result<(), DbError> {
    diesel::update(campaign_recipients::table.find(id))
        .set(campaign_recipients::email.eq(placeholder))
        .execute(conn)?;
    Ok(())
}

/// (id, recipient id, status) of the emails of `people` to `address`.
pub fn messages_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<(i64, i64, MessageStatus)>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::owner_id.eq_any(people))
        .filter(lower(campaign_messages::recipient_email).eq(address))
        .select((
            campaign_messages::id,
            campaign_messages::recipient_id,
            campaign_messages::status,
        ))
        .load(conn)?)
}

/// Email `id` keeps its row (sent, opened, clicked, replied: the statistics) with
/// `placeholder` as its address, `reason` for any error text (an SMTP answer may quote
/// the address) and "forgotten" for the subject it went out with (filled with the person's
/// values); its tracked links, whose URLs may carry the person's placeholders, are deleted
/// (a click on one then finds nothing). With `give_up`, a pending retry is failed.
pub fn anonymise_message(
    conn: &mut AnyConnection,
    id: i64,
    placeholder: &str,
    reason: &str,
    give_up: bool,
) -> Result<(), DbError> {
    diesel::update(campaign_messages::table.find(id))
        .set(campaign_messages::recipient_email.eq(placeholder))
        .execute(conn)?;
    // The subject it went out with holds the person's values (threading repeats it).
    diesel::update(
        campaign_messages::table
            .find(id)
            .filter(campaign_messages::subject.ne("")),
    )
    .set(campaign_messages::subject.eq("forgotten"))
    .execute(conn)?;
    diesel::update(
        campaign_messages::table
            .find(id)
            .filter(campaign_messages::last_error.ne("")),
    )
    .set(campaign_messages::last_error.eq(reason))
    .execute(conn)?;
    if give_up {
        diesel::update(campaign_messages::table.find(id))
            .set((
                campaign_messages::status.eq(MessageStatus::Failed),
                campaign_messages::last_error.eq(reason),
                campaign_messages::next_attempt_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    diesel::delete(message_links::table.filter(message_links::message_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Entries of the lists of `list_owners` with `digest` lose their text (`entry` NULL) and
/// keep the digest. Returns how many.
pub fn strip_do_not_email(
    conn: &mut AnyConnection,
    list_owners: &[UserId],
    digest: &str,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        do_not_email::table
            .filter(do_not_email::list_owner_id.eq_any(list_owners))
            .filter(do_not_email::digest.eq(digest)),
    )
    .set(do_not_email::entry.eq(None::<String>))
    .execute(conn)?)
}

/// Ledger rows of `people` (as payer or spender) naming `address` name `digest` instead.
pub fn digest_ledger(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
    digest: &str,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        usage_ledger::table
            .filter(
                usage_ledger::payer_id
                    .eq_any(people)
                    .or(usage_ledger::user_id.eq_any(people)),
            )
            .filter(lower(usage_ledger::recipient_email.assume_not_null()).eq(address)),
    )
    .set(usage_ledger::recipient_email.eq(Some(digest)))
    .execute(conn)?)
}

/// Team `team_id`'s activity lines about `address` name `digest` instead.
pub fn digest_activity(
    conn: &mut AnyConnection,
    team_id: TeamId,
    address: &str,
    digest: &str,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        team_activity::table
            .filter(team_activity::team_id.eq(team_id))
            .filter(lower(team_activity::subject_email).eq(address)),
    )
    .set(team_activity::subject_email.eq(digest))
    .execute(conn)?)
}

/// (id, detail) of team `team_id`'s activity lines whose detail may mention `address`.
pub fn activity_details_with(
    conn: &mut AnyConnection,
    team_id: TeamId,
    address: &str,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(team_activity::table
        .filter(team_activity::team_id.eq(team_id))
        .filter(lower(team_activity::detail).like(containing(address)))
        .select((team_activity::id, team_activity::detail))
        .load(conn)?)
}

pub fn set_activity_detail(conn: &mut AnyConnection, id: i64, detail: &str) -> Result<(), DbError> {
    diesel::update(team_activity::table.find(id))
        .set(team_activity::detail.eq(detail))
        .execute(conn)?;
    Ok(())
}

/// (id, file content, report) of the imports of `people` whose file or report may hold
/// `address`.
pub fn imports_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<(i64, String, String)>, DbError> {
    Ok(imports::table
        .filter(imports::owner_id.eq_any(people))
        .filter(
            lower(imports::content)
                .like(containing(address))
                .or(lower(imports::report).like(containing(address))),
        )
        .select((imports::id, imports::content, imports::report))
        .load(conn)?)
}

pub fn set_import_texts(
    conn: &mut AnyConnection,
    id: i64,
    content: &str,
    report: &str,
) -> Result<(), DbError> {
    diesel::update(imports::table.find(id))
        .set((imports::content.eq(content), imports::report.eq(report)))
        .execute(conn)?;
    Ok(())
}

/// An email of the outbox: (id, subject, text part, HTML part).
pub type OutboxTexts = (i64, String, String, String);

/// Outbox emails to `people` (reply digests name the replying prospect) that may hold
/// `address`.
pub fn outbox_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<OutboxTexts>, DbError> {
    Ok(outbox::table
        .inner_join(users::table.on(users::email.eq(outbox::to_address)))
        .filter(users::id.eq_any(people))
        .filter(
            lower(outbox::subject)
                .like(containing(address))
                .or(lower(outbox::text_body).like(containing(address)))
                .or(lower(outbox::html_body).like(containing(address))),
        )
        .select((
            outbox::id,
            outbox::subject,
            outbox::text_body,
            outbox::html_body,
        ))
        .load(conn)?)
}

pub fn set_outbox_texts(conn: &mut AnyConnection, texts: &OutboxTexts) -> Result<(), DbError> {
    diesel::update(outbox::table.find(texts.0))
        .set((
            outbox::subject.eq(&texts.1),
            outbox::text_body.eq(&texts.2),
            outbox::html_body.eq(&texts.3),
        ))
        .execute(conn)?;
    Ok(())
}

/// (id, status reason) of the campaigns of `people` whose reason may quote `address`.
pub fn campaign_reasons_with(
    conn: &mut AnyConnection,
    people: &[UserId],
    address: &str,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(campaigns::table
        .filter(campaigns::owner_id.eq_any(people))
        .filter(lower(campaigns::status_reason).like(containing(address)))
        .select((campaigns::id, campaigns::status_reason))
        .load(conn)?)
}

pub fn set_campaign_reason(conn: &mut AnyConnection, id: i64, reason: &str) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::status_reason.eq(reason))
        .execute(conn)?;
    Ok(())
}
