//! Accounts: sign up, log in with throttling, password reset.

use chrono::{Duration, NaiveDateTime};

use super::confirmation;
use super::sessions;
use super::tokens;
use crate::db::models::{NewUser, User};
use crate::db::{AnyConnection, accounts as db};
use crate::domain::billing::Plan;
use crate::domain::{DomainError, DomainResult, invalid};
use crate::mail::{messages, outbox};

/// An email address, trimmed and lower-cased, of a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address as typed. Refusal: `Invalid` ("Enter an email address like
    /// name@example.com.").
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let email = raw.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return invalid("Enter an email address like name@example.com.");
        };
        let plausible = !local.is_empty()
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if !plausible {
            return invalid("Enter an email address like name@example.com.");
        }
        Ok(Self(email))
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters.
pub struct NewPassword(String);

impl NewPassword {
    /// The shortest password accepted, in characters.
    pub const MIN_CHARS: usize = 10;

    /// Parses a new password. Refusal: `Invalid` under `MIN_CHARS` or over 200 characters.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return invalid(format!(
                "Choose a password of at least {} characters.",
                Self::MIN_CHARS
            ));
        }
        if chars > 200 {
            return invalid("Choose a password of at most 200 characters.");
        }
        Ok(Self(raw.to_string()))
    }

    fn hash(&self, cost: u32) -> DomainResult<String> {
        bcrypt::hash(&self.0, cost).map_err(|e| DomainError::Internal(format!("bcrypt: {e}")))
    }
}

/// A person's name as typed: trimmed, 1–100 characters, no line breaks (it goes into email
/// subjects).
pub struct PersonName(String);

impl PersonName {
    /// Parses a name as typed. Refusal: `Invalid` when empty, over 100 characters or holding
    /// a line break or another control character.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let name = raw.trim();
        if name.is_empty() {
            return invalid("Enter your name.");
        }
        if name.chars().count() > 100 {
            return invalid("Enter a name of at most 100 characters.");
        }
        // The name goes into the subject of invitations and reminders.
        crate::mail::header_text::check(name, "Your name")?;
        Ok(Self(name.to_string()))
    }
}

/// A sign-up form, parsed.
pub struct SignUp {
    pub name: PersonName,
    pub email: EmailAddress,
    pub password: NewPassword,
}

/// How a new account's address counts as proven.
pub enum AddressProof<'a> {
    /// Unconfirmed until the owner follows the link emailed to it (links under `base_url`).
    EmailLink { base_url: &'a str },
    /// Confirmed at once: accounts the operator creates (the demo, benchmarks).
    Operator,
}

/// Creates an account. With `AddressProof::EmailLink` its address is unconfirmed and a
/// confirmation link is queued in the same transaction (`confirmation`). Refuses an address
/// that already has an account.
pub fn sign_up(
    conn: &mut AnyConnection,
    form: SignUp,
    proof: AddressProof,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<User> {
    if db::user_by_email(conn, form.email.as_str())?.is_some() {
        return invalid(
            "An account with this email address already exists. Log in, or use “Forgot password”.",
        );
    }
    let hash = form.password.hash(bcrypt_cost)?;
    let inserted = crate::db::write_transaction(conn, |conn| {
        let user = db::insert_user(
            conn,
            &NewUser {
                email: form.email.as_str(),
                name: &form.name.0,
                password_hash: &hash,
                plan: Plan::Free.code(),
                period_anchor: now,
                paid_until: None,
                created_at: now,
                email_confirmed_at: matches!(proof, AddressProof::Operator).then_some(now),
            },
        )?;
        if let AddressProof::EmailLink { base_url } = proof {
            confirmation::send_sign_up_link(conn, &user, base_url, now)?;
        }
        Ok(user)
    });
    match inserted {
        // Two sign-ups racing for one address: the unique index decides.
        Err(DomainError::Db(crate::db::DbError::Conflict(_))) => {
            invalid("An account with this email address already exists.")
        }
        other => other,
    }
}

/// Attempts not known to have succeeded in this window block further tries for the address
/// or the client (OWASP Authentication Cheat Sheet, "Login Throttling").
const THROTTLE_WINDOW_MINUTES: i64 = 15;
const MAX_FAILURES_PER_ADDRESS: i64 = 5;
const MAX_FAILURES_PER_CLIENT: i64 = 20;

/// Logs in with an address (trimmed, lower-cased) and password, throttled: each attempt is
/// claimed atomically before its password is checked, so at most 5 passwords are checked per
/// address and 20 per client address (`client_ip`, see `web::extract::client_ip`) in any
/// 15 minutes, however many requests arrive at once and on however many processes. A correct
/// password inside the limit logs in and clears the address's failures.
///
/// Errors: `Throttled` when a limit is reached (nothing checked), `Invalid` with one message
/// for an unknown address and a wrong password alike.
pub fn log_in(
    conn: &mut AnyConnection,
    raw_email: &str,
    password: &str,
    client_ip: &str,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<User> {
    let email = raw_email.trim().to_lowercase();
    let limits = db::LoginLimits {
        since: now - Duration::minutes(THROTTLE_WINDOW_MINUTES),
        per_address: MAX_FAILURES_PER_ADDRESS,
        per_client: MAX_FAILURES_PER_CLIENT,
    };
    if !db::claim_login_attempt(conn, &email, client_ip, now, &limits)? {
        return Err(DomainError::Throttled(format!(
            "Too many failed log-in attempts. Wait {THROTTLE_WINDOW_MINUTES} minutes and try again, or reset your password."
        )));
    }
    let user = db::user_by_email(conn, &email)?;
    let matches = match &user {
        Some(user) => bcrypt::verify(password, &user.password_hash).unwrap_or(false),
        None => {
            // Spend the same time on an unknown address as on a wrong password.
            let _ = bcrypt::hash(password, bcrypt_cost);
            false
        }
    };
    match user {
        Some(user) if matches => {
            db::clear_login_failures(conn, &email)?;
            Ok(user)
        }
        // The claimed attempt stays recorded as a failure.
        _ => invalid("Wrong email address or password."),
    }
}

const RESET_LINK_HOURS: i64 = 1;

/// Emails a reset link when the address has an account; says nothing either way.
pub fn request_password_reset(
    conn: &mut AnyConnection,
    email: &EmailAddress,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let Some(user) = db::user_by_email(conn, email.as_str())? else {
        return Ok(());
    };
    let (token, hash) = tokens::generate();
    let expires_at = now + Duration::hours(RESET_LINK_HOURS);
    crate::db::write_transaction(conn, |conn| {
        db::insert_password_reset(conn, user.id, &hash, expires_at, now)?;
        let link = format!("{base_url}/password/reset?token={token}");
        let message = messages::password_reset(&user.name, &link, expires_at)?;
        outbox::enqueue(conn, &user.email, &message, now)?;
        Ok(())
    })
}

/// Whether a reset link can still be used, checked before the form is shown.
pub fn check_reset_token(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    match db::password_reset_by_hash(conn, &tokens::digest(token))? {
        Some(reset) if reset.used_at.is_none() && reset.expires_at > now => Ok(()),
        _ => Err(DomainError::Expired(
            "This password reset link has expired or was already used. Ask for a new one.".into(),
        )),
    }
}

/// Sets a new password with a reset link's token, ends every session of the account and
/// confirms its address (the link proved it); returns the account. Refusals: `Expired` for
/// an unknown or expired token, `AlreadyUsed` when two uses race and this one lost.
pub fn reset_password(
    conn: &mut AnyConnection,
    token: &str,
    password: NewPassword,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<User> {
    let hash = password.hash(bcrypt_cost)?;
    crate::db::write_transaction(conn, |conn| {
        let reset = match db::password_reset_by_hash(conn, &tokens::digest(token))? {
            Some(reset) if reset.used_at.is_none() && reset.expires_at > now => reset,
            _ => {
                return Err(DomainError::Expired(
                    "This password reset link has expired or was already used. Ask for a new one."
                        .into(),
                ));
            }
        };
        if !db::use_password_reset(conn, reset.id, now)? {
            return Err(DomainError::AlreadyUsed(
                "This password reset link was already used.".into(),
            ));
        }
        db::set_password_hash(conn, reset.user_id, &hash)?;
        // Whoever held the old password (or a copied cookie) is logged out everywhere.
        sessions::end_all_of(conn, reset.user_id, None, now)?;
        // The link was emailed to the account's address: following it proves the address.
        crate::db::confirmations::mark_address_confirmed(conn, reset.user_id, now)?;
        let user = db::user_by_id(conn, reset.user_id)?;
        db::clear_login_failures(conn, &user.email)?;
        Ok(user)
    })
}

/// Refuses with "The current password is wrong." unless `raw` is the user's password.
pub fn check_current_password(user: &User, raw: &str) -> DomainResult<()> {
    if bcrypt::verify(raw, &user.password_hash).unwrap_or(false) {
        Ok(())
    } else {
        invalid("The current password is wrong.")
    }
}

/// Changes the password of a logged-in user (the current one is required) and ends their
/// other sessions; the session `this_session` making the change stays.
pub fn change_password(
    conn: &mut AnyConnection,
    user: &User,
    this_session: i64,
    current_password: &str,
    new_password: NewPassword,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<String> {
    check_current_password(user, current_password)?;
    let hash = new_password.hash(bcrypt_cost)?;
    let ended = crate::db::write_transaction(conn, |conn| {
        db::set_password_hash(conn, user.id, &hash)?;
        sessions::end_all_of(conn, user.id, Some(this_session), now)
    })?;
    Ok(match ended {
        0 => "Your password was changed.".into(),
        1 => "Your password was changed, and your 1 other session was logged out.".into(),
        n => format!("Your password was changed, and your {n} other sessions were logged out."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("ten chars!").is_ok());
    }
}
