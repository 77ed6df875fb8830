//! The demo team's past: prospect lists imported and campaigns sent on given days, with
//! opens, clicks and a reply spread over the days after, all through the real import,
//! claim and record functions (only the SMTP call is left out).

use chrono::{Duration, NaiveDateTime};

use crate::crypto::SecretBox;
use crate::db::AnyConnection;
use crate::db::models::User;
use crate::domain::campaigns::senders;
use crate::domain::campaigns::{self, events, outcomes, sending};
use crate::domain::prospects::{self, csv_import};
use crate::domain::{DomainError, DomainResult};

/// The leader's list: event contacts.
pub const LEADER_CSV: &str = "email,first_name,last_name,company,position\n\
nora.lindahl@brightwater-logistics.example,Nora,Lindahl,Brightwater Logistics,CEO\n\
omar.haddad@kestrel-analytics.example,Omar,Haddad,Kestrel Analytics,CTO\n\
paula.moreno@fennick-foods.example,Paula,Moreno,Fennick Foods,Head of Sales\n";

/// Max's list: trade fair leads with two custom fields, one disposable address.
pub const MAX_CSV: &str = "email,first_name,last_name,company,Industry,Booth\n\
anna.becker@stahlwerk-nord.example,Anna,Becker,Stahlwerk Nord,Steel,A12\n\
ben.okafor@greenline-energy.example,Ben,Okafor,Greenline Energy,Energy,B03\n\
chloe.martin@atelier-logiciel.example,Chloé,Martin,Atelier Logiciel,Software,C44\n\
david.ross@harbourpharma.example,David,Ross,Harbour Pharma,Pharma,D07\n\
elif.yilmaz@northgate-retail.example,Elif,Yılmaz,Northgate Retail,Retail,E19\n\
eve@mailinator.com,Eve,Tester,Unknown,Unknown,-\n";

/// Mia's list: partners, semicolon-separated as spreadsheets in many countries write it.
pub const MIA_CSV: &str = "email;first_name;last_name;company;Partner tier\n\
liam.walsh@copperleaf.example;Liam;Walsh;Copperleaf Consulting;Gold\n\
maya.iyer@tidewater-labs.example;Maya;Iyer;Tidewater Labs;Silver\n\
noah.fischer@alpenrose-travel.example;Noah;Fischer;Alpenrose Travel;Silver\n\
sofia.rossi@marmo-design.example;Sofia;Rossi;Marmo Design;Bronze\n";

/// Finn's list, kept after he left the team.
pub const FINN_CSV: &str = "email,first_name,last_name,company\n\
grace.kim@lumen-health.example,Grace,Kim,Lumen Health\n\
hugo.petit@bistro-collective.example,Hugo,Petit,Bistro Collective\n";

/// Creates a list at `at` and fills it through the real import, new columns as the owner's
/// custom fields.
pub fn import_list(
    conn: &mut AnyConnection,
    owner: &User,
    name: &str,
    csv: &str,
    at: NaiveDateTime,
) -> DomainResult<()> {
    let list = prospects::create_list(conn, owner, prospects::ListName::parse(name)?, at)?;
    let import = csv_import::upload(conn, owner, list, "demo.csv", csv.as_bytes(), at)?;
    let view = csv_import::mapping_view(conn, owner, import)?;
    let columns = view
        .headers
        .iter()
        .zip(&view.suggestions)
        .map(|(header, choice)| csv_import::Column::parse(choice, header))
        .collect::<DomainResult<Vec<_>>>()?;
    csv_import::queue(conn, owner, import, columns, at)?;
    csv_import::run(conn, import, || at)
}

/// A sender account pointing at nothing real and a two-step campaign on the member's
/// newest list, launched at `launch`: the first step goes out at once, the second three
/// days later if that is before `now`. Opens, clicks and one reply follow over the hours
/// and days after each send, never after `now`.
pub fn campaign_history(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    member: &User,
    launch: NaiveDateTime,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let slug = member.email.split('@').next().unwrap_or("demo").to_string();
    let sender_email = format!("{slug}@sender.demo.invalid");
    senders::add(
        conn,
        secrets,
        member,
        &senders::SenderInput {
            email: &sender_email,
            display_name: &member.name,
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
            dkim_selector: "",
            pause_min: "",
            pause_max: "",
            default_pause: crate::domain::campaigns::pacing::Pacing::default(),
        },
        launch,
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
            unsubscribe_line: None,
            bounce_limit: None,
            auto_reply_pause_days: None,
            schedule: None,
        },
        launch,
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
            campaigns::StepInput::parse(subject, body, delay, false)?,
            launch,
        )?;
    }
    campaigns::launch(conn, member, campaign, launch)?;
    let mut replied = false;
    for at in [launch, launch + Duration::days(3)] {
        if at > now {
            break;
        }
        let outgoing = sending::claim_due(conn, secrets, base_url, at)?;
        for (n, email) in outgoing.iter().enumerate() {
            let n = n as i64;
            outcomes::record_sent(conn, email.message_row, at)?;
            let message = crate::db::messages::by_id(conn, email.message_row)?
                .ok_or(DomainError::NotFound)?;
            let opened = at + Duration::hours(2 + 7 * n);
            if n % 2 == 0 && opened <= now {
                events::record_open(conn, &message.tracking_token, opened)?;
            }
            let clicked = opened + Duration::minutes(5);
            if n % 3 == 0
                && clicked <= now
                && let Some(link) = crate::db::tracking::link_tokens_of(conn, message.id)?.first()
            {
                events::record_click(conn, link, clicked)?;
            }
            let answered = at + Duration::days(1);
            if n == 1 && !replied && answered <= now {
                let reply = crate::domain::campaigns::incoming::InboxMessage::reply(
                    1,
                    vec![message.message_id.clone()],
                );
                events::record_replies(conn, sender.id, &[reply], base_url, answered)?;
                replied = true;
            }
        }
    }
    Ok(())
}

/// Launch approval: the leader approves `member`'s campaigns, and the member's second
/// campaign (on their sender account and list) waits in her queue, asked for at `at`.
pub fn approval_waiting(
    conn: &mut AnyConnection,
    leader: &User,
    member: &User,
    base_url: &str,
    at: NaiveDateTime,
) -> DomainResult<()> {
    let seat =
        crate::db::team::active_membership_of(conn, member.id)?.ok_or(DomainError::NotFound)?;
    crate::domain::team::set_launch_approval(conn, leader, seat.id, true, at)?;
    let first = crate::db::campaigns::of_owner(conn, member.id)?
        .pop()
        .ok_or(DomainError::NotFound)?;
    let campaign = campaigns::create(
        conn,
        member,
        campaigns::CampaignSettings {
            name: campaigns::CampaignName::parse("Partners: spring offer")?,
            sender_id: first.sender_id.ok_or(DomainError::NotFound)?,
            list_id: first.list_id,
            unsubscribe_line: None,
            bounce_limit: None,
            auto_reply_pause_days: None,
            schedule: None,
        },
        at,
    )?;
    let body = "Hi {{first_name}},\n\nour spring offer for partners like {{company}}: https://example.com/spring\n";
    let step = campaigns::StepInput::parse("Spring offer for {{company}}", body, "0", false)?;
    campaigns::add_step(conn, member, campaign, step, at)?;
    campaigns::request_approval(conn, member, campaign, None, base_url, at)?;
    Ok(())
}
