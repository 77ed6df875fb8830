//! `dripteam demo --members N --prospects N --emails N`: one leader on plan XXL with a
//! large team, prospects spread over the last 90 days and a history of sent emails with
//! opens, clicks and replies, written in batches so that 1,000 members, 100,000 prospects
//! and 1,000,000 emails take minutes. Members have realistic names and their prospects real-
//! looking companies; each member gets their own share of the work (up to nine times
//! another's) and their own active stretch of the 90 days, so no two rows of Team statistics
//! look alike. The leader has paid for 90 days, and the pool's usage is what those emails
//! spent: each address once per billing period in which it was sent to.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use super::DEMO_PASSWORD;
use crate::crypto::SecretBox;
use crate::db::bulk::{self, RecipientSpend, SentEmail};
use crate::db::ids::{TeamId, UserId};
use crate::db::values::CampaignStatus;
use crate::db::{
    AnyConnection, accounts as db_accounts, campaigns, prospects, senders as sender_db, team,
    write_transaction,
};
use crate::domain::accounts::{self, AddressProof, EmailAddress, NewPassword, PersonName, SignUp};
use crate::domain::billing;
use crate::domain::billing::Plan;
use crate::domain::campaigns::senders;
use crate::domain::prospects::do_not_email::address_digest;
use crate::domain::{DomainError, DomainResult, invalid};

pub struct Sizes {
    pub members: usize,
    pub prospects: usize,
    pub emails: usize,
}

pub const LEADER_EMAIL: &str = "big-leader@demo.dripteam.test";
const NINETY_DAYS: i64 = 90 * 24 * 3600;

const FIRST_NAMES: [&str; 16] = [
    "Amelia", "Bruno", "Chiara", "Daniel", "Emma", "Felix", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Lucas", "Maren", "Nikhil", "Olivia", "Pedro",
];
const LAST_NAMES: [&str; 13] = [
    "Andersen", "Baptiste", "Costa", "Duval", "Engel", "Fraser", "Garcia", "Hansen", "Ito",
    "Jansen", "Kowalski", "Larsen", "Moreau",
];
const COMPANIES: [&str; 12] = [
    "Brightwater Logistics",
    "Kestrel Analytics",
    "Fennick Foods",
    "Copperleaf Consulting",
    "Tidewater Labs",
    "Alpenrose Travel",
    "Marmo Design",
    "Lumen Health",
    "Greenline Energy",
    "Harbour Pharma",
    "Northgate Retail",
    "Stahlwerk Nord",
];

/// Member `i`'s name: first and last names combined so that neighbours differ.
fn member_name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[i % FIRST_NAMES.len()],
        LAST_NAMES[(i / FIRST_NAMES.len() + i * 7) % LAST_NAMES.len()]
    )
}

/// Splits `total` among members in proportion to `weights` (exactly, by cumulative
/// rounding down); `index` is the member's place.
fn weighted_share(total: usize, weights: &[usize], index: usize) -> usize {
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let upto = |k: usize| -> usize {
        let cum: usize = weights[..k].iter().sum();
        (total as u128 * cum as u128 / sum as u128) as usize
    };
    upto(index + 1) - upto(index)
}

/// A cheap, repeatable spread of numbers (no randomness: the same demo every time).
fn spread(n: usize, salt: u64) -> u64 {
    (n as u64 ^ salt)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        % 1_000_003
}

pub fn build(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    sizes: &Sizes,
    bcrypt_cost: u32,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(String),
) -> DomainResult<String> {
    if sizes.members == 0 || sizes.prospects < sizes.members || sizes.emails == 0 {
        return invalid(
            "Give at least one member, at least one prospect per member, and some emails.",
        );
    }
    if db_accounts::user_by_email(conn, LEADER_EMAIL)?.is_some() {
        return invalid(
            "The large demo team is already in this database; use a fresh DATA_DIR or DATABASE_URL.",
        );
    }
    let leader = accounts::sign_up(
        conn,
        SignUp {
            name: PersonName::parse("Bea Bigteam")?,
            email: EmailAddress::parse(LEADER_EMAIL)?,
            password: NewPassword::parse(DEMO_PASSWORD)?,
        },
        AddressProof::Operator,
        bcrypt_cost,
        now - Duration::seconds(NINETY_DAYS),
    )?;
    billing::change_plan(conn, &leader, Plan::Xxl, now)?;
    let team = team::ensure_team(conn, leader.id, now)?;
    let pool = Pool {
        payer: leader.id,
        team: team.id,
        anchor: leader.period_anchor,
    };
    let hash = bcrypt::hash(DEMO_PASSWORD, bcrypt_cost)
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    let people: Vec<(String, String)> = (0..sizes.members)
        .map(|i| {
            (
                format!("big-member-{i:05}@demo.dripteam.test"),
                member_name(i),
            )
        })
        .collect();
    write_transaction(conn, |conn| bulk::users(conn, &people, &hash, now))?;
    let member_ids = bulk::user_ids_by_email_prefix(conn, "big-member-")?;
    write_transaction(conn, |conn| {
        bulk::memberships(conn, team.id, &member_ids, now)
    })?;
    progress(format!(
        "{} members joined {LEADER_EMAIL}'s team",
        member_ids.len()
    ));

    let (mut prospects_done, mut emails_done) = (0usize, 0usize);
    let weights: Vec<usize> = (0..member_ids.len())
        .map(|i| 1 + spread(i, 5) as usize % 9)
        .collect();
    for (index, owner) in member_ids.iter().copied().enumerate() {
        // Every member has at least one prospect; the rest and the emails go by weight.
        let n_prospects = 1 + weighted_share(sizes.prospects - member_ids.len(), &weights, index);
        let n_emails = weighted_share(sizes.emails, &weights, index);
        write_transaction(conn, |conn| -> DomainResult<()> {
            let sizes = (n_prospects, n_emails);
            member_history(conn, secrets, &pool, owner, index, sizes, now)
        })?;
        prospects_done += n_prospects;
        emails_done += n_emails;
        if (index + 1) % 50 == 0 || index + 1 == member_ids.len() {
            progress(format!(
                "members {}/{}, prospects {prospects_done}/{}, emails {emails_done}/{}",
                index + 1,
                member_ids.len(),
                sizes.prospects,
                sizes.emails
            ));
        }
    }
    Ok(LEADER_EMAIL.to_string())
}

/// The leader's pool: who pays, for which team, and where their billing periods start.
struct Pool {
    payer: UserId,
    team: TeamId,
    anchor: NaiveDateTime,
}

fn member_history(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    pool: &Pool,
    owner: UserId,
    index: usize,
    (n_prospects, n_emails): (usize, usize),
    now: NaiveDateTime,
) -> DomainResult<()> {
    // The member's active stretch: the last 10 to 90 days.
    let active = NINETY_DAYS / 9 * (1 + spread(index, 4) as i64 % 9);
    let list = prospects::insert_list(conn, owner, "Imported leads", now)?;
    let rows: Vec<bulk::ProspectRow> = (0..n_prospects)
        .map(|p| {
            let at = now - Duration::seconds((spread(index * 100_003 + p, 1) as i64 * 7) % active);
            (
                list,
                owner,
                format!("lead{p}.m{index}@prospects.example"),
                format!("Lead {p}"),
                COMPANIES[(p + index) % COMPANIES.len()].to_string(),
                at,
            )
        })
        .collect();
    bulk::prospects(conn, &rows)?;
    let owner_user = db_accounts::user_by_id(conn, owner)?;
    let sender_email = format!("m{index}@sender.demo.invalid");
    senders::add(
        conn,
        secrets,
        &owner_user,
        &senders::SenderInput {
            email: &sender_email,
            display_name: "Demo sender",
            smtp_host: "smtp.demo.invalid",
            smtp_port: "587",
            smtp_security: "starttls",
            smtp_user: "",
            smtp_password: "",
            imap_host: "imap.demo.invalid",
            imap_port: "993",
            imap_security: "tls",
            imap_user: "",
            imap_password: "",
            daily_limit: "500",
            dkim_selector: "",
            pause_min: "",
            pause_max: "",
            default_pause: crate::domain::campaigns::pacing::Pacing::default(),
        },
        now,
    )?;
    let sender = sender_db::of_owner(conn, owner)?
        .pop()
        .ok_or(DomainError::NotFound)?;
    let campaign = campaigns::insert(conn, owner, "Quarterly outreach", sender.id, list, now)?;
    let steps = n_emails.div_ceil(n_prospects.max(1)).max(1);
    for step in 0..steps {
        campaigns::insert_step(
            conn,
            campaign,
            step as i32,
            "Hello {{first_name}}",
            "Hi {{first_name}}, https://example.com/demo",
            3,
            false,
        )?;
    }
    campaigns::set_status(
        conn,
        campaign,
        &[CampaignStatus::Draft],
        CampaignStatus::Active,
        "",
    )?;
    let prospect_rows = bulk::prospects_of_list(conn, list)?;
    let recipients = bulk::finished_recipients(conn, campaign, &prospect_rows, now)?;
    // The member's own rates: 25–64 % opened, a quarter of those clicked, 2–9 % replied.
    let opens = 25 + spread(index, 7) % 40;
    let replies = 2 + spread(index, 8) % 8;
    let mut emails = Vec::with_capacity(n_emails);
    'outer: for step in 0..steps {
        for (r, (recipient, (_, email))) in recipients.iter().zip(&prospect_rows).enumerate() {
            if emails.len() == n_emails {
                break 'outer;
            }
            let n = index * 1_000_003 + step * 100_003 + r;
            let sent_at = now - Duration::seconds(spread(n, 2) as i64 * 7 % active);
            let roll = spread(n, 3) % 100;
            emails.push(SentEmail {
                campaign_id: campaign,
                recipient_id: *recipient,
                owner_id: owner,
                sender_id: sender.id,
                step: step as i32,
                email: email.clone(),
                message_id: format!("{}@sender.demo.invalid", uuid::Uuid::new_v4().simple()),
                token: uuid::Uuid::new_v4().simple().to_string(),
                sent_at,
                opened_at: (roll < opens).then(|| sent_at + Duration::minutes(30)),
                clicked_at: (roll < opens / 4).then(|| sent_at + Duration::minutes(31)),
                replied_at: (roll < replies).then(|| sent_at + Duration::hours(5)),
            });
        }
    }
    bulk::sent_emails(conn, &emails)?;
    // Each address counts once per billing period, from its first accepted email in it.
    let mut first_sent: HashMap<(NaiveDateTime, &str), NaiveDateTime> = HashMap::new();
    for email in &emails {
        let period = billing::period_containing(pool.anchor, email.sent_at).start;
        first_sent
            .entry((period, &email.email))
            .and_modify(|at| *at = (*at).min(email.sent_at))
            .or_insert(email.sent_at);
    }
    let spends: Vec<RecipientSpend> = first_sent
        .into_iter()
        .map(|((period_start, address), at)| RecipientSpend {
            payer_id: pool.payer,
            user_id: owner,
            team_id: pool.team,
            // The ledger keeps a digest of each address, as `billing` writes it.
            email: address_digest(address),
            period_start,
            at,
        })
        .collect();
    bulk::recipient_spends(conn, &spends)?;
    Ok(())
}
