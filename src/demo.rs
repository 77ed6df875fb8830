//! `dripteam demo`: a demo leader on plan M with two members and some usage, so every
//! page has something to show. Safe to run twice: existing demo accounts are kept.

use chrono::NaiveDateTime;

use crate::db::{AnyConnection, accounts as db_accounts};
use crate::domain::accounts::{self, EmailAddress, NewPassword, PersonName, SignUp};
use crate::domain::invitations::{self, InvitationRef, InviteSettings};
use crate::domain::plans::Plan;
use crate::domain::{DomainResult, billing, units};

pub const DEMO_PASSWORD: &str = "demo-password-1";

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
        cost,
        now,
    )?;
    Ok((user, true))
}

pub fn run(
    conn: &mut AnyConnection,
    base_url: &str,
    bcrypt_cost: u32,
    now: NaiveDateTime,
) -> DomainResult<Vec<DemoLogin>> {
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
            let invitation = invitations::pending_for(conn, &member, now)?
                .into_iter()
                .next()
                .map(|card| card.id);
            if let Some(id) = invitation {
                invitations::accept(conn, &member, InvitationRef::Id(id), base_url, now)?;
            }
            units::spend_credits(conn, member.id, credits, now)?;
            for n in 0..credits / 2 {
                units::record_recipient(
                    conn,
                    member.id,
                    &format!(
                        "prospect{n}@{}.example",
                        name.to_lowercase().replace(' ', "-")
                    ),
                    now,
                )?;
            }
        }
        logins.push(DemoLogin {
            role: "team member",
            email: member.email,
        });
    }
    if new_leader {
        units::spend_credits(conn, leader.id, 20, now)?;
    }
    let (outsider, _) = account(
        conn,
        "Ola Outsider",
        "ola@demo.dripteam.test",
        bcrypt_cost,
        now,
    )?;
    if invitations::pending_for(conn, &outsider, now)?.is_empty() && new_leader {
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
    Ok(logins)
}
