//! Downgrades wait for the end of the paid period: a lower plan (or Free) is confirmed on a
//! page that says what changes and when, then scheduled; Billing shows it with "Undo".
//! Upgrades stay immediate; Renew keeps the current plan and cancels a scheduled downgrade.

use crate::helpers::{Browser, Export, Plan, View, form_action, spawn_app};

/// The date after "paid until " on the Billing page.
fn paid_until(html: &str) -> String {
    let start = html.find("paid until ").expect("a paid-until date") + "paid until ".len();
    html[start..start + 10].to_string()
}

/// Chooses `plan` on Billing and confirms the change on the confirmation page.
async fn schedule(browser: &Browser, plan: &str) -> crate::helpers::Page {
    let page = browser
        .post("/account/billing/plan", &[("plan", plan)])
        .await;
    assert!(page.url.contains("/account/billing/downgrade"), "{page:?}");
    browser
        .post(
            &form_action(&page.body, "/account/billing/downgrade"),
            &[("plan", plan)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_downgrade_is_confirmed_then_scheduled_for_the_end_of_the_paid_period() {
    let app = spawn_app().await;
    let (team, [max, _tia]) = app
        .team(Plan::M)
        .member("Max Member", View::Team, Export::On)
        .member("Tia Teammate", View::Own, Export::Off)
        .build()
        .await;
    let leader = &team.leader;
    let until = paid_until(&leader.get("/account/billing").await.body);

    let page = leader.post("/account/billing/plan", &[("plan", "s")]).await;
    assert!(
        page.contains(&format!(
            "Your team stays on plan M until {until}; then it moves to plan S."
        )),
        "{page:?}"
    );
    for consequence in [
        "Credits per billing period: 5,000 → 1,000.",
        "Recipients (unique contacts) per billing period: 10,000 → 5,000.",
        "Full Teamwork ends",
        "1 member with View team records will see only their own records.",
        "Your 2 members stay in the team",
        "Plan S then runs for one billing period",
    ] {
        assert!(page.contains(consequence), "{consequence}: {page:?}");
    }
    let billing = leader.get("/account/billing").await;
    assert!(
        billing.contains("Your plan: <strong>M</strong>"),
        "nothing changed yet"
    );
    assert!(!billing.contains("Undo"));

    let page = leader
        .post(
            &form_action(&page.body, "/account/billing/downgrade"),
            &[("plan", "s")],
        )
        .await;
    assert!(
        page.contains(&format!("Scheduled: your plan changes to S on {until}.")),
        "{page:?}"
    );
    assert!(page.contains("Your plan: <strong>M</strong>"), "{page:?}");
    assert!(page.contains(">Undo<"), "{page:?}");
    let my_team = leader.get("/account/team").await;
    assert!(
        !my_team.contains("Available from plan M"),
        "full Teamwork until then"
    );

    let page = leader
        .post(
            &form_action(&page.body, "/account/billing/downgrade/cancel"),
            &[],
        )
        .await;
    assert!(
        page.contains("The scheduled change to plan S is cancelled: you stay on plan M."),
        "{page:?}"
    );
    assert!(!page.contains(">Undo<"));

    schedule(leader, "s").await;
    app.clock.advance(chrono::Duration::days(32));
    let billing = leader.get("/account/billing").await;
    assert!(
        billing.contains("Your plan: <strong>S</strong>"),
        "{billing:?}"
    );
    assert!(!billing.contains("<strong>expired</strong>"), "{billing:?}");
    assert!(paid_until(&billing.body) > until, "{billing:?}");
    assert!(billing.contains("0 / 1,000"), "{billing:?}");
    assert!(!billing.contains(">Undo<"));
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("Available from plan M")
    );
    assert!(
        !max.get("/account/team")
            .await
            .contains("Your team is locked")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_downgrade_to_free_ends_the_paid_plan_at_the_period_end_without_a_lock() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    let until = paid_until(&leader.get("/account/billing").await.body);
    let page = leader
        .post("/account/billing/plan", &[("plan", "free")])
        .await;
    assert!(
        page.contains(&format!(
            "Your team stays on plan M until {until}; then it moves to plan Free."
        )),
        "{page:?}"
    );
    assert!(page.contains("The Free plan never expires"), "{page:?}");
    let page = schedule(leader, "free").await;
    assert!(page.contains(&format!("Scheduled: your plan changes to Free on {until}.")));

    app.clock.advance(chrono::Duration::days(32));
    let billing = leader.get("/account/billing").await;
    assert!(
        billing.contains("Your plan: <strong>Free</strong>"),
        "{billing:?}"
    );
    assert!(billing.contains("0 / 50"), "{billing:?}");
    assert!(!billing.contains(">Renew<"), "Free does not renew");
    assert!(
        !max.get("/account/team")
            .await
            .contains("Your team is locked")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrades_stay_immediate_and_replace_a_scheduled_downgrade() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let page = ann.post("/account/billing/plan", &[("plan", "s")]).await;
    assert!(page.contains("You are now on plan S."), "{page:?}");
    let page = ann.post("/account/billing/plan", &[("plan", "l")]).await;
    assert!(page.contains("You are now on plan L."), "{page:?}");

    let page = schedule(&ann, "m").await;
    assert!(
        page.contains("Scheduled: your plan changes to M on"),
        "{page:?}"
    );
    let page = ann.post("/account/billing/plan", &[("plan", "xl")]).await;
    assert!(page.contains("You are now on plan XL."), "{page:?}");
    assert!(
        !page.contains(">Undo<"),
        "the upgrade replaced the downgrade"
    );
    app.clock.advance(chrono::Duration::days(32));
    let billing = ann.get("/account/billing").await;
    assert!(
        billing.contains("Your plan: <strong>XL</strong>"),
        "{billing:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn renewing_keeps_the_plan_and_cancels_a_scheduled_downgrade() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    ann.post("/account/billing/plan", &[("plan", "m")]).await;
    let page = schedule(&ann, "s").await;
    assert!(
        page.contains("Renewing keeps plan M and cancels the scheduled change to plan S."),
        "{page:?}"
    );
    let page = ann.post("/account/billing/renew", &[]).await;
    assert!(
        page.contains("the scheduled change to plan S is cancelled"),
        "{page:?}"
    );
    assert!(!page.contains(">Undo<"));
    app.clock.advance(chrono::Duration::days(32));
    let billing = ann.get("/account/billing").await;
    assert!(
        billing.contains("Your plan: <strong>M</strong>"),
        "{billing:?}"
    );
    assert!(
        !billing.contains("<strong>expired</strong>"),
        "renewed: {billing:?}"
    );
}
