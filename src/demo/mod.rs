//! `dripteam demo`: a demo leader on plan M with two members and some usage, so every
//! page has something to show. Safe to run twice: existing demo accounts are kept. The
//! recipients used are the addresses its campaign emails went to, spent as the real sender
//! spends them (held at the claim, spent on acceptance).

pub mod large_team;

use chrono::NaiveDateTime;

use crate::crypto::SecretBox;
use crate::db::models::User;
use crate::db::{AnyConnection, accounts as db_accounts};
use crate::domain::accounts::{self, AddressProof, EmailAddress, NewPassword, PersonName, SignUp};
use crate::domain::billing;
use crate::domain::billing::Plan;
use crate::domain::campaigns;
use crate::domain::campaigns::senders;
use crate::domain::campaigns::{events, outcomes, sending};
use crate::domain::prospects;
use crate::domain::prospects::csv_import;
use crate::domain::prospects::verification;
use crate::domain::team::invitation_answers::{self, InvitationRef};
use crate::domain::team::invitations::{self, InviteSettings};
use crate::domain::{DomainError, DomainResult, UserId};

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

fn account(
    conn: &mut AnyConnection,
    name: &str,
    email: &str,
    cost: u32,
    now: NaiveDateTime,
) -> DomainResult<(crate::db::models::User, bool)> {
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
        now,
    )?;
    Ok((user, true))
}

pub fn run(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<DemoOutcome> {
    let (leader, new_leader) = account(
        conn,
        "Lena Leader",
        "leader@demo.dripteam.test",
        bcrypt_cost,
        now,
    )?;
    if new_leader {
        billing::change_plan(conn, &leader, Plan::M, now)?;
    }
    let leader = db_accounts::user_by_id(conn, leader.id)?;
    let mut logins = vec![DemoLogin {
        role: "team leader (plan M)",
        email: leader.email.clone(),
    }];
    let settings = InviteSettings {
        base_url,
        ttl_days: 7,
    };
    for (name, email, credits) in [
        ("Max Member", "max@demo.dripteam.test", 12),
        ("Mia Member", "mia@demo.dripteam.test", 7),
    ] {
        let (member, new_member) = account(conn, name, email, bcrypt_cost, now)?;
        if new_member {
            invitations::invite(conn, &leader, &EmailAddress::parse(email)?, &settings, now)?;
            let invitation = invitation_answers::pending_for(conn, &member, now)?
                .into_iter()
                .next()
                .map(|card| card.id);
            if let Some(id) = invitation {
                invitation_answers::accept(conn, &member, InvitationRef::Id(id), base_url, now)?;
            }
            billing::spend_credits(conn, member.id, credits, now)?;
        }
        logins.push(DemoLogin {
            role: "team member",
            email: member.email,
        });
    }
    if new_leader {
        billing::spend_credits(conn, leader.id, 20, now)?;
    }
    let (outsider, _) = account(
        conn,
        "Ola Outsider",
        "ola@demo.dripteam.test",
        bcrypt_cost,
        now,
    )?;
    if invitation_answers::pending_for(conn, &outsider, now)?.is_empty() && new_leader {
        invitations::invite(
            conn,
            &leader,
            &EmailAddress::parse(&outsider.email)?,
            &settings,
            now,
        )?;
    }
    logins.push(DemoLogin {
        role: "invited, not yet joined",
        email: outsider.email,
    });
    if new_leader {
        let max = db_accounts::user_by_email(conn, "max@demo.dripteam.test")?
            .ok_or(DomainError::NotFound)?;
        let mia = db_accounts::user_by_email(conn, "mia@demo.dripteam.test")?
            .ok_or(DomainError::NotFound)?;
        import_list(conn, &leader, "Conference contacts", LEADER_CSV, now)?;
        import_list(conn, &max, "Trade fair leads", MAX_CSV, now)?;
        import_list(conn, &mia, "Partners", MIA_CSV, now)?;
        for member in [&max, &mia] {
            campaign_history(conn, secrets, base_url, member, now)?;
        }
    }
    Ok(DemoOutcome {
        logins,
        created: new_leader,
    })
}

const LEADER_CSV: &str = "email,first_name,last_name,company,position\n\
nora@northwind.example,Nora,Ness,Northwind,CEO\n\
omar@contoso.example,Omar,Olsen,Contoso,CTO\n\
paula@fabrikam.example,Paula,Pike,Fabrikam,Head of Sales\n";

const MAX_CSV: &str = "email,first_name,company,Industry,Booth\n\
ann@acme.example,Ann,Acme,Steel,A12\n\
bob@globex.example,Bob,Globex,Energy,B03\n\
cid@initech.example,Cid,Initech,Software,C44\n\
dee@umbrella.example,Dee,Umbrella,Pharma,D07\n\
eve@mailinator.com,Eve,Throwaway,Unknown,-\n";

const MIA_CSV: &str = "email;first_name;company;Partner tier\n\
liam@hooli.example;Liam;Hooli;Gold\n\
maya@piedpiper.example;Maya;Pied Piper;Silver\n";

/// Creates a list and fills it through the real import, new columns as the owner's custom fields.
fn import_list(
    conn: &mut AnyConnection,
    owner: &User,
    name: &str,
    csv: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let list = prospects::create_list(conn, owner, prospects::ListName::parse(name)?, now)?;
    let import = csv_import::upload(conn, owner, list, "demo.csv", csv.as_bytes(), now)?;
    let view = csv_import::mapping_view(conn, owner, import)?;
    let columns = view
        .headers
        .iter()
        .zip(&view.suggestions)
        .map(|(header, choice)| csv_import::Column::parse(choice, header))
        .collect::<DomainResult<Vec<_>>>()?;
    csv_import::queue(conn, owner, import, columns, now)?;
    csv_import::run(conn, import, || now)
}

/// Verifies Max's demo lists through the real verification, answered by a fixed table
/// instead of DNS so that the demo works offline.
pub async fn verify_lists(pool: &crate::db::Pool, now: NaiveDateTime) -> DomainResult<()> {
    let resolver = crate::dns::FixedResolver {
        answers: Default::default(),
        default: crate::domain::prospects::verification::MxAnswer::Found,
    };
    let blocking_pool = pool.clone();
    let lists = tokio::task::spawn_blocking(move || -> DomainResult<Vec<(UserId, i64)>> {
        let mut conn = blocking_pool.get().map_err(crate::db::DbError::from)?;
        let max = db_accounts::user_by_email(&mut conn, "max@demo.dripteam.test")?
            .ok_or(DomainError::NotFound)?;
        Ok(crate::db::prospects::lists_of(&mut conn, max.id)?
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(list, _)| (max.id, list.id))
            .collect())
    })
    .await
    .map_err(|e| DomainError::Internal(e.to_string()))??;
    for (owner, list) in lists {
        verification::verify(
            pool,
            &resolver,
            owner,
            verification::Target::List(list),
            now,
        )
        .await?;
    }
    Ok(())
}

/// A sender account pointing at nothing real, a launched two-step campaign on the member's
/// list, and a history of sent, opened, clicked and replied emails made through the real
/// claim and record functions (only the SMTP call is left out).
fn campaign_history(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    member: &User,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let slug = member.email.split('@').next().unwrap_or("demo").to_string();
    let sender_email = format!("{slug}@sender.demo.invalid");
    let display_name = format!("{} (demo)", member.name);
    senders::add(
        conn,
        secrets,
        member,
        &senders::SenderInput {
            email: &sender_email,
            display_name: &display_name,
            smtp_host: "smtp.demo.invalid",
            smtp_port: "587",
            smtp_security: "starttls",
            smtp_user: &sender_email,
            smtp_password: "not-a-real-password",
            imap_host: "imap.demo.invalid",
            imap_port: "993",
            imap_security: "tls",
            imap_user: &sender_email,
            imap_password: "not-a-real-password",
            daily_limit: "200",
        },
        now,
    )?;
    let sender = crate::db::senders::of_owner(conn, member.id)?
        .pop()
        .ok_or(DomainError::NotFound)?;
    let list = crate::db::prospects::lists_of(conn, member.id)?
        .pop()
        .ok_or(DomainError::NotFound)?
        .0;
    let campaign = campaigns::create(
        conn,
        member,
        campaigns::CampaignSettings {
            name: campaigns::CampaignName::parse("Trade fair follow-up")?,
            sender_id: sender.id,
            list_id: list.id,
        },
        now,
    )?;
    for (subject, body, delay) in [
        (
            "Nice meeting you, {{first_name}}",
            "Hi {{first_name}},\n\ngreat to meet {{company}} at the fair. Our offer: https://example.com/offer\n",
            "0",
        ),
        (
            "Any thoughts, {{first_name}}?",
            "Hi {{first_name}}, did you have a look?\n",
            "3",
        ),
    ] {
        campaigns::add_step(
            conn,
            member,
            campaign,
            campaigns::StepInput::parse(subject, body, delay)?,
            now,
        )?;
    }
    campaigns::launch(conn, member, campaign, now)?;
    let outgoing = sending::claim_due(conn, secrets, base_url, now)?;
    for (n, email) in outgoing.iter().enumerate() {
        outcomes::record_sent(conn, email.message_row, now)?;
        let message =
            crate::db::messages::by_id(conn, email.message_row)?.ok_or(DomainError::NotFound)?;
        if n % 2 == 0 {
            events::record_open(conn, &message.tracking_token, now)?;
        }
        if n % 3 == 0
            && let Some(link) = crate::db::messages::link_tokens_of(conn, message.id)?.first()
        {
            events::record_click(conn, link, now)?;
        }
        if n == 1 {
            let reply = crate::mailboxes::InboxMessage {
                uid: 1,
                answers: vec![message.message_id.clone()],
            };
            events::record_replies(conn, sender.id, &[reply], now)?;
        }
    }
    Ok(())
}
