//! Storing an email in the outbox, inside the caller's transaction: the email exists
//! exactly when the change that caused it was committed.

use chrono::NaiveDateTime;

use super::messages::Message;
use crate::db::models::{NewOutboxEmail, OutboxEmail};
use crate::db::{AnyConnection, DbError, outbox};

/// The `limit` most recent emails of the outbox, newest first (the dev mailbox).
pub fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<OutboxEmail>, DbError> {
    outbox::recent(conn, limit)
}

/// Stores `message` for `to`, due now; returns its outbox id.
pub fn enqueue(
    conn: &mut AnyConnection,
    to: &str,
    message: &Message,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    outbox::insert(
        conn,
        &NewOutboxEmail {
            to_address: to,
            subject: &message.subject,
            text_body: &message.text,
            html_body: &message.html,
            created_at: now,
            next_attempt_at: now,
        },
    )
}
