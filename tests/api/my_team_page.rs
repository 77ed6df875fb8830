//! Issue 13, look and feel of My Team: an empty state that explains Teamwork, permissions
//! that save on change (and still with a Save button without JavaScript), caps behind
//! "Edit caps" with used / cap figures, Cancel behind a confirmation, "Invite again" on a
//! former member's row, and numbers with thousands separators.

use crate::helpers::{Export, Plan, View, link_href, spawn_app};

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_sees_what_teamwork_is_not_a_team_of_one() {
    let app = spawn_app().await;
    let lena = app.user("Lena Leader", "lena@example.com").await;
    let page = lena.get("/account/team").await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("share your plan's credits and recipients"),
        "{page:?}"
    );
    assert!(
        !page.contains("Sees all team records"),
        "no member list with only the leader in it"
    );
    assert!(page.contains("Invite to your team"));
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_save_on_change_and_with_a_button_without_javascript() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let page = team.leader.get("/account/team").await;
    let form = page
        .body
        .split("/permissions\"")
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .expect("a permissions form");
    assert_eq!(
        form.matches("data-autosave").count(),
        2,
        "the export switch and the records layer save on change: {form}"
    );
    assert!(
        form.contains("autosave-fallback"),
        "a Save button without JS"
    );
    let script = reqwest::get(format!("{}/static/app.js", app.address))
        .await
        .unwrap();
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.text().await.unwrap().contains("requestSubmit"));

    // The same form, sent as the switch sends it, saves.
    let action = format!(
        "/account/team/members/{}/permissions",
        member_id(&page.body)
    );
    let page = team
        .leader
        .post(&action, &[("records_scope", "team")])
        .await;
    assert!(page.contains("export off, View team records"), "{page:?}");
    assert!(
        max.browser
            .get("/account/team")
            .await
            .contains("View team records")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn caps_sit_behind_edit_caps_with_used_and_cap_figures() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let page = team.leader.get("/account/team").await;
    let action = format!("/account/team/members/{}/caps", member_id(&page.body));
    let page = team
        .leader
        .post(&action, &[("credit_cap", "2500"), ("recipient_cap", "")])
        .await;
    let caps = page
        .body
        .split("<details class=\"caps\"")
        .nth(1)
        .and_then(|rest| rest.split("</details>").next())
        .expect("caps behind a disclosure");
    assert!(caps.contains("Edit caps"), "{caps}");
    assert!(
        caps.contains("0 / 2,500 credits · no recipient cap"),
        "{caps}"
    );
    assert!(
        caps.contains("<progress value=\"0\" max=\"2500\""),
        "{caps}"
    );
    assert!(
        page.contains("shares 5,000 credits and 10,000 recipients"),
        "thousands separators"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_asks_first_and_a_former_member_can_be_invited_again_from_their_row() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    team.leader
        .post(
            "/account/team/invitations",
            &[("email", "nina@example.com")],
        )
        .await;
    let page = team.leader.get("/account/team").await;
    let confirm = page
        .body
        .split("<details class=\"confirm\">")
        .nth(1)
        .and_then(|rest| rest.split("</details>").next())
        .expect("Cancel behind a confirmation");
    assert!(
        confirm.contains("Cancel the invitation to nina@example.com?")
            && confirm.contains("/cancel\""),
        "{confirm}"
    );

    let remove = link_href(&page.body, "/remove");
    team.leader.post(&remove, &[("records", "keep")]).await;
    let page = team.leader.get("/account/team").await;
    let former = page
        .body
        .split("<tr class=\"former\">")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("a former member's row");
    assert!(former.contains("Invite again"), "{former}");
    assert!(former.contains(&format!("value=\"{}\"", max.email)));

    let page = team
        .leader
        .post("/account/team/invitations", &[("email", &max.email)])
        .await;
    assert!(
        page.contains(&format!("Invitation sent to {}", max.email)),
        "{page:?}"
    );
    let former = page
        .body
        .split("<tr class=\"former\">")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_default();
    assert!(
        !former.contains("Invite again"),
        "no second invitation from the row while one is pending"
    );
}

/// The membership id in the first member row's forms.
fn member_id(html: &str) -> String {
    html.split("/account/team/members/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a member row")
        .to_string()
}
