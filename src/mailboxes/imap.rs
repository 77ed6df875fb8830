//! IMAP: reading a sender account's inbox for messages that answer our emails.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::{Security, Server, TIMEOUT, checked_address, connect_kind};
use crate::domain::campaigns::outbound::{FailureKind, MailFailure, MailHosts, MailServer};

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

/// One message found in the inbox: its UID and its raw bytes (RFC 5322), at most the
/// `limit` given to `fetch_replies` (a longer message is cut there).
#[derive(Debug, Clone)]
pub struct RawMessage {
    pub uid: u32,
    pub bytes: Vec<u8>,
}

/// How many new messages one call fetches at most (the oldest first): a full inbox, as
/// on an account's first check, is read over several rounds rather than in one that
/// cannot end within its time limit.
pub const MESSAGES_PER_ROUND: usize = 50;

/// Messages with a UID above `after_uid` (at most `MESSAGES_PER_ROUND`, the oldest first),
/// each fetched whole up to `limit` bytes (`BODY.PEEK[]<0.limit>`: the message stays
/// unread for its owner).
///
/// Connects to the checked address of `server` (see `checked_address`); the whole exchange,
/// name lookup included, ends with `TimedOut` after `timeout`. Failures are returned by
/// kind (cannot resolve, not allowed, refused, timed out, TLS failed, login refused, …);
/// the server's own words are logged, never returned.
pub async fn fetch_replies(
    server: &Server,
    after_uid: u32,
    limit: u32,
    hosts: MailHosts,
    timeout: Duration,
) -> Result<Vec<RawMessage>, MailFailure> {
    let work = async {
        let address = checked_address(server, MailServer::Imap, hosts, timeout).await?;
        let tcp = TcpStream::connect(address).await.map_err(|e| {
            log::info!("IMAP {server:?}: cannot connect to {address}: {e}");
            imap_failure(connect_kind(&e))
        })?;
        match server.security {
            Security::None => fetch_over(greeted(tcp).await?, server, after_uid, limit).await,
            Security::Tls => {
                let tls = tls_over(tcp, server).await?;
                fetch_over(greeted(tls).await?, server, after_uid, limit).await
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
                fetch_over(async_imap::Client::new(tls), server, after_uid, limit).await
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
    limit: u32,
) -> Result<Vec<RawMessage>, MailFailure> {
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
    // `n:*` always names the newest message, even when its UID is below n: the search
    // tells which UIDs are new, so that only those are fetched whole.
    let found = session
        .uid_search(format!("UID {}:*", after_uid.saturating_add(1)))
        .await
        .map_err(inbox_failed)?;
    let mut new: Vec<u32> = found.into_iter().filter(|uid| *uid > after_uid).collect();
    new.sort_unstable();
    new.truncate(MESSAGES_PER_ROUND);
    let mut messages = Vec::new();
    if !new.is_empty() {
        let set: Vec<String> = new.iter().map(u32::to_string).collect();
        let fetched: Vec<async_imap::types::Fetch> = session
            .uid_fetch(set.join(","), format!("(UID BODY.PEEK[]<0.{limit}>)"))
            .await
            .map_err(inbox_failed)?
            .try_collect()
            .await
            .map_err(inbox_failed)?;
        messages = fetched
            .iter()
            .filter_map(|f| {
                f.uid.filter(|uid| *uid > after_uid).map(|uid| RawMessage {
                    uid,
                    bytes: f.body().unwrap_or_default().to_vec(),
                })
            })
            .collect();
    }
    let _ = session.logout().await;
    Ok(messages)
}

/// Logs in and opens the inbox, for "Test connection" (see `fetch_replies`).
pub async fn test_imap(server: &Server, hosts: MailHosts) -> Result<(), MailFailure> {
    fetch_replies(server, u32::MAX - 1, 1, hosts, TIMEOUT)
        .await
        .map(|_| ())
}
