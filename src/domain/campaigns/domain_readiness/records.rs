//! Reading the DNS TXT records a receiver checks before trusting mail from a domain:
//! SPF (RFC 7208), DMARC (RFC 7489) and DKIM keys (RFC 6376). Only what
//! `domain_readiness::rules` needs to judge a sender's domain; no evaluation of real mail.

use std::net::IpAddr;

/// The SPF records among a name's TXT records: those whose version section is exactly
/// `v=spf1`, followed by a space or nothing, compared case-insensitively (RFC 7208 §4.5).
pub fn spf_records(txt: &[String]) -> Vec<&str> {
    txt.iter()
        .map(|r| r.trim())
        .filter(|r| {
            let head = r.get(..6).unwrap_or("");
            head.eq_ignore_ascii_case("v=spf1") && r[6..].chars().next().is_none_or(|c| c == ' ')
        })
        .collect()
}

/// One SPF term as written after `v=spf1`: a mechanism with its qualifier stripped
/// (`a`, `mx`, `ip4`, `ip6`, `include`, `all`, `exists`, `ptr`) and its argument
/// (`a:host/24` → `("a", Some("host"))`, CIDR lengths kept for ip4/ip6), or a modifier
/// (`redirect=domain`) with `=` (RFC 7208 §4.6.1, §5, §6).
#[derive(Debug, PartialEq)]
pub struct SpfTerm<'a> {
    /// `+`, `-`, `~` or `?`; `+` when none is written (RFC 7208 §4.6.2).
    pub qualifier: char,
    /// Lower-cased mechanism or modifier name.
    pub name: String,
    /// What follows `:` (mechanisms) or `=` (modifiers), without an a/mx CIDR suffix.
    pub argument: Option<&'a str>,
    pub modifier: bool,
}

/// The terms of one SPF record (`spf_records`), in order.
pub fn spf_terms(record: &str) -> Vec<SpfTerm<'_>> {
    record
        .split_ascii_whitespace()
        .skip(1)
        .map(|term| {
            let (qualifier, rest) = match term.chars().next() {
                Some(q @ ('+' | '-' | '~' | '?')) => (q, &term[1..]),
                _ => ('+', term),
            };
            if let Some((name, value)) = rest.split_once('=')
                && !name.contains(':')
            {
                return SpfTerm {
                    qualifier,
                    name: name.to_ascii_lowercase(),
                    argument: Some(value),
                    modifier: true,
                };
            }
            let (name, argument) = match rest.split_once(':') {
                Some((name, arg)) => (name, Some(arg)),
                None => (rest.split('/').next().unwrap_or(rest), None),
            };
            let name = name.to_ascii_lowercase();
            let argument = match name.as_str() {
                "a" | "mx" => argument.map(|a| a.split('/').next().unwrap_or(a)),
                _ => argument,
            };
            SpfTerm {
                qualifier,
                name,
                argument,
                modifier: false,
            }
        })
        .collect()
}

/// Whether an `ip4`/`ip6` argument (`192.0.2.0/24`, `2001:db8::1`) covers `address`
/// (RFC 7208 §5.6; an address without a length is the one address).
pub fn ip_covers(argument: &str, address: IpAddr) -> bool {
    let (network, length) = match argument.split_once('/') {
        Some((n, l)) => (n, l.parse::<u32>().ok()),
        None => (argument, None),
    };
    match (network.parse::<IpAddr>(), address) {
        (Ok(IpAddr::V4(net)), IpAddr::V4(addr)) => {
            let bits = length.unwrap_or(32).min(32);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(net) & mask == u32::from(addr) & mask
        }
        (Ok(IpAddr::V6(net)), IpAddr::V6(addr)) => {
            let bits = length.unwrap_or(128).min(128);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(net) & mask == u128::from(addr) & mask
        }
        _ => false,
    }
}

/// The tags of a tag=value list separated by `;`, as DMARC (RFC 7489 §6.4) and DKIM key
/// records (RFC 6376 §3.2) write them: names lower-cased, values trimmed, in order.
pub fn tags(record: &str) -> Vec<(String, &str)> {
    record
        .split(';')
        .filter_map(|part| part.split_once('='))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()))
        .collect()
}

/// DMARC's `p` tag: what a receiver does with mail that fails (RFC 7489 §6.3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DmarcPolicy {
    None,
    Quarantine,
    Reject,
}

impl DmarcPolicy {
    pub fn word(self) -> &'static str {
        match self {
            DmarcPolicy::None => "none",
            DmarcPolicy::Quarantine => "quarantine",
            DmarcPolicy::Reject => "reject",
        }
    }
}

/// The DMARC records among the TXT records at `_dmarc.<domain>`: those whose first tag is
/// `v=DMARC1` (RFC 7489 §6.6.3: others are discarded).
pub fn dmarc_records(txt: &[String]) -> Vec<&str> {
    txt.iter()
        .map(|r| r.trim())
        .filter(|r| {
            tags(r)
                .first()
                .is_some_and(|(name, value)| name == "v" && *value == "DMARC1")
        })
        .collect()
}

/// A DMARC record's policy, `None` when its `p` tag is missing or not one of the three
/// (RFC 7489 §6.3: then receivers apply no DMARC policy, §6.6.3).
pub fn dmarc_policy(record: &str) -> Option<DmarcPolicy> {
    let (_, value) = tags(record).into_iter().find(|(name, _)| name == "p")?;
    match value.to_ascii_lowercase().as_str() {
        "none" => Some(DmarcPolicy::None),
        "quarantine" => Some(DmarcPolicy::Quarantine),
        "reject" => Some(DmarcPolicy::Reject),
        _ => None,
    }
}

/// What a TXT record at `<selector>._domainkey.<domain>` holds (RFC 6376 §3.6.1).
#[derive(Debug, PartialEq)]
pub enum DkimKey {
    /// A public key (`p=` not empty), with `v=DKIM1` first or no `v=` at all.
    Key,
    /// `p=` empty: the key was revoked.
    Revoked,
    /// Not a DKIM key record (wrong or misplaced `v=`, no `p=`).
    NotAKey,
}

/// Reads one TXT record at a DKIM selector's name (RFC 6376 §3.6.1: `v=`, when present,
/// must be the first tag and be `DKIM1`; `p=` is required, empty when revoked).
pub fn dkim_key(record: &str) -> DkimKey {
    let tags = tags(record);
    let version_ok = match tags.iter().position(|(name, _)| name == "v") {
        None => true,
        Some(0) => tags[0].1 == "DKIM1",
        Some(_) => false,
    };
    match tags.iter().find(|(name, _)| name == "p") {
        Some(_) if !version_ok => DkimKey::NotAKey,
        Some((_, "")) => DkimKey::Revoked,
        Some(_) => DkimKey::Key,
        None => DkimKey::NotAKey,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(records: &[&str]) -> Vec<String> {
        records.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn spf_records_are_those_starting_with_the_version_section() {
        let txt = strings(&[
            "google-site-verification=x",
            "V=SPF1 mx -all",
            "v=spf10 a",
            "v=spf1",
        ]);
        assert_eq!(spf_records(&txt), vec!["V=SPF1 mx -all", "v=spf1"]);
    }

    #[test]
    fn spf_terms_keep_qualifiers_arguments_and_modifiers() {
        let terms = spf_terms(
            "v=spf1 a:smtp.acme.example/24 -mx ip4:192.0.2.0/24 include:_spf.example ~all redirect=x.example",
        );
        let seen: Vec<_> = terms
            .iter()
            .map(|t| (t.qualifier, t.name.as_str(), t.argument, t.modifier))
            .collect();
        assert_eq!(
            seen,
            vec![
                ('+', "a", Some("smtp.acme.example"), false),
                ('-', "mx", None, false),
                ('+', "ip4", Some("192.0.2.0/24"), false),
                ('+', "include", Some("_spf.example"), false),
                ('~', "all", None, false),
                ('+', "redirect", Some("x.example"), true),
            ]
        );
    }

    #[test]
    fn ip_ranges_cover_addresses_by_prefix_length() {
        let v4 = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(ip_covers("192.0.2.0/24", v4("192.0.2.77")));
        assert!(!ip_covers("192.0.2.0/24", v4("192.0.3.1")));
        assert!(ip_covers("127.0.0.1", v4("127.0.0.1")));
        assert!(ip_covers("0.0.0.0/0", v4("203.0.113.9")));
        assert!(ip_covers("2001:db8::/32", v4("2001:db8::5")));
        assert!(!ip_covers("2001:db8::/32", v4("192.0.2.1")));
    }

    #[test]
    fn dmarc_records_need_v_first_and_a_known_policy() {
        let txt = strings(&[
            "p=reject; v=DMARC1",
            "v=DMARC1; p=Quarantine; rua=mailto:d@x",
        ]);
        assert_eq!(
            dmarc_records(&txt),
            vec!["v=DMARC1; p=Quarantine; rua=mailto:d@x"]
        );
        assert_eq!(
            dmarc_policy(dmarc_records(&txt)[0]),
            Some(DmarcPolicy::Quarantine)
        );
        assert_eq!(dmarc_policy("v=DMARC1; p=none"), Some(DmarcPolicy::None));
        assert_eq!(dmarc_policy("v=DMARC1; p=maybe"), None);
        assert_eq!(dmarc_policy("v=DMARC1; rua=mailto:d@x"), None);
    }

    #[test]
    fn dkim_keys_need_p_and_v_first_when_present() {
        assert_eq!(dkim_key("v=DKIM1; k=rsa; p=MIGfMA0"), DkimKey::Key);
        assert_eq!(dkim_key("k=rsa; p=MIGfMA0"), DkimKey::Key);
        assert_eq!(dkim_key("v=DKIM1; p="), DkimKey::Revoked);
        assert_eq!(dkim_key("k=rsa; v=DKIM1; p=MIG"), DkimKey::NotAKey);
        assert_eq!(dkim_key("v=spf1 -all"), DkimKey::NotAKey);
    }
}
