//! Open pixel and click redirects. Public (recipients are not users); unknown tokens
//! change nothing, and only URLs that were in the email are redirected to.

use actix_web::{HttpResponse, get, web};

use super::errors::AppError;
use super::extract::AppState;
use crate::domain::campaigns::events;

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

#[get("/t/o/{token}.gif")]
async fn open_pixel(state: web::Data<AppState>, path: web::Path<String>) -> HttpResponse {
    let (token, now) = (path.into_inner(), state.clock.now());
    if let Err(e) = state
        .db(move |conn| events::record_open(conn, &token, now))
        .await
    {
        log::error!("open tracking: {e}");
    }
    HttpResponse::Ok()
        .content_type("image/gif")
        .insert_header(("Cache-Control", "no-store"))
        .body(PIXEL)
}

#[get("/t/c/{token}")]
async fn click(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (token, now) = (path.into_inner(), state.clock.now());
    let url = state
        .db(move |conn| events::record_click(conn, &token, now))
        .await?;
    Ok(HttpResponse::Found()
        .insert_header(("Location", url))
        .finish())
}
