//! My Team: the leader's member list, invitations, permissions and removal; the member's
//! view of their team with Leave Team.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{Refused, created, finish, refused, render};
use crate::db::AnyConnection;
use crate::db::models::User;
use crate::domain::accounts::EmailAddress;
use crate::domain::billing;
use crate::domain::policy::{FULL_TEAMWORK_FROM, FULL_TEAMWORK_NEEDED};
use crate::domain::submissions::FormKind;
use crate::domain::team::invitation_answers::{self, InvitationCard};
use crate::domain::team::invitations::{self, InviteSettings};
use crate::domain::team::{self, MemberRow, MyTeam, RecordsScope};
use crate::domain::{DomainResult, MembershipId, invalid};
use crate::text::number;

pub(super) const MY_TEAM: &str = "/account/team";

#[derive(Template)]
#[template(path = "team/my_team.html")]
struct MyTeamPage {
    ctx: PageContext,
    team: MyTeam,
    invitations: Vec<InvitationCard>,
    /// The user's address while it is unconfirmed, for the banner.
    unconfirmed_email: Option<String>,
    full_teamwork_needed: &'static str,
    full_teamwork_from: &'static str,
    refused: TeamRefusal,
}

/// A refused form of My Team, shown again as typed.
#[derive(Default)]
struct TeamRefusal {
    /// The invitation's address as typed.
    invite: Option<Refused<String>>,
    /// A member's caps as typed (credits, recipients).
    caps: Option<(MembershipId, Refused<(String, String)>)>,
}

impl MyTeamPage {
    fn typed_invite(&self) -> &str {
        self.refused
            .invite
            .as_ref()
            .map_or("", |r| r.typed.as_str())
    }

    /// The refused caps of the member row `row`, if its form was the one refused.
    fn caps_refused(&self, row: &MemberRow) -> Option<&Refused<(String, String)>> {
        self.refused
            .caps
            .as_ref()
            .filter(|(id, _)| Some(*id) == row.membership_id)
            .map(|(_, r)| r)
    }

    /// The credit cap shown in `row`'s form: as typed before a refusal, else the stored one.
    fn credit_cap_text(&self, row: &MemberRow) -> String {
        self.caps_refused(row).map_or_else(
            || MemberRow::cap_text(&row.credit_cap),
            |r| r.typed.0.clone(),
        )
    }

    fn recipient_cap_text(&self, row: &MemberRow) -> String {
        self.caps_refused(row).map_or_else(
            || MemberRow::cap_text(&row.recipient_cap),
            |r| r.typed.1.clone(),
        )
    }

    /// The caps of `row` in one line, beside "Edit caps": "12 / 50 credits · no recipient cap".
    fn caps_summary(&self, row: &MemberRow) -> String {
        let part = |used: i64, cap: Option<i32>, unit: &str| match cap {
            Some(cap) => format!("{} / {} {unit}s", number(used), number(cap)),
            None => format!("no {unit} cap"),
        };
        format!(
            "{} · {}",
            part(row.credits_used, row.credit_cap, "credit"),
            part(row.recipients_used, row.recipient_cap, "recipient")
        )
    }

    fn caps_error(&self, row: &MemberRow) -> Option<&str> {
        self.caps_refused(row).map(|r| r.message.as_str())
    }

    /// A refusal whose form the page does not show (a member's invitation, caps of a row
    /// without its form): shown at the top of the page instead, never lost.
    fn unplaced_refusal(&self) -> Option<&str> {
        let (invite_shown, caps_shown) = match &self.team {
            MyTeam::Leader(v) => (
                true,
                self.refused.caps.as_ref().is_some_and(|(id, _)| {
                    v.may_change_permissions
                        && v.rows.iter().any(|row| row.membership_id == Some(*id))
                }),
            ),
            MyTeam::Member(_) => (false, false),
        };
        let address = self.refused.invite.as_ref().filter(|_| !invite_shown);
        let limits = self.refused.caps.as_ref().filter(|_| !caps_shown);
        address
            .map(|r| r.message.as_str())
            .or(limits.map(|(_, r)| r.message.as_str()))
    }
}

async fn team_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    refused: TeamRefusal,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let (team, invitations) = state
        .db(move |conn| {
            let team = team::my_team(conn, &account, now)?;
            let invitations = invitation_answers::pending_for(conn, &account, now)?;
            Ok((team, invitations))
        })
        .await?;
    render(&MyTeamPage {
        ctx: PageContext::new(session, state, Some(user)),
        team,
        invitations,
        unconfirmed_email: user.unconfirmed_email(),
        full_teamwork_needed: FULL_TEAMWORK_NEEDED,
        full_teamwork_from: FULL_TEAMWORK_FROM,
        refused,
    })
}

#[get("/account/team")]
async fn page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    team_answer(&state, &session, &user, TeamRefusal::default()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    /// The one-time token of the invitation form (`domain::submissions`).
    #[serde(default)]
    form_token: String,
}

fn invite_settings(state: &AppState) -> (String, i64) {
    (
        state.settings.base_url.clone(),
        state.settings.invitation_ttl_days,
    )
}

/// Sends an invitation to `email` from `leader` (`invitations::invite`).
fn invite_once(
    (base_url, ttl_days): (String, i64),
    leader: User,
    now: NaiveDateTime,
) -> impl FnOnce(&mut AnyConnection, EmailAddress) -> DomainResult<String> {
    move |conn, email| {
        let settings = InviteSettings {
            base_url: &base_url,
            ttl_days,
        };
        invitations::invite(conn, &leader, &email, &settings, now)
    }
}

#[post("/account/team/invitations")]
async fn invite(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let send = invite_once(
        invite_settings(&state),
        user.user.clone(),
        state.clock.now(),
    );
    let parsed = (EmailAddress::parse(&form.email), form.form_token.as_str());
    let outcome = state
        .create_once(user.id(), FormKind::Invitation, parsed, send, |_| None)
        .await;
    let done = |message| finish(&session, Ok(message), MY_TEAM);
    match created(&session, outcome, done, |_| MY_TEAM.into())? {
        Ok(answer) => Ok(answer),
        Err(message) => {
            let refused = TeamRefusal {
                invite: Some(Refused::new(form.email, message)),
                ..TeamRefusal::default()
            };
            team_answer(&state, &session, &user, refused).await
        }
    }
}

#[post("/account/team/invitations/{id}/resend")]
async fn resend(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let ((base_url, ttl_days), now, leader, id) = (
        invite_settings(&state),
        state.clock.now(),
        user.user,
        path.into_inner(),
    );
    let outcome = state
        .db(move |conn| {
            invitations::resend(
                conn,
                &leader,
                id,
                &InviteSettings {
                    base_url: &base_url,
                    ttl_days,
                },
                now,
            )
        })
        .await;
    finish(&session, outcome, MY_TEAM)
}

#[post("/account/team/invitations/{id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (now, leader, id) = (state.clock.now(), user.user, path.into_inner());
    let outcome = state
        .db(move |conn| invitations::cancel(conn, &leader, id, now))
        .await;
    finish(&session, outcome, MY_TEAM)
}

#[derive(Deserialize)]
struct PermissionsForm {
    /// A checkbox: present when on.
    can_export: Option<String>,
    records_scope: String,
}

#[post("/account/team/members/{id}/permissions")]
async fn set_permissions(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<MembershipId>,
    CsrfForm(form): CsrfForm<PermissionsForm>,
) -> Result<HttpResponse, AppError> {
    let outcome: DomainResult<String> = match RecordsScope::parse(&form.records_scope) {
        Some(scope) => {
            let (now, leader, id, can_export) = (
                state.clock.now(),
                user.user,
                path.into_inner(),
                form.can_export.is_some(),
            );
            state
                .db(move |conn| team::set_permissions(conn, &leader, id, can_export, scope, now))
                .await
        }
        None => invalid("Choose Only own records or View team records."),
    };
    finish(&session, outcome, MY_TEAM)
}

#[derive(Deserialize)]
struct CapsForm {
    #[serde(default)]
    credit_cap: String,
    #[serde(default)]
    recipient_cap: String,
}

#[post("/account/team/members/{id}/caps")]
async fn set_caps(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<MembershipId>,
    CsrfForm(form): CsrfForm<CapsForm>,
) -> Result<HttpResponse, AppError> {
    let caps = billing::parse_cap(&form.credit_cap, "credit")
        .and_then(|c| Ok((c, billing::parse_cap(&form.recipient_cap, "recipient")?)));
    let (now, leader, id) = (state.clock.now(), user.user.clone(), path.into_inner());
    let outcome = state
        .run(caps, move |conn, (credit_cap, recipient_cap)| {
            billing::set_caps(conn, &leader, id, credit_cap, recipient_cap, now)
        })
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), MY_TEAM),
        Err(message) => {
            let typed = (form.credit_cap, form.recipient_cap);
            let refused = TeamRefusal {
                caps: Some((id, Refused::new(typed, message))),
                ..TeamRefusal::default()
            };
            team_answer(&state, &session, &user, refused).await
        }
    }
}
