//! The team builder: Lena Leader on a plan, and members who joined the way people do —
//! invited from My Team, signed up, Join team pressed, permissions set by the leader on
//! My Team — each step checked on the page it answers with.
//!
//! ```ignore
//! let (team, [max, tia]) = app
//!     .team(Plan::M)
//!     .member("Max Member", View::Own, Export::On)
//!     .member("Tia Teammate", View::Team, Export::Off)
//!     .build()
//!     .await;
//! ```

use std::ops::Deref;

use super::{Browser, TestApp, form_action};

/// The leader's name and address.
const LEADER: (&str, &str) = ("Lena Leader", "lena@example.com");

/// A plan on the Billing page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    Free,
    S,
    M,
}

impl Plan {
    /// The value of the Billing form's `plan` field.
    pub fn code(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::S => "s",
            Plan::M => "m",
        }
    }
}

/// Whose records a member sees: My Team's "Only own records" or "View team records".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Own,
    Team,
}

/// My Team's Export checkbox for a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    On,
    Off,
}

/// A team to build: the leader's plan and the members, in the order they join.
pub struct TeamBuilder<'a> {
    app: &'a TestApp,
    plan: Plan,
    members: Vec<(&'static str, View, Export)>,
}

/// A team member: their account and their logged-in browser (`Deref`s to it).
pub struct Member {
    /// As signed up, e.g. "Max Member".
    pub name: String,
    /// `<first word of the name, lower case>@example.com`.
    pub email: String,
    /// The user id.
    pub id: dripteam::domain::UserId,
    /// Logged in as the member.
    pub browser: Browser,
}

impl Deref for Member {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// The built team: the leader's logged-in browser, and the way to add members later.
pub struct Team<'a> {
    app: &'a TestApp,
    pub leader: Browser,
}

impl TestApp {
    /// A team led by Lena Leader (lena@example.com) on `plan`; add members with
    /// `member`, then `build`.
    pub fn team(&self, plan: Plan) -> TeamBuilder<'_> {
        TeamBuilder {
            app: self,
            plan,
            members: Vec::new(),
        }
    }
}

impl<'a> TeamBuilder<'a> {
    /// A member called `name`, whose address is the first word of the name in lower case
    /// `@example.com`, with these permissions (a new member has `View::Own, Export::On`).
    pub fn member(mut self, name: &'static str, view: View, export: Export) -> Self {
        self.members.push((name, view, export));
        self
    }

    /// Lena signs up and takes the plan, then each member joins (`Team::join`). `N` is the
    /// number of members, as the caller destructures them.
    pub async fn build<const N: usize>(self) -> (Team<'a>, [Member; N]) {
        assert_eq!(self.members.len(), N, "members built and members taken");
        let leader = self.app.user(LEADER.0, LEADER.1).await;
        if self.plan != Plan::Free {
            let page = leader
                .post("/account/billing/plan", &[("plan", self.plan.code())])
                .await;
            assert!(page.contains("You are now on plan"), "{page:?}");
        }
        let team = Team {
            app: self.app,
            leader,
        };
        let mut members = Vec::with_capacity(N);
        for (name, view, export) in self.members {
            members.push(team.join(name, view, export).await);
        }
        let Ok(members) = members.try_into() else {
            unreachable!("N members were built")
        };
        (team, members)
    }
}

impl Team<'_> {
    /// `name` joins: the leader invites their address from My Team, they sign up (address
    /// confirmed), press Join team on their account page, and the leader sets `view` and
    /// `export` on My Team unless they are a new member's (`View::Own`, `Export::On`).
    pub async fn join(&self, name: &str, view: View, export: Export) -> Member {
        let first = name.split_whitespace().next().unwrap().to_lowercase();
        let email = format!("{first}@example.com");
        let page = self
            .leader
            .post("/account/team/invitations", &[("email", &email)])
            .await;
        assert!(
            page.contains(&format!("Invitation sent to {email}")),
            "{page:?}"
        );
        let browser = self.app.user(name, &email).await;
        let account = browser.get("/account").await;
        let page = browser
            .post(&form_action(&account.body, "/join"), &[])
            .await;
        assert!(
            page.contains(&format!("You joined {}'s team", LEADER.0)),
            "{email} did not join: {page:?}"
        );
        let id = dripteam::db::accounts::user_by_email(&mut self.app.conn(), &email)
            .unwrap()
            .expect("the member's account")
            .id;
        let member = Member {
            name: name.to_string(),
            email,
            id,
            browser,
        };
        if (view, export) != (View::Own, Export::On) {
            self.set_permissions(&member, view, export).await;
        }
        member
    }

    /// The leader saves `member`'s permissions with the member's form on My Team.
    pub async fn set_permissions(&self, member: &Member, view: View, export: Export) {
        let team = self.leader.get("/account/team").await;
        let row = team
            .body
            .split("<tr")
            .find(|row| row.contains(&format!("{}</span>", member.email)))
            .unwrap_or_else(|| panic!("no row for {} on My Team", member.email));
        let (scope, label) = match view {
            View::Own => ("own", "Only own records"),
            View::Team => ("team", "View team records"),
        };
        let mut fields = vec![("records_scope", scope)];
        if export == Export::On {
            fields.push(("can_export", "on"));
        }
        let page = self
            .leader
            .post(&form_action(row, "/permissions"), &fields)
            .await;
        let export = if export == Export::On { "on" } else { "off" };
        assert!(
            page.contains(&format!(
                "Permissions of {} saved: export {export}, {label}.",
                member.name
            )),
            "{page:?}"
        );
    }
}

impl TestApp {
    /// `browser` moves down to `plan` as people do — Billing, the confirmation page, "Change
    /// to plan … at the end of the period" — then the clock passes the end of the paid
    /// period (32 days), so the lower plan is in force.
    pub async fn downgrade(&self, browser: &Browser, plan: Plan) {
        let page = browser
            .post("/account/billing/plan", &[("plan", plan.code())])
            .await;
        let page = browser
            .post(
                &form_action(&page.body, "/account/billing/downgrade"),
                &[("plan", plan.code())],
            )
            .await;
        assert!(page.contains("Scheduled: your plan changes to"), "{page:?}");
        self.clock.advance(chrono::Duration::days(32));
    }
}
