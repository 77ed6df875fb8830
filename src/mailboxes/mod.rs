//! Talking to users' own mail servers: SMTP to send campaign emails (`smtp`), IMAP to read
//! the inbox (`imap`). No rules here, only the protocols; `domain::campaigns::senders` decides
//! who may use which account and `domain::campaigns::outbound` which addresses may be reached:
//! every connection goes to an address resolved and checked here, never to a name resolved again.

mod imap;
mod smtp;

pub use imap::{RawMessage, fetch_replies, test_imap};
pub use smtp::{delivery_failure, smtp_failure, smtp_transport, test_smtp};

use std::fmt::Debug;
use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::campaigns::outbound::{self, FailureKind, MailFailure, MailHosts, MailServer};

/// How long one SMTP exchange, name lookup or "Test connection" may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (SMTPS on 465, IMAPS on 993).
    Tls,
    /// Plain, upgraded with STARTTLS (587, 143).
    StartTls,
    /// No encryption: only for servers on the same machine or network.
    None,
}

impl Security {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::StartTls),
            "none" => Some(Security::None),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        }
    }
}

/// Where and as whom to connect, with the password decrypted for this use only.
#[derive(Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: String,
}

impl Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} ({:?}) as {}",
            self.host, self.port, self.security, self.user
        )
    }
}

/// The first address `server.host` resolves to that `hosts` allows, with `server.port`.
///
/// An IP literal is used as it is. Refuses with `CannotResolve` when the name has no
/// address (or the lookup fails or takes longer than `timeout`), and with `NotAllowed`
/// when every address is refused by `domain::campaigns::outbound::address_allowed`. Callers connect
/// to the returned address, never to the name again, so a DNS answer that changes between
/// the check and the connection cannot lead elsewhere.
pub async fn checked_address(
    server: &Server,
    role: MailServer,
    hosts: MailHosts,
    timeout: Duration,
) -> Result<SocketAddr, MailFailure> {
    let failure = |kind| MailFailure::new(role, kind);
    let lookup = tokio::net::lookup_host((server.host.as_str(), server.port));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(timeout, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(e)) => {
            log::info!("{} {server:?}: cannot resolve: {e}", role.label());
            return Err(failure(FailureKind::CannotResolve));
        }
        Err(_) => {
            log::info!("{} {server:?}: name lookup timed out", role.label());
            return Err(failure(FailureKind::CannotResolve));
        }
    };
    if addresses.is_empty() {
        return Err(failure(FailureKind::CannotResolve));
    }
    addresses
        .iter()
        .copied()
        .find(|a| outbound::address_allowed(a.ip(), hosts))
        .ok_or_else(|| {
            log::warn!(
                "{} {server:?}: refused, resolves to {addresses:?} (ALLOW_PRIVATE_MAIL_HOSTS is off)",
                role.label()
            );
            failure(FailureKind::NotAllowed)
        })
}

/// The kind of the first I/O error in `error`'s source chain, if it tells one.
pub(crate) fn io_kind(error: &(dyn std::error::Error + 'static)) -> Option<FailureKind> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(connect_kind(io));
        }
        source = e.source();
    }
    None
}

pub(crate) fn connect_kind(error: &std::io::Error) -> FailureKind {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionRefused => FailureKind::Refused,
        ErrorKind::TimedOut | ErrorKind::WouldBlock => FailureKind::TimedOut,
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::UnexpectedEof
        | ErrorKind::BrokenPipe
        | ErrorKind::InvalidData => FailureKind::Unexpected,
        _ => FailureKind::Unreachable,
    }
}
