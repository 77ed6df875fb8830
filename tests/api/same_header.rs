//! Issue 13, fault 6: every page shows the same header for the same person. A logged-in
//! person used to get the logged-out header ("Log in / Sign up") on invitation links,
//! error pages (404, 403, 410, 400), the reset-password and confirm-email link pages.

use crate::helpers::{Page, Plan, spawn_app};

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

/// The header of `page`, up to `</header>`.
fn header_of(page: &Page) -> &str {
    page.body.split("</header>").next().unwrap_or_default()
}

/// The navigation links marked `aria-current="page"` in `header`.
fn marked_links(header: &str) -> Vec<String> {
    header
        .split("<a ")
        .skip(1)
        .filter(|tag| {
            tag.split('>')
                .next()
                .is_some_and(|t| t.contains("aria-current=\"page\""))
        })
        .filter_map(|tag| tag.split("href=\"").nth(1)?.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Issue 13, look and feel: the navigation marks the page you are on (one link, its
/// section's), and keeps the product pages apart from the account pages.
#[tokio::test(flavor = "multi_thread")]
async fn the_header_marks_the_current_page_and_keeps_account_pages_apart() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let list = team
        .leader
        .post("/prospects/lists", &[("name", "Fair")])
        .await;
    let list = format!("/prospects/lists/{}", list.url.rsplit('/').next().unwrap());
    for (path, section) in [
        ("/prospects", "/prospects"),
        (list.as_str(), "/prospects"),
        ("/campaigns", "/campaigns"),
        ("/senders", "/senders"),
        ("/account/team", "/account/team"),
        ("/account/team/statistics", "/account/team"),
        ("/account/billing", "/account/billing"),
        ("/account", "/account"),
    ] {
        let page = team.leader.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            marked_links(header_of(&page)),
            vec![section.to_string()],
            "{path} marks its section"
        );
    }
    let page = team.leader.get("/prospects").await;
    let header = header_of(&page);
    let product = header.split("aria-label=\"Product\"").nth(1).unwrap();
    let product = product.split("</nav>").next().unwrap();
    let account = header.split("aria-label=\"Account\"").nth(1).unwrap();
    for link in ["/prospects", "/campaigns", "/senders"] {
        assert!(product.contains(&format!("href=\"{link}\"")), "{link}");
    }
    for link in [
        "/account/team",
        "/account/billing",
        "href=\"/account\"",
        "/logout",
    ] {
        assert!(!product.contains(link), "{link} is not a product page");
        assert!(account.contains(link), "{link} is in the account menu");
    }
}
