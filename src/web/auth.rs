//! Sign up, log in, log out, forgot and reset password.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{
    AppState, CsrfForm, CurrentUser, NoFields, client_ip, log_in_session, log_out_session,
};
use super::navigation::{redirect, safe_next};
use super::page::{FlashKind, PageContext};
use super::respond::{finish, flash, refused, render, render_status};
use crate::domain::DomainError;
use crate::domain::accounts::{self, AddressProof, EmailAddress, NewPassword, PersonName, SignUp};

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    email: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage {
    ctx: PageContext,
    next: String,
    name: String,
    email: String,
    error: Option<String>,
}

impl SignupPage {
    /// The form shown again with what was typed (never the password) and the refusal.
    fn typed(ctx: PageContext, next: String, form: SignupForm, error: String) -> Self {
        SignupPage {
            ctx,
            next,
            name: form.name,
            email: form.email,
            error: Some(error),
        }
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageContext,
    next: String,
    email: String,
    error: Option<String>,
}

impl LoginPage {
    /// The form shown again with the address typed and the refusal.
    fn typed(ctx: PageContext, next: String, email: String, error: String) -> Self {
        LoginPage {
            ctx,
            next,
            email,
            error: Some(error),
        }
    }
}

#[get("/signup")]
async fn signup_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    render(&SignupPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        next: safe_next(query.next.as_deref()),
        name: String::new(),
        email: query.email.clone().unwrap_or_default(),
        error: None,
    })
}

#[derive(Deserialize)]
struct SignupForm {
    name: String,
    email: String,
    password: String,
    next: Option<String>,
}

fn parse_signup(form: &SignupForm) -> Result<SignUp, DomainError> {
    Ok(SignUp {
        name: PersonName::parse(&form.name)?,
        email: EmailAddress::parse(&form.email)?,
        password: NewPassword::parse(&form.password)?,
    })
}

#[post("/signup")]
async fn signup(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let (cost, now) = (state.settings.bcrypt_cost, state.clock.now());
    let base_url = state.settings.base_url.clone();
    let outcome = state
        .run(parse_signup(&form), move |conn, sign_up| {
            let proof = AddressProof::EmailLink {
                base_url: &base_url,
            };
            accounts::sign_up(conn, sign_up, proof, cost, now)
        })
        .await;
    let user = match refused(outcome)? {
        Ok(user) => user,
        Err(message) => {
            let ctx = PageContext::new(&session, &state, None);
            return render(&SignupPage::typed(ctx, next, form, message));
        }
    };
    log_in_session(&req, &session, &state, user.id).await?;
    let welcome = format!(
        "Welcome to dripteam, {}! We sent a link to {} to confirm your address.",
        user.name, user.email
    );
    finish(&session, Ok(welcome), &next)
}

#[get("/login")]
async fn login_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if viewer.is_some() {
        return Ok(redirect(&safe_next(query.next.as_deref())));
    }
    render(&LoginPage {
        ctx: PageContext::new(&session, &state, None),
        next: safe_next(query.next.as_deref()),
        email: query.email.clone().unwrap_or_default(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// A throttled log-in answers 429 Too Many Requests, with the form; other refusals 200.
fn refused_login_status(e: &DomainError) -> StatusCode {
    if matches!(e, DomainError::Throttled(_)) {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::OK
    }
}

#[post("/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let (ip, now, cost) = (
        client_ip(&req),
        state.clock.now(),
        state.settings.bcrypt_cost,
    );
    let (email, password) = (form.email.clone(), form.password);
    let outcome = state
        .db(move |conn| accounts::log_in(conn, &email, &password, &ip, cost, now))
        .await;
    match outcome {
        Ok(user) => {
            log_in_session(&req, &session, &state, user.id).await?;
            Ok(redirect(&next))
        }
        Err(e) => {
            let status = refused_login_status(&e);
            let error = e.refusal().ok_or(AppError::from(e))?;
            let ctx = PageContext::new(&session, &state, None);
            render_status(status, &LoginPage::typed(ctx, next, form.email, error))
        }
    }
}

#[post("/logout")]
async fn logout(
    state: web::Data<AppState>,
    session: Session,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    log_out_session(&session, &state).await?;
    Ok(redirect("/login"))
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageContext,
    /// The address as typed, and why it was refused.
    email: String,
    error: Option<String>,
}

#[get("/password/forgot")]
async fn forgot_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    render(&ForgotPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[post("/password/forgot")]
async fn forgot(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let email = match refused(EmailAddress::parse(&form.email))? {
        Ok(email) => email,
        Err(message) => {
            return render(&ForgotPage {
                ctx: PageContext::new(&session, &state, viewer.as_ref()),
                email: form.email,
                error: Some(message),
            });
        }
    };
    let (base_url, now) = (state.settings.base_url.clone(), state.clock.now());
    let shown = email.as_str().to_string();
    state
        .db(move |conn| accounts::request_password_reset(conn, &email, &base_url, now))
        .await?;
    flash(
        &session,
        FlashKind::Success,
        format!(
            "If {shown} has a dripteam account, a link to reset its password is on its way. It works for one hour."
        ),
    );
    Ok(redirect("/login"))
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    ctx: PageContext,
    token: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[get("/password/reset")]
async fn reset_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.token.clone().unwrap_or_default();
    let (checked, now) = (token.clone(), state.clock.now());
    let problem = refused(
        state
            .db(move |conn| accounts::check_reset_token(conn, &checked, now))
            .await,
    )?
    .err();
    render(&ResetPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        token,
        problem,
    })
}

#[derive(Deserialize)]
struct ResetForm {
    token: String,
    password: String,
}

#[post("/password/reset")]
async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let back = format!(
        "/password/reset?token={}",
        super::errors::url_escape(&form.token)
    );
    let (cost, now, token) = (state.settings.bcrypt_cost, state.clock.now(), form.token);
    let outcome = state
        .run(NewPassword::parse(&form.password), move |conn, password| {
            accounts::reset_password(conn, &token, password, cost, now)
        })
        .await;
    let user = match refused(outcome)? {
        Ok(user) => user,
        Err(message) => {
            flash(&session, FlashKind::Error, message);
            return Ok(redirect(&back));
        }
    };
    log_in_session(&req, &session, &state, user.id).await?;
    let done =
        "Your password was changed, every earlier session was logged out, and you are logged in.";
    finish(&session, Ok(done.into()), "/account")
}
