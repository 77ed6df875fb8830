//! The rules of `domain_readiness`: judging one SPF, DMARC or DKIM answer for a sender
//! and saying what to add.

use std::net::IpAddr;

use super::records::{self as dns_records, DkimKey, DmarcPolicy};
use super::{Check, TxtAnswer, Verdict};

fn cut(record: &str) -> String {
    match record.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &record[..at]),
        None => record.to_string(),
    }
}

fn warning(summary: String, record: Option<&str>, advice: Option<String>) -> Check {
    Check {
        verdict: Verdict::Warning,
        summary,
        record: record.map(cut),
        advice,
    }
}

fn found(summary: String, record: &str) -> Check {
    Check {
        verdict: Verdict::Found,
        summary,
        record: Some(cut(record)),
        advice: None,
    }
}

fn unanswered(what: &str, name: &str, why: &str) -> Check {
    log::warn!("TXT lookup of {name} failed: {why}");
    warning(
        format!("{what}: DNS did not answer for {name}"),
        None,
        Some("Try again in a minute.".into()),
    )
}

/// The SPF mechanism that names `host`: `ip4:`/`ip6:` for an address, `a:` for a name.
fn mechanism_for(host: &str) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => format!("ip4:{host}"),
        Ok(IpAddr::V6(_)) => format!("ip6:{host}"),
        Err(_) => format!("a:{host}"),
    }
}

/// SPF (RFC 7208): exactly one record (§4.5, two are a permanent error), naming the SMTP
/// host (`a:host`, `mx:host`, `include:host`, bare `a`/`mx` when the host is the domain,
/// or `ip4`/`ip6` covering a host given as an address) or at least delegating with
/// `include:` or `redirect=`; `+all` lets any server send (§5.1) and is a warning.
pub fn spf(domain: &str, smtp_host: &str, answer: &TxtAnswer) -> Check {
    let txt: &[String] = match answer {
        TxtAnswer::Failed(why) => return unanswered("SPF", domain, why),
        TxtAnswer::NoRecords => &[],
        TxtAnswer::Found(txt) => txt,
    };
    let host = smtp_host.trim_end_matches('.').to_ascii_lowercase();
    let mechanism = mechanism_for(&host);
    let records = dns_records::spf_records(txt);
    let record = match records.as_slice() {
        [] => {
            return warning(
                "SPF: no record".into(),
                None,
                Some(format!(
                    "Add a TXT record at {domain}: v=spf1 {mechanism} ~all"
                )),
            );
        }
        [one] => *one,
        _ => {
            return warning(
                format!("SPF: {} records; receivers reject them all", records.len()),
                Some(records[0]),
                Some(format!("Merge them into one TXT record at {domain}.")),
            );
        }
    };
    let terms = dns_records::spf_terms(record);
    if terms.iter().any(|t| t.name == "all" && t.qualifier == '+') {
        return warning(
            "SPF: found, but it lets any server in the world send as you (+all)".into(),
            Some(record),
            Some("End the record with ~all or -all instead.".into()),
        );
    }
    let address = host.parse::<IpAddr>().ok();
    let names_host = terms.iter().any(|t| match (t.name.as_str(), t.argument) {
        ("a" | "mx" | "include", Some(arg)) => {
            arg.trim_end_matches('.').eq_ignore_ascii_case(&host)
        }
        ("a" | "mx", None) => host == domain,
        ("ip4" | "ip6", Some(arg)) => address.is_some_and(|ip| dns_records::ip_covers(arg, ip)),
        _ => false,
    });
    if names_host {
        return found(format!("SPF: found, names {host}"), record);
    }
    let delegate = terms
        .iter()
        .find(|t| t.name == "include" || (t.modifier && t.name == "redirect"));
    if let Some(t) = delegate {
        let how = if t.modifier { "=" } else { ":" };
        return found(
            format!(
                "SPF: found, relies on {}{how}{} (make sure it covers {host})",
                t.name,
                t.argument.unwrap_or("")
            ),
            record,
        );
    }
    // The record with the mechanism inserted before its `all` (or at the end).
    let mut words: Vec<&str> = record.split_ascii_whitespace().collect();
    let at = terms
        .iter()
        .position(|t| t.name == "all")
        .map_or(words.len(), |i| i + 1);
    words.insert(at, &mechanism);
    warning(
        format!("SPF: found, but it names neither {host} nor an include"),
        Some(record),
        Some(format!(
            "Add {mechanism} to the record at {domain}: {}",
            words.join(" ")
        )),
    )
}

/// DMARC (RFC 7489): one `v=DMARC1` record at `_dmarc.<domain>` (or its organizational
/// domain's) with a policy `p=` none, quarantine or reject (§6.3); none found, several
/// (§6.6.3) or no valid policy is a warning. `p=none` is found: monitoring only.
pub fn dmarc(domain: &str, (name, answer): &(String, TxtAnswer)) -> Check {
    let txt: &[String] = match answer {
        TxtAnswer::Failed(why) => return unanswered("DMARC", name, why),
        TxtAnswer::NoRecords => &[],
        TxtAnswer::Found(txt) => txt,
    };
    let add =
        format!("Add a TXT record at _dmarc.{domain}: v=DMARC1; p=none; rua=mailto:dmarc@{domain}");
    match dns_records::dmarc_records(txt).as_slice() {
        [] => warning("DMARC: no record".into(), None, Some(add)),
        [one] => match dns_records::dmarc_policy(one) {
            Some(policy) => {
                let note = match policy {
                    DmarcPolicy::None => " (reports only; move to quarantine once they look right)",
                    _ => "",
                };
                found(format!("DMARC: found, policy {}{note}", policy.word()), one)
            }
            None => warning(
                "DMARC: found, but without a valid policy (p=none, quarantine or reject)".into(),
                Some(*one),
                Some(format!(
                    "Put p=none right after v=DMARC1; in the record at {name}."
                )),
            ),
        },
        several => warning(
            format!(
                "DMARC: {} records at {name}; receivers ignore them all",
                several.len()
            ),
            Some(several[0]),
            Some(format!("Keep one record at {name}.")),
        ),
    }
}

/// DKIM (RFC 6376 §3.6.1): a key record at `<selector>._domainkey.<domain>` (`v=DKIM1`
/// first when present, `p=` the public key); none, a revoked key (`p=` empty) or a record
/// that is not a key is a warning.
pub fn dkim(domain: &str, selector: &str, answer: &TxtAnswer) -> Check {
    let name = format!("{selector}._domainkey.{domain}");
    let txt: &[String] = match answer {
        TxtAnswer::Failed(why) => return unanswered("DKIM", &name, why),
        TxtAnswer::NoRecords => &[],
        TxtAnswer::Found(txt) => txt,
    };
    let add = format!(
        "Add a TXT record at {name} with the public key your email provider gives for selector \
         {selector} (it looks like v=DKIM1; k=rsa; p=MIIBIjANBg…), or check the selector."
    );
    let keys: Vec<(&String, DkimKey)> = txt.iter().map(|r| (r, dns_records::dkim_key(r))).collect();
    if let Some((record, _)) = keys.iter().find(|(_, k)| *k == DkimKey::Key) {
        return found(format!("DKIM: found, key for selector {selector}"), record);
    }
    match keys.iter().find(|(_, k)| *k == DkimKey::Revoked) {
        Some((record, _)) => warning(
            format!("DKIM: the key for selector {selector} is revoked (p= is empty)"),
            Some(record.as_str()),
            Some(add),
        ),
        None => warning(
            format!("DKIM: no key for selector {selector}"),
            keys.first().map(|(r, _)| r.as_str()),
            Some(add),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(records: &[&str]) -> TxtAnswer {
        TxtAnswer::Found(records.iter().map(|r| r.to_string()).collect())
    }

    #[test]
    fn spf_names_the_host_by_name_address_or_bare_a_of_the_domain() {
        for (host, record) in [
            ("smtp.acme.example", "v=spf1 a:smtp.acme.example -all"),
            ("smtp.acme.example", "v=spf1 mx:SMTP.acme.example. -all"),
            ("192.0.2.7", "v=spf1 ip4:192.0.2.0/24 -all"),
            ("acme.example", "v=spf1 a mx -all"),
        ] {
            let check = spf("acme.example", host, &found(&[record]));
            assert_eq!(check.verdict, Verdict::Found, "{record}");
            assert!(check.summary.starts_with("SPF: found, names"), "{check:?}");
        }
    }

    #[test]
    fn spf_with_an_include_is_found_and_says_to_check_it() {
        let check = spf(
            "acme.example",
            "smtp.gmail.com",
            &found(&["v=spf1 include:_spf.google.com ~all"]),
        );
        assert_eq!(check.verdict, Verdict::Found);
        assert!(check.summary.contains("relies on include:_spf.google.com"));
    }

    #[test]
    fn missing_weak_double_or_open_spf_is_a_warning_with_what_to_add() {
        let none = spf("acme.example", "smtp.acme.example", &TxtAnswer::NoRecords);
        assert_eq!(none.verdict, Verdict::Warning);
        assert_eq!(
            none.advice.as_deref(),
            Some("Add a TXT record at acme.example: v=spf1 a:smtp.acme.example ~all")
        );
        let weak = spf(
            "acme.example",
            "192.0.2.9",
            &found(&["v=spf1 ip4:198.51.100.1 -all"]),
        );
        assert_eq!(
            weak.advice.as_deref(),
            Some(
                "Add ip4:192.0.2.9 to the record at acme.example: v=spf1 ip4:198.51.100.1 ip4:192.0.2.9 -all"
            )
        );
        let double = spf(
            "acme.example",
            "h",
            &found(&["v=spf1 -all", "v=spf1 a -all"]),
        );
        assert!(double.summary.contains("2 records"), "{double:?}");
        let open = spf("acme.example", "h", &found(&["v=spf1 +all"]));
        assert_eq!(open.verdict, Verdict::Warning);
        let failed = spf("acme.example", "h", &TxtAnswer::Failed("timeout".into()));
        assert!(
            !failed.summary.contains("timeout"),
            "the cause is for the log"
        );
    }

    #[test]
    fn dmarc_shows_the_policy_and_warns_when_missing_or_without_one() {
        let at = |answer| ("_dmarc.acme.example".to_string(), answer);
        let reject = dmarc("acme.example", &at(found(&["v=DMARC1; p=reject"])));
        assert_eq!(
            (reject.verdict, reject.summary.as_str()),
            (Verdict::Found, "DMARC: found, policy reject")
        );
        let none = dmarc("acme.example", &at(found(&["v=DMARC1; p=none"])));
        assert!(none.summary.starts_with("DMARC: found, policy none"));
        let missing = dmarc("acme.example", &at(TxtAnswer::NoRecords));
        assert_eq!(
            missing.advice.as_deref(),
            Some(
                "Add a TXT record at _dmarc.acme.example: v=DMARC1; p=none; rua=mailto:dmarc@acme.example"
            )
        );
        let no_policy = dmarc("acme.example", &at(found(&["v=DMARC1; rua=mailto:x@y"])));
        assert_eq!(no_policy.verdict, Verdict::Warning);
    }

    #[test]
    fn dkim_finds_a_key_and_warns_on_none_or_revoked() {
        let key = dkim(
            "acme.example",
            "s1",
            &found(&["v=DKIM1; k=rsa; p=MIGfMA0G"]),
        );
        assert_eq!(
            (key.verdict, key.summary.as_str()),
            (Verdict::Found, "DKIM: found, key for selector s1")
        );
        let revoked = dkim("acme.example", "s1", &found(&["v=DKIM1; p="]));
        assert!(revoked.summary.contains("revoked"));
        let none = dkim("acme.example", "s1", &TxtAnswer::NoRecords);
        assert_eq!(none.verdict, Verdict::Warning);
        assert!(
            none.advice
                .unwrap()
                .starts_with("Add a TXT record at s1._domainkey.acme.example")
        );
    }
}
