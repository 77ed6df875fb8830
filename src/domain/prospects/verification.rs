//! Email verification: syntax, domain and MX records (through an `MxResolver`), and a
//! disposable-domain list. One credit per address, from the pool the user draws on, spent
//! up front for the whole request: a list is verified entirely or not at all.

use crate::text::{count, number};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDateTime;
use futures_util::StreamExt;

use crate::db::ids::UserId;
use crate::db::{AnyConnection, DbError, Pool, prospects as db};
use crate::domain::billing;
use crate::domain::policy::RecordAction;
use crate::domain::prospects::Viewer;
use crate::domain::{DomainError, DomainResult, invalid};

/// What the DNS says about a domain's mail servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxAnswer {
    Found,
    /// The domain exists but names no mail server.
    NoRecords,
    NoDomain,
    /// Timeout or server failure: nothing can be concluded.
    Failed(String),
}

/// Looks up MX records. The real one asks DNS (`crate::dns`); tests answer locally.
pub trait MxResolver: Send + Sync {
    fn lookup<'a>(&'a self, domain: &'a str)
    -> Pin<Box<dyn Future<Output = MxAnswer> + Send + 'a>>;
}

pub use crate::db::values::Verdict;

/// Domains of throwaway inboxes.
const DISPOSABLE_DOMAINS: &[&str] = &[
    "mailinator.com",
    "guerrillamail.com",
    "guerrillamail.net",
    "sharklasers.com",
    "10minutemail.com",
    "10minutemail.net",
    "tempmail.com",
    "temp-mail.org",
    "throwawaymail.com",
    "yopmail.com",
    "yopmail.net",
    "trashmail.com",
    "getnada.com",
    "dispostable.com",
    "maildrop.cc",
    "fakeinbox.com",
    "mintemail.com",
    "mailnesia.com",
    "spamgourmet.com",
    "mohmal.com",
    "emailondeck.com",
    "tempr.email",
    "discard.email",
    "mailcatch.com",
    "moakt.com",
    "getairmail.com",
    "tempinbox.com",
    "burnermail.io",
    "spambox.us",
    "trash-mail.com",
];

/// Whether `domain` (lower case) is, or is under, a known disposable-mail domain.
pub fn is_disposable(domain: &str) -> bool {
    DISPOSABLE_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
}

/// The domain of a syntactically valid address, or why it is not one.
pub fn syntax(email: &str) -> Result<&str, &'static str> {
    let (local, domain) = email.rsplit_once('@').ok_or("no @")?;
    if local.is_empty() || local.len() > 64 {
        return Err("bad local part");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("bad dots in the local part");
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok {
        return Err("characters not allowed in the local part");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if !domain_ok {
        return Err("bad domain");
    }
    Ok(domain)
}

/// The verdict for an address whose syntax passed, given the DNS answer for its domain.
pub fn judge(domain: &str, answer: &MxAnswer) -> (Verdict, String) {
    if is_disposable(domain) {
        return (Verdict::Invalid, "disposable email domain".into());
    }
    match answer {
        MxAnswer::Found => (Verdict::Valid, "mail server found".into()),
        MxAnswer::NoRecords => (
            Verdict::Invalid,
            "the domain has no mail server (no MX records)".into(),
        ),
        MxAnswer::NoDomain => (Verdict::Invalid, "the domain does not exist".into()),
        MxAnswer::Failed(why) => (Verdict::Unknown, format!("DNS did not answer: {why}")),
    }
}

/// Verifies every address concurrently, asking DNS once per domain.
pub async fn verify_addresses(
    resolver: &dyn MxResolver,
    emails: &[String],
) -> Vec<(Verdict, String)> {
    let mut domains: Vec<&str> = emails.iter().filter_map(|e| syntax(e).ok()).collect();
    domains.sort_unstable();
    domains.dedup();
    let answers: HashMap<&str, MxAnswer> = futures_util::stream::iter(domains)
        .map(|domain| async move { (domain, resolver.lookup(domain).await) })
        .buffer_unordered(16)
        .collect()
        .await;
    emails
        .iter()
        .map(|email| match syntax(email) {
            Err(why) => (Verdict::Invalid, format!("syntax: {why}")),
            Ok(domain) => judge(domain, &answers[domain]),
        })
        .collect()
}

/// What to verify: one prospect, or a whole list.
#[derive(Clone, Copy)]
pub enum Target {
    Prospect(i64),
    List(i64),
}

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    work: impl FnOnce(&mut AnyConnection) -> DomainResult<T> + Send + 'static,
) -> DomainResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get().map_err(DbError::from)?))
        .await
        .map_err(|e| DomainError::Internal(format!("verification task: {e}")))?
}

/// Checks the user may verify the target, then spends one credit per address at once.
fn claim(
    conn: &mut AnyConnection,
    user_id: UserId,
    target: Target,
    now: NaiveDateTime,
) -> DomainResult<Vec<(i64, String)>> {
    let user = crate::db::accounts::user_by_id(conn, user_id)?;
    let viewer = Viewer::load(conn, &user, now)?;
    let addresses: Vec<(i64, String)> = match target {
        Target::Prospect(id) => {
            let prospect = db::prospect_by_id(conn, id)?.ok_or(DomainError::NotFound)?;
            viewer.may(prospect.owner_id, RecordAction::Verify)?;
            vec![(prospect.id, prospect.email)]
        }
        Target::List(id) => {
            let list = db::list_by_id(conn, id)?.ok_or(DomainError::NotFound)?;
            viewer.may(list.owner_id, RecordAction::Verify)?;
            let mut all = Vec::new();
            let mut after = 0;
            loop {
                let page = db::prospects_page(conn, list.id, after, 5_000)?;
                let Some(last) = page.last().map(|p| p.id) else {
                    break;
                };
                all.extend(page.into_iter().map(|p| (p.id, p.email)));
                after = last;
            }
            all
        }
    };
    if addresses.is_empty() {
        return invalid("This list has no prospects to verify.");
    }
    let needed = addresses.len() as i64;
    match billing::spend_credits(conn, user_id, needed, now) {
        Ok(()) => Ok(addresses),
        Err(DomainError::PoolExhausted { renews_at, .. }) => {
            let left = billing::pool_for(conn, user_id, now)?.credits_left();
            invalid(format!(
                "Verifying needs {}, but only {} {} left this billing period. Nothing was verified. Credits renew on {}.",
                count(needed, "credit", "credits"),
                number(left),
                if left == 1 { "is" } else { "are" },
                renews_at.format("%Y-%m-%d")
            ))
        }
        Err(e) => Err(e),
    }
}

/// Verifies the target for the user: one credit per address, results stored with the time.
pub async fn verify(
    pool: &Pool,
    resolver: &dyn MxResolver,
    user_id: UserId,
    target: Target,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let addresses = blocking(pool, move |conn| claim(conn, user_id, target, now)).await?;
    let emails: Vec<String> = addresses.iter().map(|(_, e)| e.clone()).collect();
    let verdicts = verify_addresses(resolver, &emails).await;
    let results: Vec<(i64, Verdict, String)> = addresses
        .into_iter()
        .zip(verdicts)
        .map(|((id, _), (verdict, detail))| (id, verdict, detail))
        .collect();
    let count = |v: Verdict| results.iter().filter(|r| r.1 == v).count();
    let summary = match target {
        Target::Prospect(_) => format!("Verified: {} ({}).", results[0].1, results[0].2),
        Target::List(_) => format!(
            "Verified {} addresses: {} valid, {} invalid, {} unknown. {} credits used.",
            results.len(),
            count(Verdict::Valid),
            count(Verdict::Invalid),
            count(Verdict::Unknown),
            results.len()
        ),
    };
    blocking(pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            for (id, verdict, detail) in &results {
                db::set_verification(conn, *id, *verdict, detail, now)?;
            }
            Ok::<_, DomainError>(())
        })
    })
    .await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_checks() {
        assert_eq!(syntax("ann@example.com"), Ok("example.com"));
        assert_eq!(
            syntax("a.b+tag@mail.example.co.uk"),
            Ok("mail.example.co.uk")
        );
        for bad in [
            "ann",
            "@example.com",
            "ann@localhost",
            "a..b@example.com",
            "ann@-x.com",
            "ann@example.c0m",
            "än@example.com",
        ] {
            assert!(syntax(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(judge("example.com", &MxAnswer::Found).0, Verdict::Valid);
        assert_eq!(
            judge("mailinator.com", &MxAnswer::Found).0,
            Verdict::Invalid
        );
        assert_eq!(
            judge("x.mailinator.com", &MxAnswer::Found).0,
            Verdict::Invalid
        );
        assert_eq!(
            judge("example.com", &MxAnswer::NoDomain).0,
            Verdict::Invalid
        );
        assert_eq!(
            judge("example.com", &MxAnswer::NoRecords).0,
            Verdict::Invalid
        );
        assert_eq!(
            judge("example.com", &MxAnswer::Failed("timeout".into())).0,
            Verdict::Unknown
        );
    }
}
