//! CSV import: the upload (multipart, size-limited), the mapping page with a preview, and
//! the progress and report page.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, check_csrf};
use super::navigation::redirect;
use super::page::{FlashKind, PageContext};
use super::respond::{created, finish, flash, render};
use crate::db::models::Import;
use crate::domain::prospects::csv_import::{self, Column, ImportStatus, MappingView};
use crate::domain::submissions::FormKind;
use crate::domain::{DomainError, DomainResult, invalid};
use crate::jobs;

#[derive(Template)]
#[template(path = "prospects/upload.html")]
struct UploadTemplate {
    ctx: PageContext,
    list_id: i64,
    max_mb: usize,
    /// Why the upload was refused (a file cannot be kept: it is chosen again).
    error: Option<String>,
}

#[get("/prospects/lists/{id}/import")]
async fn upload_form(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, list_id) = (user.user.clone(), state.clock.now(), path.into_inner());
    state
        .db(move |conn| csv_import::importable_list(conn, &account, list_id, now))
        .await?;
    upload_page(&state, &session, &user, list_id, None)
}

/// The upload form of list `list_id`, with the refusal of the last upload (`error`).
fn upload_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    list_id: i64,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    render(&UploadTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        list_id,
        max_mb: state.settings.import_max_bytes / (1024 * 1024),
        error,
    })
}

/// What an upload form sent: its CSRF token, its one-time form token, the file's name and
/// its content (refused when missing, empty or over the limit).
pub(super) struct Upload {
    pub(super) csrf_token: String,
    pub(super) form_token: String,
    pub(super) file_name: String,
    pub(super) content: DomainResult<Vec<u8>>,
}

/// The file and the tokens from a multipart body, refusing a file over `max_bytes`.
pub(super) async fn read_upload(mut body: Multipart, max_bytes: usize) -> Result<Upload, AppError> {
    let (mut token, mut form_token, mut file_name, mut content) =
        (String::new(), String::new(), String::new(), Ok(Vec::new()));
    while let Some(field) = body.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if bytes.len() + chunk.len() > max_bytes {
                content = invalid(format!(
                    "The file is larger than {} MB. Nothing was imported.",
                    max_bytes / (1024 * 1024)
                ));
                bytes.clear();
                // Read the rest of the body away without keeping it.
                while field.next().await.is_some() {}
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "form_token" => form_token = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if content.is_ok() => {
                file_name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .unwrap_or("upload.csv")
                    .to_string();
                content = Ok(bytes);
            }
            _ => {}
        }
    }
    let content = content.and_then(|bytes| {
        if bytes.is_empty() {
            invalid("Choose a CSV file to upload.")
        } else {
            Ok(bytes)
        }
    });
    Ok(Upload {
        csrf_token: token,
        form_token,
        file_name,
        content,
    })
}

#[post("/prospects/lists/{id}/import")]
async fn upload(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    body: Multipart,
) -> Result<HttpResponse, AppError> {
    let list_id = path.into_inner();
    let upload = read_upload(body, state.settings.import_max_bytes).await?;
    check_csrf(&session, &upload.csrf_token)?;
    let (account, now, file_name) = (user.user.clone(), state.clock.now(), upload.file_name);
    let outcome = state
        .create_once(
            user.id(),
            FormKind::Upload,
            (upload.content, &upload.form_token),
            move |conn, bytes| csv_import::upload(conn, &account, list_id, &file_name, &bytes, now),
            |id| Some(*id),
        )
        .await;
    let import_url = |id: i64| format!("/imports/{id}");
    let again = |id: Option<i64>| id.map_or(format!("/prospects/lists/{list_id}"), import_url);
    match created(&session, outcome, |id| Ok(redirect(&import_url(id))), again)? {
        Ok(answer) => Ok(answer),
        Err(message) => upload_page(&state, &session, &user, list_id, Some(message)),
    }
}

/// The import page: the mapping form before it starts, then progress, then the report.
enum ImportStage {
    Mapping(Box<MappingView>),
    Progress(Import),
}

#[derive(Template)]
#[template(path = "prospects/import.html")]
struct ImportTemplate {
    ctx: PageContext,
    stage: ImportStage,
    /// A running import whose progress has not moved for a long time: the process died.
    interrupted: bool,
}

impl ImportTemplate {
    /// (value, label, selected) of the choices for column `index`.
    fn options(view: &MappingView, index: &usize) -> Vec<(String, String, bool)> {
        let mut options: Vec<(String, String)> = [
            ("skip", "Skip"),
            ("email", "Email"),
            ("first_name", "First name"),
            ("last_name", "Last name"),
            ("company", "Company"),
            ("position", "Position"),
            ("timezone", "Time zone"),
        ]
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .to_vec();
        options.extend(
            view.my_fields
                .iter()
                .map(|f| (format!("field:{}", f.id), format!("My field: {}", f.name))),
        );
        options.push(("new".into(), "New custom field…".into()));
        let suggested = &view.suggestions[*index];
        options
            .into_iter()
            .map(|(value, label)| {
                let selected = value == *suggested;
                (value, label, selected)
            })
            .collect()
    }

    fn problems(import: &Import) -> Vec<&str> {
        import.report.lines().take(200).collect()
    }
}

#[get("/imports/{id}")]
async fn import_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, id, now) = (user.user.clone(), path.into_inner(), state.clock.now());
    let stage = state
        .db(move |conn| {
            let import = csv_import::own_import(conn, &account, id)?;
            if import.status == ImportStatus::Uploaded {
                Ok(ImportStage::Mapping(Box::new(csv_import::mapping_view(
                    conn, &account, id,
                )?)))
            } else {
                Ok(ImportStage::Progress(import))
            }
        })
        .await?;
    let interrupted = matches!(&stage, ImportStage::Progress(i)
        if matches!(i.status, ImportStatus::Running | ImportStatus::Queued)
            && i.updated_at < now - chrono::Duration::minutes(10));
    render(&ImportTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        stage,
        interrupted,
    })
}

/// The mapping form: `col_N` is the choice for column N, `name_N` a new field's name.
fn parse_mapping(form: &HashMap<String, String>) -> DomainResult<Vec<Column>> {
    let mut columns = Vec::new();
    for n in 0.. {
        let Some(choice) = form.get(&format!("col_{n}")) else {
            break;
        };
        let name = form.get(&format!("name_{n}")).map_or("", String::as_str);
        columns.push(Column::parse(choice, name)?);
    }
    Ok(columns)
}

#[post("/imports/{id}/start")]
async fn start(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let page = format!("/imports/{id}");
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(parse_mapping(&form), move |conn, columns| {
            csv_import::queue(conn, &account, id, columns, now)
        })
        .await;
    let message = match outcome {
        Ok(_) => {
            jobs::imports::spawn(state.pool.clone(), state.clock.clone());
            return finish(&session, Ok("The import has started.".into()), &page);
        }
        Err(DomainError::Invalid(message)) => message,
        Err(e) => return finish(&session, Err(e), &page),
    };
    mapping_again(&state, &session, &user, id, &form, message).await
}

/// The refused mapping form again, with what was chosen and typed, and the reason.
async fn mapping_again(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    form: &HashMap<String, String>,
    message: String,
) -> Result<HttpResponse, AppError> {
    let account = user.user.clone();
    let mut view = state
        .db(move |conn| csv_import::mapping_view(conn, &account, id))
        .await?;
    keep_typed(&mut view, form);
    flash(session, FlashKind::Error, message);
    render(&ImportTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        stage: ImportStage::Mapping(Box::new(view)),
        interrupted: false,
    })
}

/// Puts what was chosen and typed on the refused mapping form back into its fields.
fn keep_typed(view: &mut MappingView, form: &HashMap<String, String>) {
    for (n, (choice, name)) in view
        .suggestions
        .iter_mut()
        .zip(view.names.iter_mut())
        .enumerate()
    {
        if let Some(sent) = form.get(&format!("col_{n}")) {
            choice.clone_from(sent);
        }
        if let Some(typed) = form.get(&format!("name_{n}")) {
            name.clone_from(typed);
        }
    }
}
