//! Server-side sessions. The browser's (encrypted) session cookie carries a random token
//! (`tokens::generate`); the database keeps only its SHA-256 in a row with the user, when
//! it was created and last seen, whether it was revoked, and which browser it is. A request
//! counts as logged in only while that row is live, so log-out, a password reset and
//! "Log out other sessions" end a session everywhere at once, even for a copied cookie and
//! across several app processes (OWASP Session Management Cheat Sheet, "Session expiration"
//! and "Manual session expiration").

use chrono::{Duration, NaiveDateTime};

use super::tokens;
use crate::db::ids::UserId;
use crate::db::models::{SessionRow, User};
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, sessions as db};
use crate::domain::DomainResult;
use crate::domain::team::record_activity;

/// The cookie's lifetime after its last use (set in `startup`): sessions unused this long
/// are no longer listed on the account page, since their browser has dropped the cookie.
pub const IDLE_DAYS: i64 = 14;

/// "Last seen" is written at most this often, so a page view is usually a read only
/// (SQLite has one writer).
pub const TOUCH_EVERY_MINUTES: i64 = 5;

/// Longest client description kept, in characters.
const CLIENT_MAX_CHARS: usize = 120;

/// A readable description of the browser from its `User-Agent` header: control
/// characters dropped, whitespace collapsed, at most 120 characters; "Unknown browser"
/// when nothing is left.
pub fn describe_client(user_agent: Option<&str>) -> String {
    let cleaned: String = user_agent
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let short: String = cleaned.chars().take(CLIENT_MAX_CHARS).collect();
    if short.is_empty() {
        "Unknown browser".into()
    } else {
        short
    }
}

/// Starts a session for the user; returns the token for the cookie (only its digest is
/// stored). A session from a browser (`client`, its `describe_client`) that none of the
/// user's earlier sessions came from is recorded in their team's activity ("new browser");
/// the first session of an account (its sign-up) is the baseline and is not.
pub fn start(
    conn: &mut AnyConnection,
    user_id: UserId,
    client: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (token, hash) = tokens::generate();
    let (earlier, same_browser) = db::seen_clients(conn, user_id, client)?;
    crate::db::write_transaction(conn, |conn| {
        db::insert(conn, user_id, &hash, client, now)?;
        if earlier > 0 && same_browser == 0 {
            record_activity(conn, user_id, ActivityKind::NewBrowser, "", client, now)?;
        }
        Ok::<_, crate::domain::DomainError>(())
    })?;
    Ok(token)
}

/// The live session for a cookie's token and its user, in one statement; `None` when the
/// session was revoked or never existed. Writes "last seen" when it is older than
/// `TOUCH_EVERY_MINUTES`.
pub fn current(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<Option<(SessionRow, User)>> {
    let Some((session, user)) = db::with_user(conn, &tokens::digest(token))? else {
        return Ok(None);
    };
    if now - session.last_seen_at >= Duration::minutes(TOUCH_EVERY_MINUTES) {
        db::touch(conn, session.id, now)?;
    }
    Ok(Some((session, user)))
}

/// Ends the session of this cookie token (log-out). Unknown or already ended: nothing.
pub fn end(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<()> {
    db::revoke_by_hash(conn, &tokens::digest(token), now)?;
    Ok(())
}

/// Ends every session of the user but `keep`; returns how many ended.
pub fn end_all_of(
    conn: &mut AnyConnection,
    user_id: UserId,
    keep: Option<i64>,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    Ok(db::revoke_all_of(conn, user_id, keep, now)?)
}

/// "Log out other sessions" on the account page: ends all the user's sessions but the
/// one making the request. Returns the message to show.
pub fn end_others(
    conn: &mut AnyConnection,
    user: &User,
    this_session: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    Ok(match end_all_of(conn, user.id, Some(this_session), now)? {
        0 => "There were no other sessions to log out.".into(),
        1 => "Logged out 1 other session.".into(),
        n => format!("Logged out {n} other sessions."),
    })
}

/// A session as the account page lists it.
pub struct ActiveSession {
    pub client: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    /// The session making this request.
    pub current: bool,
}

/// The user's live sessions seen in the last `IDLE_DAYS`, most recently seen first, this
/// one marked.
pub fn active(
    conn: &mut AnyConnection,
    user: &User,
    this_session: i64,
    now: NaiveDateTime,
) -> DomainResult<Vec<ActiveSession>> {
    Ok(db::live_of(conn, user.id, now - Duration::days(IDLE_DAYS))?
        .into_iter()
        .map(|s| ActiveSession {
            current: s.id == this_session,
            client: s.client,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::describe_client;

    #[test]
    fn client_descriptions_are_short_and_clean() {
        assert_eq!(describe_client(None), "Unknown browser");
        assert_eq!(describe_client(Some(" \t\r\n")), "Unknown browser");
        assert_eq!(
            describe_client(Some("Mozilla/5.0\r\nX-Evil: 1\t(X11)")),
            "Mozilla/5.0X-Evil: 1(X11)"
        );
        assert_eq!(describe_client(Some(&"a".repeat(500))).len(), 120);
    }
}
