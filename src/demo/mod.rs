//! `dripteam demo`: a team that looks used. Lena Lindqvist leads it on plan M (renewed
//! every billing period) with Max Keller and Mia Santos, who joined 89 days ago; Finn
//! Berger was a member with a list and a campaign and was removed 30 days ago (his records
//! stay his). Activity is uneven over the last 90 days (Finn's and Max's campaigns two
//! months ago, Mia's in the last two weeks, Lena's this week), so each period of Team
//! statistics shows other figures. Lena approves Mia's launches: Mia's "Partners: spring
//! offer" waits in My Team's "Waiting for approval". Ola Okafor's invitation is pending and Ivan Petrov's
//! expired. A second, locked team: Theo Brandt's plan S expired 59 days after he bought it,
//! so he and his member Kai Nakamura cannot spend shared units until he renews. Safe to run
//! twice: when the demo leader exists nothing is changed. The recipients used are the
//! addresses its campaign emails went to, spent as the real sender spends them (held at the
//! claim, spent on acceptance).

pub mod history;
pub mod large_team;

use chrono::{Duration, NaiveDateTime};

use crate::crypto::SecretBox;
use crate::db::models::User;
use crate::db::values::DoNotEmailReason;
use crate::db::{AnyConnection, accounts as db_accounts};
use crate::domain::accounts::{self, AddressProof, EmailAddress, NewPassword, PersonName, SignUp};
use crate::domain::billing;
use crate::domain::billing::Plan;
use crate::domain::prospects::do_not_email::{self, Entry};
use crate::domain::prospects::verification_run;
use crate::domain::team::invitation_answers::{self, InvitationRef};
use crate::domain::team::invitations::{self, InviteSettings};
use crate::domain::team::{RecordsGo, remove_member};
use crate::domain::{DomainError, DomainResult};
use history::{campaign_history, import_list};

pub const DEMO_PASSWORD: &str = "demo-password-1";

pub struct DemoOutcome {
    pub logins: Vec<DemoLogin>,
    /// False when the demo accounts already existed and were left as they were.
    pub created: bool,
}

pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
}

/// The demo account `email`, signed up at `at` (kept as it is when it exists).
fn account(
    conn: &mut AnyConnection,
    name: &str,
    email: &str,
    cost: u32,
    at: NaiveDateTime,
) -> DomainResult<(User, bool)> {
    if let Some(user) = db_accounts::user_by_email(conn, email)? {
        return Ok((user, false));
    }
    let user = accounts::sign_up(
        conn,
        SignUp {
            name: PersonName::parse(name)?,
            email: EmailAddress::parse(email)?,
            password: NewPassword::parse(DEMO_PASSWORD)?,
        },
        AddressProof::Operator,
        cost,
        at,
    )?;
    Ok((user, true))
}

/// A new account `email` that joins `leader`'s team at `at` through a real invitation.
fn member(
    conn: &mut AnyConnection,
    leader: &User,
    (name, email): (&str, &str),
    settings: &InviteSettings,
    cost: u32,
    at: NaiveDateTime,
) -> DomainResult<User> {
    let (member, _) = account(conn, name, email, cost, at)?;
    invitations::invite(conn, leader, &EmailAddress::parse(email)?, settings, at)?;
    let invitation = invitation_answers::pending_for(conn, &member, at)?
        .into_iter()
        .next()
        .ok_or(DomainError::NotFound)?;
    invitation_answers::accept(
        conn,
        &member,
        InvitationRef::Id(invitation.id),
        settings.base_url,
        at,
    )?;
    Ok(member)
}

/// A leader on `plan` bought at `at`, renewed (a day before each period ends) while
/// `renewed_until` is later than the paid-until date.
fn leader(
    conn: &mut AnyConnection,
    (name, email): (&str, &str),
    plan: Plan,
    cost: u32,
    at: NaiveDateTime,
    renewed_until: NaiveDateTime,
) -> DomainResult<User> {
    let (leader, _) = account(conn, name, email, cost, at)?;
    billing::change_plan(conn, &leader, plan, at)?;
    loop {
        let leader = db_accounts::user_by_id(conn, leader.id)?;
        match leader.paid_until {
            Some(until) if until <= renewed_until => {
                billing::renew(conn, &leader, until - Duration::days(1))?;
            }
            _ => return Ok(leader),
        }
    }
}

/// The demo accounts and what each shows.
fn logins() -> Vec<DemoLogin> {
    [
        ("team leader (plan M)", LEADER),
        ("team member", MAX),
        ("team member", MIA),
        ("former member (removed, kept his records)", FINN),
        ("invited, not yet joined", OLA),
        ("leader of a locked team (plan S expired)", LOCKED_LEADER),
        ("member of the locked team", LOCKED_MEMBER),
    ]
    .into_iter()
    .map(|(role, (_, email))| DemoLogin {
        role,
        email: email.to_string(),
    })
    .collect()
}

const LEADER: (&str, &str) = ("Lena Lindqvist", "leader@demo.dripteam.test");
const MAX: (&str, &str) = ("Max Keller", "max@demo.dripteam.test");
const MIA: (&str, &str) = ("Mia Santos", "mia@demo.dripteam.test");
const FINN: (&str, &str) = ("Finn Berger", "finn@demo.dripteam.test");
const OLA: (&str, &str) = ("Ola Okafor", "ola@demo.dripteam.test");
const LOCKED_LEADER: (&str, &str) = ("Theo Brandt", "locked@demo.dripteam.test");
const LOCKED_MEMBER: (&str, &str) = ("Kai Nakamura", "kai@demo.dripteam.test");

/// Builds the demo at `now` (see the module comment); nothing is changed when the demo
/// leader already exists.
pub fn run(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<DemoOutcome> {
    if db_accounts::user_by_email(conn, LEADER.1)?.is_some() {
        return Ok(DemoOutcome {
            logins: logins(),
            created: false,
        });
    }
    let day = |n: i64| now - Duration::days(n);
    let settings = InviteSettings {
        base_url,
        ttl_days: 7,
    };
    let lena = leader(conn, LEADER, Plan::M, bcrypt_cost, day(89), now)?;
    let max = member(conn, &lena, MAX, &settings, bcrypt_cost, day(89))?;
    let mia = member(conn, &lena, MIA, &settings, bcrypt_cost, day(88))?;
    let finn = member(conn, &lena, FINN, &settings, bcrypt_cost, day(87))?;
    import_list(
        conn,
        &finn,
        "Restaurant openings",
        history::FINN_CSV,
        day(80),
    )?;
    campaign_history(conn, secrets, base_url, &finn, day(75), now)?;
    import_list(conn, &max, "Trade fair leads", history::MAX_CSV, day(64))?;
    campaign_history(conn, secrets, base_url, &max, day(60), now)?;
    billing::spend_credits(conn, max.id, 12, day(58))?;
    let finn_seat =
        crate::db::team::active_membership_of(conn, finn.id)?.ok_or(DomainError::NotFound)?;
    remove_member(
        conn,
        &lena,
        finn_seat.id,
        RecordsGo::StayWithMember,
        day(30),
    )?;
    import_list(conn, &mia, "Partners", history::MIA_CSV, day(16))?;
    campaign_history(conn, secrets, base_url, &mia, day(12), now)?;
    billing::spend_credits(conn, mia.id, 7, day(10))?;
    do_not_email_history(conn, &lena, &max, &mia, day(9))?;
    history::approval_waiting(conn, &lena, &mia, base_url, day(1))?;
    invitations::invite(
        conn,
        &lena,
        &EmailAddress::parse("ivan.petrov@demo.dripteam.test")?,
        &settings,
        day(20),
    )?;
    import_list(
        conn,
        &lena,
        "Conference contacts",
        history::LEADER_CSV,
        day(4),
    )?;
    campaign_history(conn, secrets, base_url, &lena, day(2), now)?;
    billing::spend_credits(conn, lena.id, 20, day(1))?;
    account(conn, OLA.0, OLA.1, bcrypt_cost, day(3))?;
    invitations::invite(conn, &lena, &EmailAddress::parse(OLA.1)?, &settings, day(2))?;
    let theo = leader(conn, LOCKED_LEADER, Plan::S, bcrypt_cost, day(89), day(89))?;
    let kai = member(conn, &theo, LOCKED_MEMBER, &settings, bcrypt_cost, day(88))?;
    import_list(conn, &kai, "Agency prospects", history::FINN_CSV, day(70))?;
    Ok(DemoOutcome {
        logins: logins(),
        created: true,
    })
}

/// The team's do-not-email list: a competitor's domain added by the leader, an address a
/// member added by hand, and one unsubscribe and one bounce Max's campaign produced.
fn do_not_email_history(
    conn: &mut AnyConnection,
    lena: &User,
    max: &User,
    mia: &User,
    at: NaiveDateTime,
) -> DomainResult<()> {
    do_not_email::add(conn, lena.id, &Entry::parse("@rival-outreach.example")?, at)?;
    do_not_email::add(
        conn,
        mia.id,
        &Entry::parse("legal@partner-hub.example")?,
        at,
    )?;
    for (email, reason) in [
        (
            "david.ross@harbourpharma.example",
            DoNotEmailReason::Unsubscribed,
        ),
        (
            "elif.yilmaz@northgate-retail.example",
            DoNotEmailReason::Bounced,
        ),
    ] {
        do_not_email::record(conn, max.id, email, reason, None, at)?;
    }
    Ok(())
}

/// Verifies Max's demo lists through the real verification (queued, then run by the
/// job's round), answered by a fixed table instead of DNS so that the demo works offline.
pub async fn verify_lists(pool: &crate::db::Pool, now: NaiveDateTime) -> DomainResult<()> {
    let resolver = crate::dns::FixedResolver {
        answers: Default::default(),
        default: crate::domain::prospects::verification::MxAnswer::Found,
        txt: Default::default(),
    };
    let blocking_pool = pool.clone();
    tokio::task::spawn_blocking(move || -> DomainResult<()> {
        let mut conn = blocking_pool.get().map_err(crate::db::DbError::from)?;
        let max = db_accounts::user_by_email(&mut conn, "max@demo.dripteam.test")?
            .ok_or(DomainError::NotFound)?;
        let lists = crate::db::prospects::lists_of(&mut conn, max.id)?;
        for (list, _) in lists.into_iter().filter(|(_, count)| *count > 0) {
            verification_run::queue_list(&mut conn, &max, list.id, now)?;
        }
        Ok(())
    })
    .await
    .map_err(|e| DomainError::Internal(e.to_string()))??;
    let clock = crate::clock::Clock::default();
    clock.advance(now - clock.now());
    crate::jobs::verifications::run_round(pool, &clock, &resolver, 500, None).await;
    Ok(())
}
