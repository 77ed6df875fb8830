//! Tracking of campaign emails: opens, clicks and replies recorded once per email, and the
//! tracked links each email carries (one token per URL).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{campaign_messages, message_links};
pub use super::statistics::Event;
use super::{AnyConnection, DbError};

/// Sets an event's time once; false when it was already set.
pub fn record_event(
    conn: &mut AnyConnection,
    id: i64,
    event: Event,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    // One statement whichever event; the macro only spares writing it three times.
    macro_rules! set_once {
        ($column:expr) => {
            diesel::update(campaign_messages::table.find(id).filter($column.is_null()))
                .set($column.eq(now))
                .execute(conn)?
        };
    }
    let changed = match event {
        Event::Opened => set_once!(campaign_messages::opened_at),
        Event::Clicked => set_once!(campaign_messages::clicked_at),
        Event::Replied => set_once!(campaign_messages::replied_at),
    };
    Ok(changed == 1)
}

pub fn insert_link(
    conn: &mut AnyConnection,
    message_id: i64,
    token: &str,
    url: &str,
) -> Result<(), DbError> {
    diesel::insert_into(message_links::table)
        .values((
            message_links::message_id.eq(message_id),
            message_links::token.eq(token),
            message_links::url.eq(url),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn link_tokens_of(conn: &mut AnyConnection, message_id: i64) -> Result<Vec<String>, DbError> {
    Ok(message_links::table
        .filter(message_links::message_id.eq(message_id))
        .select(message_links::token)
        .load(conn)?)
}

/// (email id, URL) of a link token.
pub fn link_by_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<(i64, String)>, DbError> {
    Ok(message_links::table
        .filter(message_links::token.eq(token))
        .select((message_links::message_id, message_links::url))
        .first(conn)
        .optional()?)
}
