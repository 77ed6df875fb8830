//! Proving an address: nobody is trusted with an address until they follow a link emailed
//! to it. At sign-up (and resent from the account page) the link confirms the account's
//! own address; for a change of address it goes to the NEW address, and the address
//! changes only when it is followed (the old address is then told). Links are single-use,
//! expire after `LINK_HOURS`, and only their SHA-256 is stored (`tokens`).
//!
//! Following a team invitation link or a password reset link proves the address too (they
//! were emailed to it); see `invitation_answers::accept` and `accounts::reset_password`.

use chrono::{Duration, NaiveDateTime};

use super::tokens;
use crate::db::models::User;
use crate::db::{AnyConnection, accounts as users, confirmations as db};
use crate::domain::accounts::{EmailAddress, check_current_password};
use crate::domain::{DomainError, DomainResult, invalid};
use crate::mail::messages::{self, AddressLinkKind};
use crate::mail::outbox;

/// How long an emailed address link works, in hours.
pub const LINK_HOURS: i64 = 48;

/// Links of one purpose a user may be sent per hour (sign-up's counts).
pub const SENDS_PER_HOUR: i64 = 5;

/// What a link proves, stored as its `code()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The account's own address.
    Confirm,
    /// A new address for the account.
    Change,
}

impl Purpose {
    /// The value stored for the purpose.
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Change => "change",
        }
    }

    fn parse(code: &str) -> DomainResult<Self> {
        match code {
            "confirm" => Ok(Purpose::Confirm),
            "change" => Ok(Purpose::Change),
            other => Err(DomainError::Internal(format!(
                "unknown confirmation purpose {other:?}"
            ))),
        }
    }

    fn mail_kind(self) -> AddressLinkKind {
        match self {
            Purpose::Confirm => AddressLinkKind::Confirm,
            Purpose::Change => AddressLinkKind::Change,
        }
    }
}

/// Stores a new link for `email` and queues the email to it, replacing the user's unused
/// links of the same purpose. Call inside the caller's transaction.
fn send_link(
    conn: &mut AnyConnection,
    user: &User,
    email: &str,
    purpose: Purpose,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let (token, hash) = tokens::generate();
    let expires_at = now + Duration::hours(LINK_HOURS);
    db::retire_unused(conn, user.id, purpose.code(), now)?;
    db::insert(
        conn,
        &db::NewConfirmation {
            user_id: user.id,
            email,
            purpose: purpose.code(),
            token_hash: &hash,
            expires_at,
            now,
        },
    )?;
    let link = format!("{base_url}/account/email/confirm?token={token}");
    let message =
        messages::address_link(purpose.mail_kind(), &user.name, email, &link, expires_at)?;
    outbox::enqueue(conn, email, &message, now)?;
    Ok(())
}

fn check_throttle(
    conn: &mut AnyConnection,
    user: &User,
    purpose: Purpose,
    now: NaiveDateTime,
) -> DomainResult<()> {
    if db::sent_since(conn, user.id, purpose.code(), now - Duration::hours(1))? >= SENDS_PER_HOUR {
        return Err(DomainError::Throttled(format!(
            "We sent {SENDS_PER_HOUR} links in the last hour. Wait a while, and look in your spam folder."
        )));
    }
    Ok(())
}

/// Emails the sign-up confirmation link to a new account's address (in the sign-up's
/// transaction).
pub fn send_sign_up_link(
    conn: &mut AnyConnection,
    user: &User,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    send_link(conn, user, &user.email, Purpose::Confirm, base_url, now)
}

/// "Resend confirmation email": a new link to the account's address (the older one dies).
/// Refused when the address is already confirmed or `SENDS_PER_HOUR` were sent this hour.
pub fn resend(
    conn: &mut AnyConnection,
    user: &User,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    if user.email_confirmed_at.is_some() {
        return invalid(format!("{} is already confirmed.", user.email));
    }
    check_throttle(conn, user, Purpose::Confirm, now)?;
    crate::db::write_transaction(conn, |conn| {
        send_link(conn, user, &user.email, Purpose::Confirm, base_url, now)
    })?;
    Ok(format!(
        "We sent a new confirmation link to {}. Earlier links no longer work.",
        user.email
    ))
}

/// Asks to change the account's address: the current password is required, the new
/// address must be free; a link goes to the new address and nothing changes until it is
/// followed. Refusals: wrong password, same address, address of another account, throttle.
pub fn request_change(
    conn: &mut AnyConnection,
    user: &User,
    current_password: &str,
    new_email: &EmailAddress,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    check_current_password(user, current_password)?;
    let new_email = new_email.as_str();
    if new_email == user.email {
        return invalid("That is already your address.");
    }
    if users::user_by_email(conn, new_email)?.is_some() {
        return invalid("Another account uses that address.");
    }
    check_throttle(conn, user, Purpose::Change, now)?;
    crate::db::write_transaction(conn, |conn| {
        send_link(conn, user, new_email, Purpose::Change, base_url, now)
    })?;
    Ok(format!(
        "We sent a link to {new_email}. Your address changes when you follow it; until then it stays {}.",
        user.email
    ))
}

/// What a link will do, shown before the owner presses the button.
pub struct LinkPreview {
    pub purpose: Purpose,
    pub email: String,
}

impl LinkPreview {
    /// Whether following the link changes the account's address (else it confirms it).
    pub fn changes_address(&self) -> bool {
        self.purpose == Purpose::Change
    }

    /// The button's words on the link's page.
    pub fn action(&self) -> &'static str {
        match self.purpose {
            Purpose::Confirm => "Confirm my address",
            Purpose::Change => "Change my address",
        }
    }
}

/// The link's row when it can still be used, or why not.
fn usable(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<(crate::db::models::EmailConfirmation, Purpose, User)> {
    let dead = "This link has expired or was already used. Ask for a new one on your account page.";
    let Some(row) = db::by_hash(conn, &tokens::digest(token))? else {
        return invalid(dead);
    };
    if row.used_at.is_some() || row.expires_at <= now {
        return invalid(dead);
    }
    let purpose = Purpose::parse(&row.purpose)?;
    let user = users::user_by_id(conn, row.user_id)?;
    if purpose == Purpose::Confirm && user.email != row.email {
        return invalid("This link was for an address the account no longer uses.");
    }
    Ok((row, purpose, user))
}

/// Checks a link before its page is shown; nothing changes.
pub fn preview(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<LinkPreview> {
    let (row, purpose, _) = usable(conn, token, now)?;
    Ok(LinkPreview {
        purpose,
        email: row.email,
    })
}

/// Follows a link (the button on its page): confirms the address, or switches the account
/// to the new address and tells the old one. The token is the proof; no log-in is needed.
pub fn follow(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<String> {
    let outcome = crate::db::write_transaction(conn, |conn| {
        let (row, purpose, user) = usable(conn, token, now)?;
        if !db::mark_used(conn, row.id, now)? {
            return Err(DomainError::AlreadyUsed(
                "This link was already used.".into(),
            ));
        }
        match purpose {
            Purpose::Confirm => {
                db::mark_address_confirmed(conn, user.id, now)?;
                Ok(format!("Thank you: {} is confirmed.", row.email))
            }
            Purpose::Change => {
                if users::user_by_email(conn, &row.email)?.is_some() {
                    return invalid(
                        "Another account now uses that address, so it cannot become yours.",
                    );
                }
                db::set_confirmed_email(conn, user.id, &row.email, now)?;
                db::retire_unused(conn, user.id, Purpose::Confirm.code(), now)?;
                let message = messages::address_changed(&user.name, &user.email, &row.email)?;
                outbox::enqueue(conn, &user.email, &message, now)?;
                Ok(format!(
                    "Your email address is now {}. Log in with it from now on.",
                    row.email
                ))
            }
        }
    });
    match outcome {
        // Two accounts racing for one address: the unique index decides.
        Err(DomainError::Db(crate::db::DbError::Conflict(_))) => {
            invalid("Another account now uses that address, so it cannot become yours.")
        }
        other => other,
    }
}
