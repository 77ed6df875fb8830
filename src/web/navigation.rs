//! Where a request goes next: the one decision on a `next` target and the one way a
//! redirect is built (a malformed target is the styled 400 page, never a 500).

use actix_web::HttpResponse;

use super::errors::AppError;

/// A 303 redirect, the answer to every successful form. A target that cannot be a header
/// value (a control character slipped through) answers the styled 400 page instead of the
/// plain-text 500 that actix gives for a malformed header.
pub fn redirect(to: &str) -> HttpResponse {
    match actix_web::http::header::HeaderValue::from_str(to) {
        Ok(location) => HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, location))
            .finish(),
        Err(_) => {
            log::warn!("refused a redirect to a malformed target {to:?}");
            actix_web::ResponseError::error_response(&AppError::BadRequest(
                "The address of the next page was malformed.".into(),
            ))
        }
    }
}

/// Where a log-in, sign-up or other page goes when `next` is missing or unsafe.
pub const DEFAULT_NEXT: &str = "/account";

/// The one decision on a `next` target (already percent-decoded once by the query or form
/// parser): it is kept only when it is a path on this site, else `DEFAULT_NEXT` is used.
///
/// Safe means: starts with exactly one `/`; no `//` anywhere; no backslash; no whitespace
/// or control character — checked on the value and again after one more percent-decoding,
/// because browsers drop tabs and line breaks from URLs (`/\t/evil.example` becomes
/// `//evil.example`, another site); at most 2,000 bytes. A scheme cannot appear: the value
/// starts with `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) && is_local_path(&percent_decode(n)) => n.to_string(),
        _ => DEFAULT_NEXT.to_string(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.len() <= 2000
        && path.starts_with('/')
        && !path.contains("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `%XX` sequences turned into their bytes (invalid UTF-8 replaced), for `safe_next`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept_as_next() {
        for safe in [
            "/account",
            "/team?tab=1",
            "/prospects/3",
            "/a%2Fb",
            "/caf%C3%A9",
        ] {
            assert_eq!(safe_next(Some(safe)), safe, "{safe}");
        }
        for unsafe_next in [
            "//evil.example.test",
            "/\t/evil.example.test",
            "/\n/x",
            "/\r/x",
            "/%09/evil.example.test",
            "/%2F/evil.example.test",
            "/\\evil.example.test",
            "/x//y",
            "https://evil.example.test",
            "javascript:alert(1)",
            "account",
            "",
            "/ /x",
            "/\u{2028}/x",
        ] {
            assert_eq!(
                safe_next(Some(unsafe_next)),
                DEFAULT_NEXT,
                "{unsafe_next:?}"
            );
        }
        assert_eq!(safe_next(None), DEFAULT_NEXT);
    }

    #[test]
    fn a_malformed_redirect_target_is_a_400_page() {
        let response = redirect("/x\ny");
        assert_eq!(response.status(), actix_web::http::StatusCode::BAD_REQUEST);
        assert_eq!(
            redirect("/account").status(),
            actix_web::http::StatusCode::SEE_OTHER
        );
    }
}
