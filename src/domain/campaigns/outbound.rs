//! Outbound connections to users' own mail servers: which addresses dripteam may connect
//! to, how a failed connection is described to the user, and how long a failing mailbox
//! waits before it is read again.
//!
//! A sender account names any host, so without a rule "Test connection", the campaign
//! sender and the reply poller would let any user probe services inside dripteam's own
//! network (server-side request forgery). The rule is decided here, once, on the address
//! the host resolved to; `crate::mailboxes` connects to that same checked address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::Duration;

/// Which addresses sender accounts may reach: the `ALLOW_PRIVATE_MAIL_HOSTS` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailHosts {
    /// Only public unicast addresses (the default).
    PublicOnly,
    /// Any address, loopback and private networks included (tests, local development).
    AnyAddress,
}

impl MailHosts {
    /// `allow_private` is `Settings::allow_private_mail_hosts`.
    pub fn from_setting(allow_private: bool) -> Self {
        if allow_private {
            MailHosts::AnyAddress
        } else {
            MailHosts::PublicOnly
        }
    }
}

/// Whether a mail server at `ip` may be connected to under `hosts`.
///
/// With `PublicOnly` this refuses the special-purpose ranges of the IANA registries
/// (RFC 6890 and its updates): unspecified and "this network" (0.0.0.0/8, ::), loopback
/// (127.0.0.0/8, ::1), private (RFC 1918: 10/8, 172.16/12, 192.168/16), shared CGNAT
/// space (RFC 6598: 100.64/10), link-local (169.254/16, fe80::/10), unique-local
/// (RFC 4193: fc00::/7), site-local (fec0::/10), IETF protocol assignments (192.0.0/24),
/// documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32), benchmarking
/// (198.18/15), multicast, reserved (240/4) and broadcast, discard-only (100::/64) and
/// Teredo (2001::/32). IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96,
/// IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
pub fn address_allowed(ip: IpAddr, hosts: MailHosts) -> bool {
    match hosts {
        MailHosts::AnyAddress => true,
        MailHosts::PublicOnly => match ip {
            IpAddr::V4(v4) => public_v4(v4),
            IpAddr::V6(v6) => public_v6(v6),
        },
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn public_v4(ip: Ipv4Addr) -> bool {
    const REFUSED: [([u8; 4], u32); 15] = [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 88, 99, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4),
        ([240, 0, 0, 0], 4),
    ];
    !REFUSED.iter().any(|(net, prefix)| in_v4(ip, *net, *prefix))
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    // Forms that carry an IPv4 address are judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    if in_v6(ip, Ipv6Addr::UNSPECIFIED, 96) && bits > 1 {
        return public_v4(Ipv4Addr::from(bits as u32));
    }
    if in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return public_v4(Ipv4Addr::from(bits as u32));
    }
    if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        return public_v4(Ipv4Addr::from((bits >> 80) as u32));
    }
    let refused: [(Ipv6Addr, u32); 9] = [
        (Ipv6Addr::UNSPECIFIED, 128),
        (Ipv6Addr::LOCALHOST, 128),
        (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),
        (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32),
        (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
        (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
    ];
    !refused.iter().any(|(net, prefix)| in_v6(ip, *net, *prefix))
}

/// Which of a sender account's two servers a failure concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailServer {
    Smtp,
    Imap,
}

impl MailServer {
    /// "SMTP" or "IMAP", as the user reads it.
    pub fn label(self) -> &'static str {
        match self {
            MailServer::Smtp => "SMTP",
            MailServer::Imap => "IMAP",
        }
    }
}

/// Why talking to a mail server failed, as much as a user may be told: never the peer's
/// banner or raw error text (those go to the log), so that a failure cannot reveal what
/// answers on an address. Stored by its `code` (sender_accounts.imap_failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The host name has no address (or the lookup failed).
    CannotResolve,
    /// The host resolved only to addresses `address_allowed` refuses.
    NotAllowed,
    /// Nothing listens on the port.
    Refused,
    /// Any other connection failure (unreachable network, reset).
    Unreachable,
    /// No answer within the time allowed.
    TimedOut,
    /// The TLS handshake or STARTTLS failed.
    TlsFailed,
    /// The server refused the user name and password.
    LoginRefused,
    /// The peer did not answer as an SMTP or IMAP server does.
    Unexpected,
    /// The SMTP server refused the recipient's address for good (`refusals::classify`):
    /// a bounce.
    RecipientRefused,
    /// The SMTP server refused the sender: its address or a policy (5.7.x, 5.1.7, 5.1.8).
    SenderRefused,
    /// The SMTP server refused the email itself, for now (4xx) or for good (5xx).
    MessageRefused,
    /// Logged in, but the inbox could not be opened or read.
    InboxUnreadable,
    /// The stored password cannot be decrypted (was SECRET_KEY changed?).
    SettingsUnreadable,
    /// A fault in dripteam while reading this mailbox (logged).
    Internal,
}

impl FailureKind {
    /// Every kind, in declaration order.
    pub const ALL: [FailureKind; 14] = [
        FailureKind::CannotResolve,
        FailureKind::NotAllowed,
        FailureKind::Refused,
        FailureKind::Unreachable,
        FailureKind::TimedOut,
        FailureKind::TlsFailed,
        FailureKind::LoginRefused,
        FailureKind::Unexpected,
        FailureKind::RecipientRefused,
        FailureKind::SenderRefused,
        FailureKind::MessageRefused,
        FailureKind::InboxUnreadable,
        FailureKind::SettingsUnreadable,
        FailureKind::Internal,
    ];

    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            FailureKind::CannotResolve => "cannot_resolve",
            FailureKind::NotAllowed => "not_allowed",
            FailureKind::Refused => "refused",
            FailureKind::Unreachable => "unreachable",
            FailureKind::TimedOut => "timed_out",
            FailureKind::TlsFailed => "tls_failed",
            FailureKind::LoginRefused => "login_refused",
            FailureKind::Unexpected => "unexpected",
            FailureKind::RecipientRefused => "recipient_refused",
            FailureKind::SenderRefused => "sender_refused",
            FailureKind::MessageRefused => "message_refused",
            FailureKind::InboxUnreadable => "inbox_unreadable",
            FailureKind::SettingsUnreadable => "settings_unreadable",
            FailureKind::Internal => "internal",
        }
    }

    /// The kind stored as `code`; unknown codes read as `Internal`.
    pub fn parse(code: &str) -> Self {
        FailureKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .unwrap_or(FailureKind::Internal)
    }

    /// What the user is told, in lower case to follow "SMTP failed: ".
    pub fn describe(self) -> &'static str {
        match self {
            FailureKind::CannotResolve => "the host name cannot be resolved",
            FailureKind::NotAllowed => {
                "the address is not allowed (loopback, private or reserved network)"
            }
            FailureKind::Refused => "connection refused",
            FailureKind::Unreachable => "cannot connect",
            FailureKind::TimedOut => "timed out",
            FailureKind::TlsFailed => "TLS failed",
            FailureKind::LoginRefused => "login refused",
            FailureKind::Unexpected => "the server's answer was not understood",
            FailureKind::RecipientRefused => "the recipient's address was refused",
            FailureKind::SenderRefused => "the sender was refused",
            FailureKind::MessageRefused => "the email was refused",
            FailureKind::InboxUnreadable => "the inbox could not be read",
            FailureKind::SettingsUnreadable => "the stored password cannot be read; enter it again",
            FailureKind::Internal => "internal error",
        }
    }
}

/// A failure with the server it concerns; displays as "IMAP server: timed out".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailFailure {
    pub server: MailServer,
    pub kind: FailureKind,
}

impl MailFailure {
    /// A failure of `kind` on `server`.
    pub fn new(server: MailServer, kind: FailureKind) -> Self {
        MailFailure { server, kind }
    }
}

impl std::fmt::Display for MailFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} server: {}",
            self.server.label(),
            self.kind.describe()
        )
    }
}

impl From<MailFailure> for String {
    fn from(failure: MailFailure) -> String {
        failure.to_string()
    }
}

/// First wait after a failed IMAP check.
const FIRST_BACKOFF_MINUTES: i64 = 2;
/// The longest wait between two checks of a failing mailbox.
const MAX_BACKOFF_MINUTES: i64 = 60;

/// How long a mailbox that has failed `failures` times in a row (1 or more) is skipped:
/// 2 minutes, doubling with each further failure, at most 60 minutes.
pub fn imap_backoff(failures: i32) -> Duration {
    let doublings = failures.clamp(1, 16) - 1;
    Duration::minutes((FIRST_BACKOFF_MINUTES << doublings).min(MAX_BACKOFF_MINUTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(ip: &str) -> bool {
        address_allowed(ip.parse().unwrap(), MailHosts::PublicOnly)
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.10",
            "198.51.100.1",
            "203.0.113.9",
            "198.19.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            assert!(!allowed(ip), "{ip} allowed");
            assert!(address_allowed(ip.parse().unwrap(), MailHosts::AnyAddress));
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.0.1",
            "172.32.0.1",
            "192.169.0.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::",
        ] {
            assert!(allowed(ip), "{ip} refused");
        }
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let minutes: Vec<i64> = (1..=8).map(|n| imap_backoff(n).num_minutes()).collect();
        assert_eq!(minutes, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(imap_backoff(i32::MAX).num_minutes(), 60);
    }

    #[test]
    fn failure_kinds_round_trip_through_their_codes() {
        for kind in FailureKind::ALL {
            assert_eq!(FailureKind::parse(kind.code()), kind);
        }
        assert_eq!(
            MailFailure::new(MailServer::Imap, FailureKind::TimedOut).to_string(),
            "IMAP server: timed out"
        );
    }
}
