//! SMTP: the transport that sends campaign emails, and how its failures are told apart.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::{Security, Server, TIMEOUT, checked_address, io_kind};
use crate::domain::campaigns::outbound::{FailureKind, MailFailure, MailHosts, MailServer};

/// An SMTP transport for the account's server, connecting to its checked address (see
/// `checked_address`) with TLS naming the host. The transport connects lazily: connection
/// failures come from its first use.
pub async fn smtp_transport(
    server: &Server,
    hosts: MailHosts,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailFailure> {
    let address = checked_address(server, MailServer::Smtp, hosts, TIMEOUT).await?;
    let tls = || {
        TlsParameters::new(server.host.clone()).map_err(|e| {
            log::info!("SMTP {server:?}: TLS parameters: {e}");
            MailFailure::new(MailServer::Smtp, FailureKind::TlsFailed)
        })
    };
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string())
        .port(address.port())
        .timeout(Some(TIMEOUT));
    let builder = match server.security {
        Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
        Security::StartTls => builder.tls(Tls::Required(tls()?)),
        Security::None => builder.tls(Tls::None),
    };
    let builder = if server.user.is_empty() {
        builder
    } else {
        builder.credentials(Credentials::new(
            server.user.clone(),
            server.password.clone(),
        ))
    };
    Ok(builder.build())
}

/// The kind of an SMTP failure, for the user; `with_login` tells whether the session
/// authenticates (then a negative reply is taken as the login being refused).
pub fn smtp_failure(error: &lettre::transport::smtp::Error, with_login: bool) -> MailFailure {
    let kind = if let Some(kind) = io_kind(error) {
        kind
    } else if error.is_tls() {
        FailureKind::TlsFailed
    } else if (error.is_permanent() || error.is_transient()) && with_login {
        FailureKind::LoginRefused
    } else {
        FailureKind::Unexpected
    };
    MailFailure::new(MailServer::Smtp, kind)
}

/// The kind of a failed campaign email's SMTP call, told by its reply code and the
/// enhanced status code the reply opens with (`refusals::classify`: recipient, sender or
/// message refused); without a code, as `smtp_failure`.
pub fn delivery_failure(error: &lettre::transport::smtp::Error, with_login: bool) -> FailureKind {
    let Some(code) = error
        .status()
        .and_then(|c| c.to_string().parse::<u16>().ok())
    else {
        return smtp_failure(error, with_login).kind;
    };
    let text = std::error::Error::source(error)
        .map(|s| s.to_string())
        .unwrap_or_default();
    crate::domain::campaigns::refusals::classify(code, &text)
}

/// Connects and authenticates, for "Test connection". The peer's own words are logged,
/// never returned.
pub async fn test_smtp(server: &Server, hosts: MailHosts) -> Result<(), MailFailure> {
    let transport = smtp_transport(server, hosts).await?;
    let failed = |kind| MailFailure::new(MailServer::Smtp, kind);
    match tokio::time::timeout(TIMEOUT, transport.test_connection()).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err(failed(FailureKind::Unexpected)),
        Ok(Err(e)) => {
            log::info!("SMTP test of {server:?}: {e}");
            Err(smtp_failure(&e, !server.user.is_empty()))
        }
        Err(_) => Err(failed(FailureKind::TimedOut)),
    }
}
