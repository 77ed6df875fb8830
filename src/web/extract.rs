//! What every handler takes: the app state, the logged-in user, the page context (CSRF
//! token, flash message, lock banner) and CSRF-checked forms.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::errors::AppError;
use super::page::{Flash, PageContext, Section};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::models::User;
use crate::db::values::FormKind;
use crate::db::{AnyConnection, DbError, Pool};
use crate::domain::campaigns::domain_readiness::TxtResolver;
use crate::domain::prospects::verification::MxResolver;
use crate::domain::submissions::{self, FormToken, Submission};
use crate::domain::team;
use crate::domain::{DomainError, UserId};

pub struct AppState {
    pub pool: Pool,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub resolver: Arc<dyn MxResolver>,
    /// TXT lookups for "Test connection" (`domain_readiness`).
    pub txt: Arc<dyn TxtResolver>,
}

impl AppState {
    /// Runs blocking database work off the async workers.
    pub async fn db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut AnyConnection) -> Result<T, DomainError> + Send + 'static,
    ) -> Result<T, DomainError> {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| DomainError::Internal(format!("blocking task: {e}")))?
    }

    /// Runs `work` with a form's parsed input, or returns the parse refusal without
    /// touching the database: `state.run(Name::parse(&form.name), move |conn, name| …)`.
    pub async fn run<P: Send + 'static, T: Send + 'static>(
        &self,
        parsed: Result<P, DomainError>,
        work: impl FnOnce(&mut AnyConnection, P) -> Result<T, DomainError> + Send + 'static,
    ) -> Result<T, DomainError> {
        let input = parsed?;
        self.db(move |conn| work(conn, input)).await
    }

    /// `run` for a creating form: parses its one-time `form_token` with the input, then
    /// runs `create` once per token (`domain::submissions::once`: a second POST with the
    /// same token creates nothing). `created_id` names what was created, for that second
    /// POST to be sent to.
    pub async fn create_once<P: Send + 'static, T: Send + 'static>(
        &self,
        user_id: UserId,
        form: FormKind,
        (parsed, form_token): (Result<P, DomainError>, &str),
        create: impl FnOnce(&mut AnyConnection, P) -> Result<T, DomainError> + Send + 'static,
        created_id: fn(&T) -> Option<i64>,
    ) -> Result<Submission<T>, DomainError> {
        let parsed = parsed.and_then(|input| Ok((input, FormToken::parse(form_token)?)));
        let now = self.clock.now();
        self.run(parsed, move |conn, (input, token)| {
            submissions::once(
                conn,
                user_id,
                form,
                &token,
                now,
                |conn| create(conn, input),
                created_id,
            )
        })
        .await
    }
}

/// The cookie's session token; the database keeps its SHA-256 (`domain::accounts::sessions`).
const SESSION_TOKEN: &str = "sid";
const SESSION_CSRF: &str = "csrf";
/// The session key of the flash message (`respond::flash`).
pub(super) const SESSION_FLASH: &str = "flash";

/// Starts a fresh session for `user_id`: a new cookie (so a planted one is worthless)
/// holding a new token, and its row in the database with the browser's User-Agent.
pub async fn log_in_session(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    user_id: UserId,
) -> Result<(), AppError> {
    let client = crate::domain::accounts::sessions::describe_client(
        req.headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    let now = state.clock.now();
    let token = state
        .db(move |conn| crate::domain::accounts::sessions::start(conn, user_id, &client, now))
        .await?;
    session.renew();
    session
        .insert(SESSION_TOKEN, token)
        .map_err(|e| AppError::Internal(format!("session: {e}")))
}

/// Ends the session in the database (a copy of the cookie is worthless from now on) and
/// removes the cookie.
pub async fn log_out_session(session: &Session, state: &AppState) -> Result<(), AppError> {
    if let Ok(Some(token)) = session.get::<String>(SESSION_TOKEN) {
        let now = state.clock.now();
        state
            .db(move |conn| crate::domain::accounts::sessions::end(conn, &token, now))
            .await?;
    }
    session.purge();
    Ok(())
}

/// The logged-in user, loaded for this request with the session in one query (a revoked
/// or idle session counts as logged out). Absent: a redirect to the log-in page. Take
/// `Option<CurrentUser>` where a page is for everyone.
pub struct CurrentUser {
    pub user: User,
    /// The database id of this request's session (`domain::accounts::sessions`).
    pub session_id: i64,
    /// Why the user's team is locked, for the banner on every page.
    pub lock_notice: Option<team::LockNotice>,
    /// Caps or the team pool past 80%, for a banner on every page.
    pub usage_notices: Vec<String>,
    /// The page the navigation marks as current (`page::Section::of` the request's path).
    pub section: Option<Section>,
}

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// The user's address while nobody has proven it (for the "confirm" banner).
    pub fn unconfirmed_email(&self) -> Option<String> {
        self.user
            .email_confirmed_at
            .is_none()
            .then(|| self.user.email.clone())
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let next = req
            .uri()
            .path_and_query()
            .map_or("/".to_string(), |pq| pq.as_str().to_string());
        let section = Section::of(req.path());
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let Some(token) = session.get::<String>(SESSION_TOKEN).ok().flatten() else {
                return Err(AppError::LoginRequired { next });
            };
            let now = state.clock.now();
            let loaded = state
                .db(move |conn| {
                    let Some((row, user)) =
                        crate::domain::accounts::sessions::current(conn, &token, now)?
                    else {
                        return Ok(None);
                    };
                    let lock_notice = team::lock_notice(conn, &user, now)?;
                    let usage_notices = crate::domain::billing::notices(conn, &user, now)?;
                    Ok(Some(CurrentUser {
                        user,
                        session_id: row.id,
                        lock_notice,
                        usage_notices,
                        section,
                    }))
                })
                .await?;
            match loaded {
                Some(current) => Ok(current),
                None => {
                    session.purge();
                    Err(AppError::LoginRequired { next })
                }
            }
        })
    }
}

impl PageContext {
    pub fn new(session: &Session, state: &AppState, user: Option<&CurrentUser>) -> Self {
        let flash = session
            .remove_as::<Flash>(SESSION_FLASH)
            .and_then(Result::ok);
        PageContext {
            user_name: user.map(|u| u.user.name.clone()),
            csrf_token: csrf_token(session),
            form_token: crate::domain::submissions::FormToken::fresh(),
            flash,
            dev_mailbox: user.is_some() && state.settings.dev_mailbox_allowed(),
            lock_notice: user.and_then(|u| u.lock_notice.clone()),
            usage_notices: user.map(|u| u.usage_notices.clone()).unwrap_or_default(),
            section: user.and_then(|u| u.section),
        }
    }
}

/// The session's CSRF token, made on first use.
fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(SESSION_CSRF) {
        return token;
    }
    let (token, _) = crate::domain::accounts::tokens::generate();
    let _ = session.insert(SESSION_CSRF, &token);
    token
}

#[derive(Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// A urlencoded form whose `csrf_token` field matched the session's token. The token is
/// checked before the rest of the form is parsed, so a forged POST changes nothing.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
            let sent = serde_urlencoded::from_bytes::<CsrfField>(&body)
                .ok()
                .and_then(|f| f.csrf_token)
                .unwrap_or_default();
            let expected = session
                .get::<String>(SESSION_CSRF)
                .ok()
                .flatten()
                .unwrap_or_default();
            if expected.is_empty() || !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(AppError::Csrf);
            }
            serde_urlencoded::from_bytes::<T>(&body)
                .map(CsrfForm)
                .map_err(|e| {
                    AppError::BadRequest(format!("The form was incomplete or malformed ({e})."))
                })
        })
    }
}

/// Compares a submitted token with the session's in constant time.
pub fn check_csrf(session: &Session, sent: &str) -> Result<(), AppError> {
    let expected = session
        .get::<String>(SESSION_CSRF)
        .ok()
        .flatten()
        .unwrap_or_default();
    if expected.is_empty() || !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(AppError::Csrf);
    }
    Ok(())
}

/// A form with nothing but its CSRF token (a button).
#[derive(Deserialize)]
pub struct NoFields {}

/// The client's IP address, for throttling: the TCP peer, unless the peer is one of
/// `TRUSTED_PROXIES` (a load balancer). Then it is the right-most `X-Forwarded-For` entry
/// (all such headers, in order, comma-separated) that is not itself a trusted proxy: each
/// proxy appends the address it received from, so the entries left of that one may be
/// written by the client (MDN, "X-Forwarded-For: Selecting an IP address"). When every entry
/// is a trusted proxy it is the left-most; when an entry cannot be read (not an IP address,
/// with or without a port) it is the last trusted hop before it. Without trusted proxies
/// forwarding headers are ignored, so a client cannot choose its own address.
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip().to_canonical()) else {
        return "unknown".into();
    };
    let trusted: &[std::net::IpAddr] = req
        .app_data::<web::Data<AppState>>()
        .map_or(&[], |state| &state.settings.trusted_proxies);
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|t| t.to_canonical() == *ip);
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    let values: Option<Vec<&str>> = req
        .headers()
        .get_all("x-forwarded-for")
        .map(|v| v.to_str().ok())
        .collect();
    let entries: Vec<&str> = values
        .unwrap_or_default()
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.into_iter().rev() {
        let parsed = entry
            .parse::<std::net::IpAddr>()
            .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|a| a.ip()));
        let Ok(ip) = parsed.map(|ip| ip.to_canonical()) else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client.to_string()
}
