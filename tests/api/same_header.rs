//! Issue 13, fault 6: every page shows the same header for the same person. A logged-in
//! person used to get the logged-out header ("Log in / Sign up") on invitation links,
//! error pages (404, 403, 410, 400), the reset-password and confirm-email link pages.

use crate::helpers::{Page, spawn_app};

/// The logged-in header: the product navigation and the log-out button, no "Log in".
fn assert_logged_in_header(page: &Page, what: &str) {
    let header = page
        .body
        .split("</header>")
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        header.contains("/logout"),
        "{what}: no log-out button in\n{header}"
    );
    assert!(
        header.contains("href=\"/prospects\""),
        "{what}: no navigation in\n{header}"
    );
    assert!(
        !header.contains("href=\"/login\""),
        "{what}: logged-out header in\n{header}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logged_in_person_sees_their_header_on_link_pages_and_error_pages() {
    let app = spawn_app().await;
    let lena = app.user("Lena Leader", "lena@example.com").await;
    let max = app.user("Max Member", "max@example.com").await;
    lena.post("/account/team/invitations", &[("email", "max@example.com")])
        .await;
    let link = app
        .smtp()
        .take("max@example.com", "invited you")
        .await
        .link("/invitations/");

    let page = max.get(&link).await;
    assert_eq!(page.status, 200);
    assert_logged_in_header(&page, "invitation link");

    let page = max.get("/campaigns/987654").await;
    assert_eq!(page.status, 404);
    assert_logged_in_header(&page, "404 page");

    let page = max.get("/account/team/statistics").await;
    assert_eq!(page.status, 403, "a member is refused Team statistics");
    assert_logged_in_header(&page, "403 page");

    let page = max.get("/invitations/not-a-real-token").await;
    assert_logged_in_header(&page, "unknown invitation link");

    let page = max.get("/password/reset?token=nope").await;
    assert_logged_in_header(&page, "reset link page");

    let page = max.get("/account/email/confirm?token=nope").await;
    assert_logged_in_header(&page, "confirm-email link page");

    let page = max.get("/prospects?member=not-a-number").await;
    assert_eq!(page.status, 400);
    assert_logged_in_header(&page, "400 page");

    // Logged out, the same pages keep the logged-out header.
    let page = app.browser().get("/campaigns/987654").await;
    assert!(page.url.contains("/login"), "log in first: {}", page.url);
    let page = app.browser().get(&link).await;
    let header = page.body.split("</header>").next().unwrap_or_default();
    assert!(header.contains("href=\"/login\""), "{header}");
}
