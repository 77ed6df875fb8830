//! Email verification checks: syntax (RFC 5322 by the `email_address` crate, with
//! dripteam's rules for mail to strangers), disposable providers (the maintained list of
//! the `mailchecker` crate), role addresses, and the domain's MX records (through an
//! `MxResolver`). Running them over a list, a batch at a time with credits spent as results
//! are stored, is `verification_run`'s.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::StreamExt;

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

/// Local parts of role addresses: a function's inbox (RFC 2142 names some), read by
/// whoever is on duty, if anyone. Compared without a `+tag` and case-insensitively.
const ROLE_LOCAL_PARTS: &[&str] = &[
    "abuse",
    "accounts",
    "admin",
    "administrator",
    "billing",
    "careers",
    "contact",
    "customerservice",
    "do-not-reply",
    "donotreply",
    "enquiries",
    "feedback",
    "finance",
    "hello",
    "help",
    "hostmaster",
    "hr",
    "info",
    "inquiries",
    "jobs",
    "marketing",
    "no-reply",
    "noreply",
    "office",
    "postmaster",
    "press",
    "sales",
    "security",
    "service",
    "support",
    "team",
    "webmaster",
];

/// Whether `domain` (lower case) is, or is under, a disposable-mail provider, by the
/// maintained list of the `mailchecker` crate (thousands of providers).
pub fn is_disposable(domain: &str) -> bool {
    !mailchecker::is_valid(&format!("x@{domain}"))
}

/// Whether the local part of `email` names a role (`info@`, `sales+eu@`), not a person.
pub fn is_role(email: &str) -> bool {
    let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
    let local = local.split_once('+').map_or(local, |(l, _)| l);
    ROLE_LOCAL_PARTS
        .iter()
        .any(|r| r.eq_ignore_ascii_case(local))
}

/// The domain of a syntactically valid address, or why it is not one.
///
/// The grammar is RFC 5322's `addr-spec` (dot-atom or quoted local part, at most 64
/// characters, labels of at most 63), checked by the `email_address` crate with no
/// display name and no domain literal. dripteam adds what mail to strangers needs: ASCII
/// only (the sender does not ask for SMTPUTF8, RFC 6531; internationalised domains are
/// written in their `xn--` form), a domain of at least two labels, and an alphabetic
/// top-level domain of two letters or more (RFC 3696 section 2).
pub fn syntax(email: &str) -> Result<&str, &'static str> {
    if !email.is_ascii() {
        return Err("characters not allowed (only ASCII is sent)");
    }
    let options = email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        ..email_address::Options::default()
    };
    email_address::EmailAddress::parse_with_options(email, options)
        .map_err(|_| "not an address by RFC 5322")?;
    let (_, domain) = email.rsplit_once('@').ok_or("no @")?;
    let tld_ok = domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if !tld_ok {
        return Err("bad domain");
    }
    Ok(domain)
}

/// The verdict for `email`, whose syntax passed, at `domain` given the DNS answer for it:
/// invalid for a disposable provider, no mail server or no such domain; unknown when DNS
/// did not answer; risky for a role address with a mail server; else valid.
pub fn judge(email: &str, domain: &str, answer: &MxAnswer) -> (Verdict, String) {
    if is_disposable(domain) {
        return (Verdict::Invalid, "disposable email domain".into());
    }
    match answer {
        MxAnswer::Found if is_role(email) => (
            Verdict::Risky,
            "mail server found, but a role address (not a person)".into(),
        ),
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
    let mut domains: Vec<String> = emails
        .iter()
        .filter_map(|e| syntax(e).ok().map(str::to_string))
        .collect();
    domains.sort_unstable();
    domains.dedup();
    // Owned domains: the future stays `Send` for any lifetime, as a spawned job needs.
    let lookups = domains.into_iter().map(|domain| async move {
        let answer = resolver.lookup(&domain).await;
        (domain, answer)
    });
    let answers: HashMap<String, MxAnswer> = futures_util::stream::iter(lookups)
        .buffer_unordered(16)
        .collect()
        .await;
    emails
        .iter()
        .map(|email| match syntax(email) {
            Err(why) => (Verdict::Invalid, format!("syntax: {why}")),
            Ok(domain) => judge(email, domain, &answers[domain]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_accepts_real_world_shapes_and_refuses_the_rest() {
        assert_eq!(syntax("ann@example.com"), Ok("example.com"));
        for good in [
            "a.b+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "first_last-2@sub-domain.example.com",
            "12345@example.com",
            "ann@xn--mnchen-3ya.de",
            "\"ann smith\"@example.com",
            "x@example.museum",
        ] {
            assert!(syntax(good).is_ok(), "{good}");
        }
        for bad in [
            "ann",
            "@example.com",
            "ann@localhost",
            "a..b@example.com",
            ".ann@example.com",
            "ann@-x.com",
            "ann@example.c0m",
            "ann@[192.0.2.1]",
            "Ann <ann@example.com>",
            "än@example.com",
            "ann@münchen.de",
            "ann smith@example.com",
        ] {
            assert!(syntax(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_addresses_are_told_apart_from_people() {
        for role in [
            "info@acme.example",
            "Sales+eu@acme.example",
            "noreply@x.example",
        ] {
            assert!(is_role(role), "{role}");
        }
        for person in [
            "ann@acme.example",
            "information@acme.example",
            "salesforce@x.example",
        ] {
            assert!(!is_role(person), "{person}");
        }
    }

    #[test]
    fn verdicts() {
        let judge1 = |email: &str, answer: MxAnswer| {
            let domain = syntax(email).unwrap();
            judge(email, domain, &answer).0
        };
        assert_eq!(judge1("ann@example.com", MxAnswer::Found), Verdict::Valid);
        assert_eq!(judge1("info@example.com", MxAnswer::Found), Verdict::Risky);
        assert_eq!(
            judge1("info@example.com", MxAnswer::NoDomain),
            Verdict::Invalid
        );
        for disposable in ["a@mailinator.com", "a@x.mailinator.com", "a@yopmail.fr"] {
            assert_eq!(
                judge1(disposable, MxAnswer::Found),
                Verdict::Invalid,
                "{disposable}"
            );
        }
        assert_eq!(
            judge1("ann@example.com", MxAnswer::NoDomain),
            Verdict::Invalid
        );
        assert_eq!(
            judge1("ann@example.com", MxAnswer::NoRecords),
            Verdict::Invalid
        );
        assert_eq!(
            judge1("ann@example.com", MxAnswer::Failed("timeout".into())),
            Verdict::Unknown
        );
    }
}
