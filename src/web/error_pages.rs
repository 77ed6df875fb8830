//! Error pages under the header of the person who asked. `ResponseError::error_response`
//! cannot see the request, so `errors` renders every error page bare; this middleware,
//! inside the session middleware, renders a page made from an `AppError` again with the
//! logged-in user's page context (their navigation, banners and log-out button), so every
//! page shows the same header for the same person. Without a user it leaves the page as is.

use actix_session::SessionExt;
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{FromRequest, ResponseError, web};

use super::errors::{AppError, error_page};
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;

/// The middleware: every 4xx and 5xx response made from an `AppError` gets the viewer's
/// header. Costs the session's one query, on error pages only.
pub fn error_pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(with_viewer)
}

fn with_viewer<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let Some((status, (title, message))) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| (e.status_code(), e.page()))
    else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let (req, original) = res.into_parts();
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let viewer = Option::<CurrentUser>::extract(&req).await.unwrap_or(None);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let (Some(viewer), Some(state)) = (viewer, state) else {
            return Ok(ServiceResponse::new(req, original).map_into_left_body());
        };
        let ctx = PageContext::new(&req.get_session(), &state, Some(&viewer));
        let page = error_page(status, title, message, ctx);
        Ok(ServiceResponse::new(req, page).map_into_right_body())
    })))
}
