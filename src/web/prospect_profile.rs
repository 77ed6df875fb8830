//! A prospect's profile (with custom values), edit, delete, and email verification.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields, PageContext, finish, render};
use super::prospects::ProspectForm;
use crate::domain::prospects::{self, Profile};
use crate::domain::verification::{self, Target};

#[derive(Template)]
#[template(path = "prospects/profile.html")]
struct ProfileTemplate {
    ctx: PageContext,
    profile: Profile,
}

#[get("/prospects/{id}")]
async fn profile(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let profile = state
        .db(move |conn| prospects::profile(conn, &account, id, now))
        .await?;
    render(&ProfileTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        profile,
    })
}

#[post("/prospects/{id}")]
async fn update(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProspectForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let outcome = match form.parse() {
        Ok(fields) => {
            let (account, now) = (user.user, state.clock.now());
            state
                .db(move |conn| prospects::update_prospect(conn, &account, id, fields, now))
                .await
        }
        Err(e) => Err(e),
    };
    finish(&session, outcome, &format!("/prospects/{id}"))
}

#[post("/prospects/{id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    match state
        .db(move |conn| prospects::delete_prospect(conn, &account, id, now))
        .await
    {
        Ok((list_id, message)) => finish(
            &session,
            Ok(message),
            &format!("/prospects/lists/{list_id}"),
        ),
        Err(e) => finish(&session, Err(e), &format!("/prospects/{id}")),
    }
}

#[post("/prospects/{id}/verify")]
async fn verify_prospect(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let outcome = verification::verify(
        &state.pool,
        state.resolver.as_ref(),
        user.id(),
        Target::Prospect(id),
        state.clock.now(),
    )
    .await;
    finish(&session, outcome, &format!("/prospects/{id}"))
}

#[post("/prospects/lists/{id}/verify")]
async fn verify_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let outcome = verification::verify(
        &state.pool,
        state.resolver.as_ref(),
        user.id(),
        Target::List(id),
        state.clock.now(),
    )
    .await;
    finish(&session, outcome, &format!("/prospects/lists/{id}"))
}
