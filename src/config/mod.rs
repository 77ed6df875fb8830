//! Settings from the environment. Every variable has a default that needs nothing; a bad
//! value is refused with one line naming the variable.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use secrecy::{SecretSlice, SecretString};

use crate::db::DatabaseUrl;
use crate::domain::campaigns::pacing::Pacing;

mod keys;
mod parse;
use keys::key_from;
use parse::{check_log_spec, parse_bool, parse_ip_list, parse_number};

/// Every setting. `Debug` is safe to log: the keys and `SMTP_URL` (which may hold a
/// password) are `secrecy` wrappers that print `[REDACTED]`, and `DATABASE_URL` hides its
/// password; read them with `expose_secret()` where they are used.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind_addr: String,
    /// Without a trailing slash; every emailed link starts with it.
    pub base_url: String,
    /// lettre's URL form, possibly with a user and password.
    pub smtp_url: Option<SecretString>,
    pub mail_from: Mailbox,
    pub data_dir: PathBuf,
    /// Signs and encrypts the session cookie (at least 64 bytes).
    pub session_key: SecretSlice<u8>,
    /// Encrypts secrets at rest (at least 32 bytes).
    pub secret_key: SecretSlice<u8>,
    pub bcrypt_cost: u32,
    pub invitation_ttl_days: i64,
    pub outbox_poll: Duration,
    pub outbox_retry_base: Duration,
    pub db_pool_size: u32,
    pub import_max_bytes: usize,
    pub dns_timeout: Duration,
    /// How often the campaign sender looks for due emails.
    pub sender_poll: Duration,
    /// How often each sender account's inbox is read for replies.
    pub reply_poll: Duration,
    /// How often due invitation reminders are sent.
    pub reminder_poll: Duration,
    /// `VERIFY_POLL_SECS` (1..=3600, default 2): how often the verification job looks for
    /// queued or unfinished list verifications.
    pub verify_poll: Duration,
    /// `VERIFY_BATCH` (1..=5000, default 200): addresses checked, stored and paid for per
    /// transaction of a list verification; the most a crash can make it check again.
    pub verify_batch: usize,
    /// `ALLOW_PRIVATE_MAIL_HOSTS=true`: sender accounts may point at loopback, private,
    /// link-local and unique-local addresses (tests and local development). Off by default.
    pub allow_private_mail_hosts: bool,
    /// `TRUSTED_PROXIES`: peers (load balancers) whose `X-Forwarded-For` names the client.
    /// Empty by default: the TCP peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `DEFAULT_SENDING_WINDOW=always`: new campaigns send every day at any hour instead of
    /// Monday to Friday 09:00–17:00 (`weekdays`, the default) in the owner's time zone.
    pub default_sending_always: bool,
    /// `DEFAULT_SENDER_PAUSE` ("60-180" by default): the pause in seconds between two emails
    /// of a mailbox that a new sender account's form starts with (`0-0`: none).
    pub default_sender_pause: Pacing,
    /// `SENDER_CONCURRENCY` (4): how many campaign emails one process sends at once.
    pub sender_concurrency: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(spec) = get("RUST_LOG") {
            check_log_spec(&spec).map_err(|p| bad("RUST_LOG", p))?;
        }
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) => DatabaseUrl::parse(&url).map_err(|p| bad("DATABASE_URL", p))?,
            None => {
                DatabaseUrl::Sqlite(data_dir.join("dripteam.db").to_string_lossy().into_owned())
            }
        };
        let bind_addr = get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        bind_addr.parse::<std::net::SocketAddr>().map_err(|_| {
            bad(
                "BIND_ADDR",
                format!("'{bind_addr}' is not an address like 127.0.0.1:8080"),
            )
        })?;
        let base_url = get("BASE_URL")
            .unwrap_or_else(|| format!("http://{bind_addr}"))
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || base_url.len() < 10
        {
            return Err(bad(
                "BASE_URL",
                format!("'{base_url}' must start with http:// or https://"),
            ));
        }
        let smtp_url = get("SMTP_URL");
        if let Some(url) = &smtp_url {
            crate::mail::deliverer::transport_builder(url)
                .map_err(|e| bad("SMTP_URL", e.to_string()))?;
        }
        let mail_from = get("MAIL_FROM")
            .unwrap_or_else(|| "dripteam <noreply@dripteam.localhost>".into())
            .parse::<Mailbox>()
            .map_err(|e| bad("MAIL_FROM", format!("not a mailbox: {e}")))?;
        let bcrypt_cost = parse_number(&get, "BCRYPT_COST", 12)?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(bad("BCRYPT_COST", "must be between 4 and 31"));
        }
        let invitation_ttl_days = parse_number(&get, "INVITATION_TTL_DAYS", 7)?;
        if !(1..=365).contains(&invitation_ttl_days) {
            return Err(bad("INVITATION_TTL_DAYS", "must be between 1 and 365"));
        }
        let db_pool_size = parse_number(&get, "DB_POOL_SIZE", 10)?;
        if !(1..=200).contains(&db_pool_size) {
            return Err(bad("DB_POOL_SIZE", "must be between 1 and 200"));
        }
        let import_max_mb = parse_number(&get, "IMPORT_MAX_MB", 10)?;
        if !(1..=1024).contains(&import_max_mb) {
            return Err(bad("IMPORT_MAX_MB", "must be between 1 and 1024"));
        }
        let dns_timeout_secs = parse_number(&get, "DNS_TIMEOUT_SECS", 5)?;
        if !(1..=60).contains(&dns_timeout_secs) {
            return Err(bad("DNS_TIMEOUT_SECS", "must be between 1 and 60"));
        }
        let sender_poll_secs = parse_number(&get, "SENDER_POLL_SECS", 10)?;
        let reply_poll_secs = parse_number(&get, "REPLY_POLL_SECS", 120)?;
        if !(1..=3600).contains(&sender_poll_secs) {
            return Err(bad("SENDER_POLL_SECS", "must be between 1 and 3600"));
        }
        if !(5..=86_400).contains(&reply_poll_secs) {
            return Err(bad("REPLY_POLL_SECS", "must be between 5 and 86400"));
        }
        let verify_poll_secs = parse_number(&get, "VERIFY_POLL_SECS", 2)?;
        if !(1..=3600).contains(&verify_poll_secs) {
            return Err(bad("VERIFY_POLL_SECS", "must be between 1 and 3600"));
        }
        let verify_batch = parse_number(&get, "VERIFY_BATCH", 200)?;
        if !(1..=5000).contains(&verify_batch) {
            return Err(bad("VERIFY_BATCH", "must be between 1 and 5000"));
        }
        let allow_private_mail_hosts = parse_bool(&get, "ALLOW_PRIVATE_MAIL_HOSTS")?;
        let trusted_proxies = parse_ip_list(&get, "TRUSTED_PROXIES")?;
        let default_sending_always = match get("DEFAULT_SENDING_WINDOW").as_deref().map(str::trim) {
            None | Some("") | Some("weekdays") => false,
            Some("always") => true,
            Some(_) => return Err(bad("DEFAULT_SENDING_WINDOW", "must be weekdays or always")),
        };
        let default_sender_pause = match get("DEFAULT_SENDER_PAUSE").as_deref().map(str::trim) {
            None | Some("") => Pacing::default(),
            Some(raw) => Pacing::from_setting(raw).ok_or_else(|| {
                bad(
                    "DEFAULT_SENDER_PAUSE",
                    "must be two numbers of seconds from 0 to 3600, like 60-180",
                )
            })?,
        };
        let sender_concurrency = parse_number(&get, "SENDER_CONCURRENCY", 4)?;
        if !(1..=256).contains(&sender_concurrency) {
            return Err(bad("SENDER_CONCURRENCY", "must be between 1 and 256"));
        }
        let session_key = key_from(&get, "SESSION_KEY", &data_dir, "session.key", 64)?;
        let secret_key = key_from(&get, "SECRET_KEY", &data_dir, "secret.key", 32)?;
        Ok(Settings {
            database_url,
            bind_addr,
            base_url,
            smtp_url: smtp_url.map(SecretString::from),
            mail_from,
            data_dir,
            session_key: session_key.into(),
            secret_key: secret_key.into(),
            bcrypt_cost: bcrypt_cost as u32,
            invitation_ttl_days,
            outbox_poll: Duration::from_secs(2),
            outbox_retry_base: Duration::from_secs(30),
            db_pool_size: db_pool_size as u32,
            import_max_bytes: import_max_mb as usize * 1024 * 1024,
            dns_timeout: Duration::from_secs(dns_timeout_secs as u64),
            sender_poll: Duration::from_secs(sender_poll_secs as u64),
            reply_poll: Duration::from_secs(reply_poll_secs as u64),
            reminder_poll: Duration::from_secs(300),
            verify_poll: Duration::from_secs(verify_poll_secs as u64),
            verify_batch: verify_batch as usize,
            allow_private_mail_hosts,
            trusted_proxies,
            default_sending_always,
            default_sender_pause,
            sender_concurrency: sender_concurrency as usize,
        })
    }

    /// Cookies are `Secure` exactly when the app is reached over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Whether `/dev/mailbox` may exist at all: no `SMTP_URL` (nothing is delivered), a
    /// loopback `BIND_ADDR` (no other machine can connect) and a `BASE_URL` naming a loopback
    /// host (a public `BASE_URL` means a deployment, perhaps behind a reverse proxy on the
    /// same host, where every visitor looks like a loopback peer). The handler also refuses
    /// requests that carry forwarding headers.
    pub fn dev_mailbox_allowed(&self) -> bool {
        let bind_loopback = self
            .bind_addr
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|a| a.ip().is_loopback());
        self.smtp_url.is_none() && bind_loopback && is_loopback_host(url_host(&self.base_url))
    }
}

/// The host of an `http(s)://host[:port][/…]` URL, without brackets for IPv6.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

/// `localhost`, a `*.localhost` name (RFC 6761 keeps them on this machine) or a loopback IP.
fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = std::env::temp_dir().join(format!("dripteam-config-{}", uuid::Uuid::new_v4()));
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.entry("DATA_DIR".into())
            .or_insert(dir.to_string_lossy().into_owned());
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_nothing() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind_addr, "127.0.0.1:8080");
        assert_eq!(s.base_url, "http://127.0.0.1:8080");
        assert!(s.database_url.is_sqlite());
        assert!(!s.secure_cookies());
        assert_eq!(s.session_key.expose_secret().len(), 64);
    }

    #[test]
    fn generated_keys_are_reused() {
        let dir = std::env::temp_dir().join(format!("dripteam-keys-{}", uuid::Uuid::new_v4()));
        let dir = dir.to_string_lossy().into_owned();
        let first = settings(&[("DATA_DIR", &dir)]).unwrap();
        let second = settings(&[("DATA_DIR", &dir)]).unwrap();
        assert_eq!(
            first.session_key.expose_secret(),
            second.session_key.expose_secret()
        );
        assert_eq!(
            first.secret_key.expose_secret(),
            second.secret_key.expose_secret()
        );
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let session_key = "ab".repeat(64);
        let secret_key = "cd".repeat(32);
        let s = settings(&[
            ("SESSION_KEY", &session_key),
            ("SECRET_KEY", &secret_key),
            ("SMTP_URL", "smtp://mailer:smtp-hunter2@127.0.0.1:2525"),
            (
                "DATABASE_URL",
                "postgres://app:db-hunter2@127.0.0.1:5432/dripteam",
            ),
        ])
        .unwrap();
        let printed = format!("{s:?} {s:#?}");
        for secret in ["abab", "cdcd", "smtp-hunter2", "db-hunter2", "171, 171"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("REDACTED"));
        assert_eq!(
            s.smtp_url.as_ref().unwrap().expose_secret(),
            "smtp://mailer:smtp-hunter2@127.0.0.1:2525"
        );
    }

    #[test]
    fn the_dev_mailbox_needs_loopback_bind_and_base_url_and_no_smtp() {
        assert!(settings(&[]).unwrap().dev_mailbox_allowed());
        assert!(
            settings(&[("BASE_URL", "http://localhost:8080/")])
                .unwrap()
                .dev_mailbox_allowed()
        );
        assert!(
            settings(&[
                ("BIND_ADDR", "[::1]:8080"),
                ("BASE_URL", "http://[::1]:8080")
            ])
            .unwrap()
            .dev_mailbox_allowed()
        );
        for vars in [
            vec![("BIND_ADDR", "0.0.0.0:8080")],
            vec![("BASE_URL", "https://outreach.example.com")],
            vec![("BASE_URL", "http://127.0.0.1.evil.example:8080")],
            vec![("BASE_URL", "http://localhost@evil.example")],
            vec![("SMTP_URL", "smtp://127.0.0.1:2525")],
        ] {
            assert!(!settings(&vars).unwrap().dev_mailbox_allowed(), "{vars:?}");
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("BIND_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("BASE_URL", "ftp://x"),
            ("BCRYPT_COST", "cheap"),
            ("RUST_LOG", "dripteam=loud"),
            ("SESSION_KEY", "abcd"),
            ("MAIL_FROM", "not a mailbox"),
            ("ALLOW_PRIVATE_MAIL_HOSTS", "maybe"),
            ("TRUSTED_PROXIES", "10.0.0.1, lb.internal"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name);
        }
        assert!(
            settings(&[("BASE_URL", "https://team.example.com/")])
                .unwrap()
                .secure_cookies()
        );
    }
}
