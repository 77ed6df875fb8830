//! Batched inserts for `dripteam demo --members N`: many rows per statement, so a large
//! realistic team is built in minutes. `insert_batch!` and `BATCH` also serve a launch's
//! recipients (`launch::insert_recipients`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::schema::{
    campaign_messages, campaign_recipients, memberships, prospects, usage_ledger, users,
};
use super::values::{MessageStatus, RecipientStatus, RecordsScope, Unit};
use super::{AnyConnection, DbError};

/// Rows per INSERT statement (SQLite allows 32,766 bound values per statement).
pub const BATCH: usize = 500;

/// A multi-row INSERT on the inner connection: diesel's batch insert does not go through
/// the `AnyConnection` enum, so the same statement is run on whichever backend is in use.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $values:expr) => {
        match $conn {
            AnyConnection::Sqlite(lite) => {
                diesel::insert_into($table).values($values).execute(lite)
            }
            AnyConnection::Postgresql(pg) => {
                diesel::insert_into($table).values($values).execute(pg)
            }
        }
    };
}
pub(super) use insert_batch;

pub fn users(
    conn: &mut AnyConnection,
    rows: &[(String, String)],
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(email, name)| {
                (
                    users::email.eq(email),
                    users::name.eq(name),
                    users::password_hash.eq(password_hash),
                    users::plan.eq("free"),
                    users::period_anchor.eq(now),
                    users::created_at.eq(now),
                    users::email_confirmed_at.eq(Some(now)),
                )
            })
            .collect();
        insert_batch!(&mut *conn, users::table, values)?;
    }
    Ok(())
}

pub fn user_ids_by_email_prefix(
    conn: &mut AnyConnection,
    prefix: &str,
) -> Result<Vec<UserId>, DbError> {
    Ok(users::table
        .filter(users::email.like(format!("{prefix}%")))
        .order(users::id)
        .select(users::id)
        .load(conn)?)
}

pub fn memberships(
    conn: &mut AnyConnection,
    team_id: TeamId,
    user_ids: &[UserId],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    for chunk in user_ids.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|id| {
                (
                    memberships::team_id.eq(team_id),
                    memberships::user_id.eq(id),
                    memberships::records_scope.eq(RecordsScope::TeamRecords),
                    memberships::joined_at.eq(now),
                )
            })
            .collect();
        insert_batch!(&mut *conn, memberships::table, values)?;
    }
    Ok(())
}

/// (list id, owner id, email, first name, company, created at)
pub type ProspectRow = (i64, UserId, String, String, String, NaiveDateTime);

pub fn prospects(conn: &mut AnyConnection, rows: &[ProspectRow]) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(list, owner, email, first, company, at)| {
                (
                    prospects::list_id.eq(list),
                    prospects::owner_id.eq(owner),
                    prospects::added_by.eq(owner),
                    prospects::email.eq(email),
                    prospects::first_name.eq(first),
                    prospects::company.eq(company),
                    prospects::created_at.eq(at),
                )
            })
            .collect();
        insert_batch!(&mut *conn, prospects::table, values)?;
    }
    Ok(())
}

/// (id, email) of a list's prospects.
pub fn prospects_of_list(
    conn: &mut AnyConnection,
    list_id: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(list_id))
        .order(prospects::id)
        .select((prospects::id, prospects::email))
        .load(conn)?)
}

/// Recipients of a campaign, finished; returns their ids in prospect order.
pub fn finished_recipients(
    conn: &mut AnyConnection,
    campaign_id: i64,
    prospects: &[(i64, String)],
    now: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    for chunk in prospects.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, email)| {
                (
                    campaign_recipients::campaign_id.eq(campaign_id),
                    campaign_recipients::prospect_id.eq(id),
                    campaign_recipients::email.eq(email),
                    campaign_recipients::status.eq(RecipientStatus::Finished),
                    campaign_recipients::created_at.eq(now),
                )
            })
            .collect();
        insert_batch!(&mut *conn, campaign_recipients::table, values)?;
    }
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .order(campaign_recipients::id)
        .select(campaign_recipients::id)
        .load(conn)?)
}

/// A sent email with its events, for the demo history.
pub struct SentEmail {
    pub campaign_id: i64,
    pub recipient_id: i64,
    pub owner_id: UserId,
    pub sender_id: i64,
    pub step: i32,
    pub email: String,
    pub message_id: String,
    pub token: String,
    pub sent_at: NaiveDateTime,
    pub opened_at: Option<NaiveDateTime>,
    pub clicked_at: Option<NaiveDateTime>,
    pub replied_at: Option<NaiveDateTime>,
}

pub fn sent_emails(conn: &mut AnyConnection, rows: &[SentEmail]) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|m| {
                (
                    (
                        campaign_messages::campaign_id.eq(m.campaign_id),
                        campaign_messages::recipient_id.eq(m.recipient_id),
                        campaign_messages::owner_id.eq(m.owner_id),
                        campaign_messages::sender_id.eq(m.sender_id),
                        campaign_messages::step_position.eq(m.step),
                        campaign_messages::recipient_email.eq(&m.email),
                        campaign_messages::message_id.eq(&m.message_id),
                        campaign_messages::tracking_token.eq(&m.token),
                    ),
                    (
                        campaign_messages::status.eq(MessageStatus::Sent),
                        campaign_messages::attempts.eq(1),
                        campaign_messages::claimed_at.eq(m.sent_at),
                        campaign_messages::sent_at.eq(Some(m.sent_at)),
                        campaign_messages::opened_at.eq(m.opened_at),
                        campaign_messages::clicked_at.eq(m.clicked_at),
                        campaign_messages::replied_at.eq(m.replied_at),
                    ),
                )
            })
            .collect();
        insert_batch!(&mut *conn, campaign_messages::table, values)?;
    }
    Ok(())
}

/// A recipient spent from the pool of `payer_id` by `user_id` in the period starting at
/// `period_start`, first emailed (accepted) at `at`.
pub struct RecipientSpend {
    pub payer_id: UserId,
    pub user_id: UserId,
    pub team_id: TeamId,
    /// The SHA-256 of the address, as the ledger keeps it.
    pub email: String,
    pub period_start: NaiveDateTime,
    pub at: NaiveDateTime,
}

pub fn recipient_spends(conn: &mut AnyConnection, rows: &[RecipientSpend]) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    usage_ledger::payer_id.eq(r.payer_id),
                    usage_ledger::user_id.eq(r.user_id),
                    usage_ledger::team_id.eq(Some(r.team_id)),
                    usage_ledger::kind.eq(Unit::Recipient),
                    usage_ledger::amount.eq(1),
                    usage_ledger::recipient_email.eq(Some(&r.email)),
                    usage_ledger::period_start.eq(r.period_start),
                    usage_ledger::created_at.eq(r.at),
                )
            })
            .collect();
        insert_batch!(&mut *conn, usage_ledger::table, values)?;
    }
    Ok(())
}
