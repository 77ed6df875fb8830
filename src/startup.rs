//! Builds the application: database pool, HTTP server with sessions and security
//! headers, and the background workers.

use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::PersistentSession;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, Logger};
use actix_web::{App, HttpServer, web};

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::db::{self, DbError, Pool};
use crate::dns::DnsResolver;
use crate::domain::campaigns::domain_readiness::TxtResolver;
use crate::domain::campaigns::outbound::MailHosts;
use crate::domain::prospects::verification::MxResolver;
use crate::jobs::{campaign_sender, invitation_reminders, reply_poller, verifications};
use crate::mail::deliverer::{self, DeliverySettings};
use crate::web::errors::AppError;
use crate::web::extract::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

pub struct Application {
    pub port: u16,
    pub base_url: String,
    pub pool: Pool,
    pub clock: Clock,
    /// The background workers, so that whoever stops the app (tests) can stop them first.
    pub workers: Vec<tokio::task::AbortHandle>,
    server: Server,
}

impl Application {
    /// Opens the database, runs migrations and binds (port 0 picks a free port).
    pub fn build(settings: Settings, clock: Clock) -> Result<Self, StartupError> {
        let resolver = Arc::new(DnsResolver::from_system(settings.dns_timeout));
        Self::build_with_resolver(settings, clock, resolver)
    }

    /// As `build`, with the MX and TXT resolver given (tests answer DNS locally).
    pub fn build_with_resolver<R: MxResolver + TxtResolver + 'static>(
        mut settings: Settings,
        clock: Clock,
        resolver: Arc<R>,
    ) -> Result<Self, StartupError> {
        let pool = db::connect(&settings.database_url, settings.db_pool_size)?;
        let listener =
            TcpListener::bind(&settings.bind_addr).map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?
            .port();
        // With port 0 and no BASE_URL of its own, emailed links name the port actually bound.
        if settings.base_url == format!("http://{}", settings.bind_addr)
            && settings.bind_addr.ends_with(":0")
        {
            settings.base_url = format!("http://127.0.0.1:{port}");
        }
        let base_url = settings.base_url.clone();
        let mx: Arc<dyn MxResolver> = resolver.clone();
        let workers = start_workers(&pool, &clock, &settings, &mx);
        let state = AppState {
            pool: pool.clone(),
            clock: clock.clone(),
            settings: Arc::new(settings),
            resolver: resolver.clone(),
            txt: resolver,
        };
        let server = serve(listener, state)?;
        Ok(Application {
            port,
            base_url,
            pool,
            clock,
            workers,
            server,
        })
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn start_workers(
    pool: &Pool,
    clock: &Clock,
    settings: &Settings,
    resolver: &Arc<dyn MxResolver>,
) -> Vec<tokio::task::AbortHandle> {
    let secrets = SecretBox::new(settings.secret_key.expose_secret());
    let hosts = MailHosts::from_setting(settings.allow_private_mail_hosts);
    let mut workers = vec![
        tokio::spawn(campaign_sender::run(
            pool.clone(),
            clock.clone(),
            secrets.clone(),
            settings.base_url.clone(),
            settings.sender_poll,
            hosts,
            settings.sender_concurrency,
        ))
        .abort_handle(),
        tokio::spawn(verifications::run(
            pool.clone(),
            clock.clone(),
            resolver.clone(),
            settings.verify_poll,
            settings.verify_batch,
        ))
        .abort_handle(),
        tokio::spawn(invitation_reminders::run(
            pool.clone(),
            clock.clone(),
            settings.base_url.clone(),
            settings.reminder_poll,
        ))
        .abort_handle(),
        tokio::spawn(reply_poller::run(
            reply_poller::PollContext {
                pool: pool.clone(),
                clock: clock.clone(),
                secrets,
                base_url: settings.base_url.clone(),
            },
            reply_poller::PollSettings::new(hosts),
            settings.reply_poll,
        ))
        .abort_handle(),
    ];
    let Some(smtp_url) = &settings.smtp_url else {
        if settings.dev_mailbox_allowed() {
            log::info!(
                "SMTP_URL is not set: emails are kept in the outbox and shown at /dev/mailbox"
            );
        } else {
            log::warn!(
                "SMTP_URL is not set: NO EMAIL WILL BE DELIVERED (invitations, password resets). \
                 /dev/mailbox is off because BIND_ADDR or BASE_URL is not a loopback address."
            );
        }
        return workers;
    };
    let deliverer = tokio::spawn(deliverer::run(
        pool.clone(),
        clock.clone(),
        DeliverySettings {
            smtp_url: smtp_url.clone(),
            from: settings.mail_from.clone(),
            poll_every: settings.outbox_poll,
            retry_base: settings.outbox_retry_base,
        },
    ));
    workers.push(deliverer.abort_handle());
    workers
}

/// Headers on every answer that does not set its own: a strict content security policy,
/// no sniffing or framing, and `Cache-Control: no-store`, so that a private page or an
/// export is never kept by the browser or a proxy (Back after log-out shows nothing; the
/// stylesheet sets its own public caching). With an https `BASE_URL` also
/// `Strict-Transport-Security` for one year (RFC 6797).
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

fn serve(listener: TcpListener, state: AppState) -> Result<Server, StartupError> {
    let key = Key::from(state.settings.session_key.expose_secret());
    let secure = state.settings.secure_cookies();
    let state = web::Data::new(state);
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(crate::web::error_pages::error_pages())
            .wrap(security_headers(secure))
            .wrap(
                SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                    .cookie_name("dripteam_session".into())
                    .cookie_secure(secure)
                    .cookie_same_site(SameSite::Lax)
                    .cookie_http_only(true)
                    .session_lifecycle(
                        PersistentSession::default()
                            .session_ttl(actix_web::cookie::time::Duration::days(14)),
                    )
                    .build(),
            )
            .wrap(Logger::new("%r %s %Dms"))
            .app_data(state.clone())
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                AppError::BadRequest(format!("The address has a malformed query ({e}).")).into()
            }))
            .configure(crate::web::routes)
            .default_service(web::to(crate::web::not_found))
    })
    .listen(listener)
    .map_err(|source| StartupError::Bind { addr, source })?
    .run();
    Ok(server)
}
