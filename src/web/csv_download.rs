//! The one place that builds a CSV download: `text/csv; charset=utf-8`, an attachment with
//! a safe file name, and the UTF-8 BOM before the first record. The records themselves are
//! written by `domain::prospects::csv_cells`, which neutralises formula cells.

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt, stream};

use super::errors::AppError;
use crate::domain::prospects::csv_cells;

/// A download named `<stem>.csv` whose body is the BOM followed by `chunks` (CSV text made
/// by `csv_cells::record`), streamed as they come. `stem` is reduced to ASCII letters,
/// digits and `-` (anything else becomes `_`), so it is always a valid header value.
pub fn attachment(
    stem: &str,
    chunks: impl Stream<Item = Result<Bytes, AppError>> + 'static,
) -> HttpResponse {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let bom =
        stream::once(async { Ok::<_, AppError>(Bytes::from_static(csv_cells::BOM.as_bytes())) });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{stem}.csv\""),
        ))
        .streaming(bom.chain(chunks))
}

/// A download of a CSV text already in memory (see [`attachment`]).
pub fn whole(stem: &str, text: String) -> HttpResponse {
    attachment(stem, stream::once(async { Ok(Bytes::from(text)) }))
}
