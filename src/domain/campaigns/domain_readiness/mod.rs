//! Is the sender's domain ready? "Test connection" also looks up the DNS records that
//! mailbox providers check before trusting mail from the sender address's domain, and
//! says what is missing: SPF (RFC 7208), DMARC (RFC 7489) and, when the owner gave a
//! selector, the DKIM key (RFC 6376). Missing or weak records are warnings with the record
//! to add, never a refusal: the SMTP/IMAP result stays what it is.

use std::future::Future;
use std::pin::Pin;

use crate::domain::{DomainResult, invalid};

mod records;
mod rules;

pub use rules::{dkim, dmarc, spf};

/// The TXT records at one DNS name, each record's strings joined (RFC 7208 §3.3).
#[derive(Debug, Clone, PartialEq)]
pub enum TxtAnswer {
    Found(Vec<String>),
    /// No TXT record, or no such name.
    NoRecords,
    /// DNS did not answer (timeout, server failure); the cause is for the log only.
    Failed(String),
}

/// Looks up TXT records. The real one asks DNS (`crate::dns`); tests answer locally.
pub trait TxtResolver: Send + Sync {
    fn txt<'a>(&'a self, name: &'a str) -> Pin<Box<dyn Future<Output = TxtAnswer> + Send + 'a>>;
}

/// A DKIM selector as the owner typed it: the name before `._domainkey` in the
/// provider's DKIM record, one or more DNS labels joined by dots (RFC 6376 §3.1; labels
/// of letters, digits and inner hyphens, 1 to 63 characters, RFC 1035 §2.3.1).
pub struct DkimSelector(String);

impl DkimSelector {
    /// `Ok(None)` for an empty field; `Invalid` with the rule for anything else that is
    /// not a selector (a whole `s1._domainkey.example.com` name, spaces, underscores).
    pub fn parse(raw: &str) -> DomainResult<Option<DkimSelector>> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let label_ok = |l: &str| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if raw.len() > 200 || !raw.split('.').all(label_ok) {
            return invalid(
                "The DKIM selector is the name before ._domainkey in your email provider's DKIM \
                 record, like s1 or google: letters, digits and hyphens, parts of 1 to 63 \
                 characters joined by dots.",
            );
        }
        Ok(Some(DkimSelector(raw.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How one record fares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Found,
    /// Missing, weak or unanswered: shown with what to do.
    Warning,
    /// Not looked up (DKIM without a selector).
    NotChecked,
}

/// One line of the report: e.g. summary "SPF: no record", advice "Add a TXT record at
/// acme.example: v=spf1 a:smtp.acme.example ~all".
#[derive(Debug, Clone)]
pub struct Check {
    pub verdict: Verdict,
    pub summary: String,
    /// The record found, cut to 160 characters.
    pub record: Option<String>,
    /// What to add or change.
    pub advice: Option<String>,
}

impl Check {
    /// The badge word: "found", "warning" or "not checked".
    pub fn badge(&self) -> &'static str {
        match self.verdict {
            Verdict::Found => "found",
            Verdict::Warning => "warning",
            Verdict::NotChecked => "not checked",
        }
    }

    /// The badge's CSS classes (the page's existing status colours).
    pub fn badge_class(&self) -> &'static str {
        match self.verdict {
            Verdict::Found => "status verdict-valid",
            Verdict::Warning => "status campaign-paused",
            Verdict::NotChecked => "status verdict-unknown",
        }
    }
}

/// The report on one sender address's domain: SPF, DMARC and DKIM, in that order.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub domain: String,
    pub checks: Vec<Check>,
}

impl Readiness {
    pub fn warnings(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.verdict == Verdict::Warning)
            .count()
    }
}

/// Looks up the domain of `email` (SPF at the domain, DMARC at `_dmarc.<domain>` then at
/// its parents, DKIM at `<selector>._domainkey.<domain>` when `selector` is not empty) and
/// judges each record for mail sent through `smtp_host`. Never fails: a DNS failure is a
/// warning (its cause logged).
pub async fn check(
    resolver: &dyn TxtResolver,
    email: &str,
    smtp_host: &str,
    selector: &str,
) -> Readiness {
    let domain = email
        .rsplit_once('@')
        .map_or(email, |(_, d)| d)
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let selector = DkimSelector::parse(selector).ok().flatten();
    let dkim_name = selector
        .as_ref()
        .map(|s| format!("{}._domainkey.{domain}", s.as_str()));
    let (spf_answer, dmarc_answer, dkim_answer) = futures_util::join!(
        resolver.txt(&domain),
        dmarc_lookup(resolver, &domain),
        async {
            match &dkim_name {
                Some(name) => Some(resolver.txt(name).await),
                None => None,
            }
        }
    );
    let dkim = match (&selector, dkim_answer) {
        (Some(selector), Some(answer)) => dkim(&domain, selector.as_str(), &answer),
        _ => Check {
            verdict: Verdict::NotChecked,
            summary: "DKIM: not checked".into(),
            record: None,
            advice: Some(
                "Give the DKIM selector your email provider uses (Edit) to check its key.".into(),
            ),
        },
    };
    Readiness {
        checks: vec![
            spf(&domain, smtp_host, &spf_answer),
            dmarc(&domain, &dmarc_answer),
            dkim,
        ],
        domain,
    }
}

/// `_dmarc.<domain>`, then the same at each parent with two labels or more (RFC 7489
/// §6.6.3 falls back to the organizational domain; without the public suffix list, the
/// parents stand for it). Returns the name answered and its DMARC records.
async fn dmarc_lookup(resolver: &dyn TxtResolver, domain: &str) -> (String, TxtAnswer) {
    let mut name = domain;
    loop {
        let at = format!("_dmarc.{name}");
        let answer = resolver.txt(&at).await;
        let found =
            matches!(&answer, TxtAnswer::Found(txt) if !records::dmarc_records(txt).is_empty());
        match name.split_once('.') {
            Some((_, parent)) if !found && parent.contains('.') => name = parent,
            _ => return (at, answer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers one name with one record, every other with none.
    struct One(&'static str, &'static str);

    impl TxtResolver for One {
        fn txt<'a>(
            &'a self,
            name: &'a str,
        ) -> Pin<Box<dyn Future<Output = TxtAnswer> + Send + 'a>> {
            let answer = match name == self.0 {
                true => TxtAnswer::Found(vec![self.1.to_string()]),
                false => TxtAnswer::NoRecords,
            };
            Box::pin(async move { answer })
        }
    }

    #[tokio::test]
    async fn dmarc_falls_back_to_a_parent_domain_and_dkim_waits_for_a_selector() {
        let resolver = One("_dmarc.acme.example", "v=DMARC1; p=reject");
        let report = check(&resolver, "max@mail.acme.example", "smtp.acme.example", "").await;
        assert_eq!(report.domain, "mail.acme.example");
        assert_eq!(report.checks[1].summary, "DMARC: found, policy reject");
        assert_eq!(report.checks[2].verdict, Verdict::NotChecked);
        // SPF is missing; DKIM not checked is no warning.
        assert_eq!(report.warnings(), 1);
    }

    #[test]
    fn selectors_are_dns_labels_joined_by_dots() {
        assert!(DkimSelector::parse("").unwrap().is_none());
        for good in ["s1", "google", "k1.eu", "selector-2"] {
            assert_eq!(DkimSelector::parse(good).unwrap().unwrap().as_str(), good);
        }
        for bad in [
            "s1._domainkey.acme.example",
            "s 1",
            "-s1",
            "a..b",
            &"x".repeat(64),
        ] {
            assert!(DkimSelector::parse(bad).is_err(), "{bad}");
        }
    }
}
