//! The one place that builds a CSV download: `text/csv; charset=utf-8`, an attachment with
//! a safe file name, the UTF-8 BOM, a header record and the rows, every record written by
//! `domain::prospects::csv_cells` (formula cells neutralised). Handlers hand over cells,
//! never CSV text.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt, stream};

use super::errors::AppError;
use crate::domain::DomainResult;
use crate::domain::prospects::csv_cells;

/// A download named `<stem>.csv` whose body is the BOM followed by `chunks` (CSV text made
/// by `csv_cells::record`), streamed as they come. `stem` is reduced to ASCII letters,
/// digits and `-` (anything else becomes `_`), so it is always a valid header value.
fn attachment(
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

/// A download of `header` and `rows`, all in memory (a table of a few hundred rows).
pub fn table<S: AsRef<str>>(stem: &str, header: &[S], rows: &[Vec<String>]) -> HttpResponse {
    let text = csv_cells::record(header) + &csv_cells::records(rows);
    attachment(stem, stream::once(async { Ok(Bytes::from(text)) }))
}

/// A download of `header` and then of the rows `batch(after)` gives, batch after batch, so
/// a large table never sits in memory: each call returns rows and the cursor of the next
/// batch (`None` after the last); an empty batch ends the body. A failed batch is logged
/// and ends the body early (the browser sees a cut-off download, never a wrong row).
pub fn batched<F, Fut>(stem: &str, header: &[String], batch: F) -> HttpResponse
where
    F: Fn(i64) -> Fut + 'static,
    Fut: Future<Output = DomainResult<(Vec<Vec<String>>, Option<i64>)>> + 'static,
{
    let first = stream::once(std::future::ready(Ok(Bytes::from(csv_cells::record(
        header,
    )))));
    let what = stem.to_string();
    let rows = stream::unfold(Some(0i64), move |after| {
        let next = after.map(&batch);
        let what = what.clone();
        async move {
            match next?.await {
                Ok((rows, _)) if rows.is_empty() => None,
                Ok((rows, next)) => Some((Ok(Bytes::from(csv_cells::records(&rows))), next)),
                Err(e) => {
                    log::error!("CSV download {what}: {e}");
                    Some((Err(AppError::Internal(e.to_string())), None))
                }
            }
        }
    });
    attachment(stem, first.chain(rows))
}
