//! Talking to users' own mail servers: SMTP to send campaign emails, IMAP to find replies.
//! No rules here, only the protocols; `domain::senders` decides who may use which account.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(20);

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

pub fn smtp_transport(server: &Server) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let tls = || TlsParameters::new(server.host.clone()).map_err(|e| e.to_string());
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host)
        .port(server.port)
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

/// Connects and authenticates, for "Test connection".
pub async fn test_smtp(server: &Server) -> Result<(), String> {
    let transport = smtp_transport(server)?;
    match transport.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err("the server did not accept the connection".into()),
        Err(e) => Err(e.to_string()),
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
pub async fn fetch_replies(server: &Server, after_uid: u32) -> Result<Vec<InboxMessage>, String> {
    let work = async {
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        match server.security {
            Security::None => fetch_over(greeted(tcp).await?, server, after_uid).await,
            Security::Tls => {
                let name = server_name(&server.host)?;
                let tls = tls_connector()
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                fetch_over(greeted(tls).await?, server, after_uid).await
            }
            Security::StartTls => {
                let mut client = greeted(tcp).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| format!("STARTTLS: {e}"))?;
                let name = server_name(&server.host)?;
                let tls = tls_connector()
                    .connect(name, client.into_inner())
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                fetch_over(async_imap::Client::new(tls), server, after_uid).await
            }
        }
    };
    tokio::time::timeout(TIMEOUT, work)
        .await
        .map_err(|_| "the IMAP server did not answer in time".to_string())?
}

fn server_name(host: &str) -> Result<tokio_rustls::rustls::pki_types::ServerName<'static>, String> {
    tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| format!("bad host name: {e}"))
}

async fn greeted<T: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    stream: T,
) -> Result<async_imap::Client<T>, String> {
    let mut client = async_imap::Client::new(stream);
    match client.read_response().await {
        Some(Ok(_)) => Ok(client),
        _ => Err("the server sent no IMAP greeting".into()),
    }
}

async fn fetch_over<T: AsyncRead + AsyncWrite + Unpin + Debug + Send>(
    client: async_imap::Client<T>,
    server: &Server,
    after_uid: u32,
) -> Result<Vec<InboxMessage>, String> {
    let mut session = client
        .login(&server.user, &server.password)
        .await
        .map_err(|(e, _)| format!("login refused: {e}"))?;
    session
        .select("INBOX")
        .await
        .map_err(|e| format!("cannot open INBOX: {e}"))?;
    let range = format!("{}:*", after_uid + 1);
    let fetched: Vec<async_imap::types::Fetch> = session
        .uid_fetch(&range, "(UID BODY.PEEK[HEADER])")
        .await
        .map_err(|e| format!("fetch: {e}"))?
        .try_collect()
        .await
        .map_err(|e| format!("fetch: {e}"))?;
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

/// Logs in and opens the inbox, for "Test connection".
pub async fn test_imap(server: &Server) -> Result<(), String> {
    fetch_replies(server, u32::MAX - 1).await.map(|_| ())
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
