//! Talking to users' own mail servers: SMTP to send campaign emails, IMAP to find replies.
//! No rules here, only the protocols; `domain::campaigns::senders` decides who may use which account
//! and `domain::campaigns::outbound` which addresses may be reached: every connection goes to an
//! address resolved and checked here, never to a name resolved again.

use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

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

/// The kind of the first I/O error in `error`'s source chain, if it tells one.
fn io_kind(error: &(dyn std::error::Error + 'static)) -> Option<FailureKind> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(connect_kind(io));
        }
        source = e.source();
    }
    None
}

fn connect_kind(error: &std::io::Error) -> FailureKind {
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

fn tls_connector() -> tokio_rustls::TlsConnector {
    let roots = tokio_rustls::rustls::RootCertStore::from_iter(
        webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
    );
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|b| b.with_root_certificates(roots).with_no_client_auth());
    let config =
        config.unwrap_or_else(|_| unreachable!("ring supports the default protocol versions"));
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// One message found in the inbox: its UID and the Message-IDs it answers.
#[derive(Debug, Clone)]
pub struct InboxMessage {
    pub uid: u32,
    pub answers: Vec<String>,
}

/// Messages with a UID above `after_uid`, with their In-Reply-To and References ids.
///
/// Connects to the checked address of `server` (see `checked_address`); the whole exchange,
/// name lookup included, ends with `TimedOut` after `timeout`. Failures are returned by
/// kind (cannot resolve, not allowed, refused, timed out, TLS failed, login refused, …);
/// the server's own words are logged, never returned.
pub async fn fetch_replies(
    server: &Server,
    after_uid: u32,
    hosts: MailHosts,
    timeout: Duration,
) -> Result<Vec<InboxMessage>, MailFailure> {
    let work = async {
        let address = checked_address(server, MailServer::Imap, hosts, timeout).await?;
        let tcp = TcpStream::connect(address).await.map_err(|e| {
            log::info!("IMAP {server:?}: cannot connect to {address}: {e}");
            imap_failure(connect_kind(&e))
        })?;
        match server.security {
            Security::None => fetch_over(greeted(tcp).await?, server, after_uid).await,
            Security::Tls => {
                let tls = tls_over(tcp, server).await?;
                fetch_over(greeted(tls).await?, server, after_uid).await
            }
            Security::StartTls => {
                let mut client = greeted(tcp).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| {
                        log::info!("IMAP {server:?}: STARTTLS: {e}");
                        imap_failure(FailureKind::TlsFailed)
                    })?;
                let tls = tls_over(client.into_inner(), server).await?;
                fetch_over(async_imap::Client::new(tls), server, after_uid).await
            }
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| imap_failure(FailureKind::TimedOut))?
}

fn imap_failure(kind: FailureKind) -> MailFailure {
    MailFailure::new(MailServer::Imap, kind)
}

async fn tls_over(
    tcp: TcpStream,
    server: &Server,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, MailFailure> {
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(server.host.clone()).map_err(
        |e| {
            log::info!("IMAP {server:?}: bad TLS server name: {e}");
            imap_failure(FailureKind::TlsFailed)
        },
    )?;
    tls_connector().connect(name, tcp).await.map_err(|e| {
        log::info!("IMAP {server:?}: TLS: {e}");
        imap_failure(FailureKind::TlsFailed)
    })
}

async fn greeted<T: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    stream: T,
) -> Result<async_imap::Client<T>, MailFailure> {
    let mut client = async_imap::Client::new(stream);
    match client.read_response().await {
        Some(Ok(_)) => Ok(client),
        Some(Err(e)) => {
            log::info!("IMAP greeting not understood: {e}");
            Err(imap_failure(FailureKind::Unexpected))
        }
        None => Err(imap_failure(FailureKind::Unexpected)),
    }
}

async fn fetch_over<T: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    client: async_imap::Client<T>,
    server: &Server,
    after_uid: u32,
) -> Result<Vec<InboxMessage>, MailFailure> {
    let inbox_failed = |e: async_imap::error::Error| {
        log::info!("IMAP {server:?}: reading INBOX: {e}");
        imap_failure(FailureKind::InboxUnreadable)
    };
    let mut session = client
        .login(&server.user, &server.password)
        .await
        .map_err(|(e, _)| {
            log::info!("IMAP {server:?}: login: {e}");
            imap_failure(FailureKind::LoginRefused)
        })?;
    session.select("INBOX").await.map_err(inbox_failed)?;
    let range = format!("{}:*", after_uid + 1);
    let fetched: Vec<async_imap::types::Fetch> = session
        .uid_fetch(&range, "(UID BODY.PEEK[HEADER])")
        .await
        .map_err(inbox_failed)?
        .try_collect()
        .await
        .map_err(inbox_failed)?;
    let messages = fetched
        .iter()
        // `n:*` always returns the newest message, even when its UID is below n.
        .filter_map(|f| {
            f.uid
                .filter(|uid| *uid > after_uid)
                .map(|uid| (uid, f.header().unwrap_or_default()))
        })
        .map(|(uid, header)| InboxMessage {
            uid,
            answers: referenced_ids(&String::from_utf8_lossy(header)),
        })
        .collect();
    let _ = session.logout().await;
    Ok(messages)
}

/// The Message-IDs named by In-Reply-To and References, with folded lines joined.
pub fn referenced_ids(header: &str) -> Vec<String> {
    let unfolded = header
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    unfolded
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = name.trim().to_ascii_lowercase();
            (name == "in-reply-to" || name == "references").then_some(value)
        })
        .flat_map(|value| {
            value
                .split('<')
                .skip(1)
                .filter_map(|part| part.split_once('>').map(|(id, _)| id.trim().to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Logs in and opens the inbox, for "Test connection" (see `fetch_replies`).
pub async fn test_imap(server: &Server, hosts: MailHosts) -> Result<(), MailFailure> {
    fetch_replies(server, u32::MAX - 1, hosts, TIMEOUT)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_referenced_message_ids() {
        let header = "Subject: Re: hi\r\nIn-Reply-To: <a1@x.example>\r\nReferences: <z0@x.example>\r\n <a1@x.example>\r\n";
        assert_eq!(
            super::referenced_ids(header),
            ["a1@x.example", "z0@x.example", "a1@x.example"]
        );
    }
}
