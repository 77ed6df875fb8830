//! The due emails of the campaigns that share one sender account, claimed in turn: the
//! campaign served least recently goes first, then one email from each campaign in a
//! round until the mailbox must wait (`pacing`: its pause or its daily limit) or no
//! campaign has a due email left. A campaign's fault is logged and ends its turns only.

use std::collections::VecDeque;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::compose::{Outgoing, build};
use super::contacting::{self, TeamConversations};
use super::outcomes::fail_for_good;
use super::pacing::{self, Conversation, Slot};
use super::sending::{domain_of, hold, unsendable};
use crate::crypto::SecretBox;
use crate::db::ids::UserId;
use crate::db::messages::NewClaim;
use crate::db::models::{Campaign, CampaignRecipient, CampaignStep, SenderAccount};
use crate::db::values::SkipReason;
use crate::db::{AnyConnection, campaigns as db, messages, recipients, senders as sender_db};
use crate::domain::accounts::tokens;
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult, policy};

/// How many due recipients of one campaign a round looks at when the mailbox has no pause
/// (with a pause, one email per round can go, and a few spare rows cover skipped ones).
const BATCH_UNPACED: i64 = 100;
const BATCH_PACED: i64 = 5;

/// One campaign's turn-taking state within a round.
struct Queue {
    campaign: Campaign,
    steps: Vec<CampaignStep>,
    /// Whose do-not-email list applies (`do_not_email::list_owner`).
    list: UserId,
    /// The owner's team, whose conversations each claim takes part in
    /// (`contacting::team_conversations`).
    team: Option<TeamConversations>,
    due: VecDeque<CampaignRecipient>,
    claimed: usize,
}

/// What the round does after one recipient's turn.
enum Next {
    /// Go on with the next campaign's turn.
    Go,
    /// This campaign has no more turns this round (its pool ran out).
    CampaignStops,
    /// The mailbox waits: no more emails from it this round.
    MailboxWaits,
}

/// Claims the due emails of `campaigns` (all active, all using sender account `sender_id`)
/// in turn, each with the mailbox's slot (`pacing::claim_with_slot`), into `out`.
pub(super) fn claim_for_mailbox(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    sender_id: i64,
    mut campaigns: Vec<Campaign>,
    now: NaiveDateTime,
    out: &mut Vec<Outgoing>,
) -> DomainResult<()> {
    let Some(sender) = sender_db::by_id(conn, sender_id)? else {
        return Ok(());
    };
    let zone = pacing::owner_zone(conn, &sender)?;
    if !pacing::mailbox_free(&sender, zone, now) {
        return Ok(());
    }
    let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
    let last = messages::last_claims(conn, &ids)?;
    campaigns.sort_by_key(|c| (last.get(&c.id).copied(), c.id));
    let batch = if sender.pause_max_secs == 0 {
        BATCH_UNPACED
    } else {
        BATCH_PACED
    };
    let mut queues = Vec::new();
    for campaign in campaigns {
        let id = campaign.id;
        match prepare(conn, base_url, &sender, campaign, batch, now) {
            Ok(Some(queue)) => queues.push(queue),
            Ok(None) => {}
            Err(e) => log::error!("campaign {id}: its due emails could not be claimed: {e}"),
        }
    }
    loop {
        let mut turns = 0;
        for queue in queues.iter_mut() {
            let Some(recipient) = queue.due.pop_front() else {
                continue;
            };
            turns += 1;
            match claim_one(
                conn, secrets, base_url, &sender, zone, queue, recipient, now, out,
            ) {
                Ok(Next::Go) => {}
                Ok(Next::CampaignStops) => queue.due.clear(),
                Ok(Next::MailboxWaits) => return Ok(()),
                Err(e) => {
                    log::error!(
                        "campaign {}: its due emails could not be claimed: {e}",
                        queue.campaign.id
                    );
                    queue.due.clear();
                }
            }
        }
        if turns == 0 {
            return Ok(());
        }
    }
}

/// The campaign's queue for this round, or `None` when it sends nothing now: the sender
/// account is not its owner's (`policy::may_send_from`), its bounce rate paused it, or its
/// schedule's window is closed.
fn prepare(
    conn: &mut AnyConnection,
    base_url: &str,
    sender: &SenderAccount,
    campaign: Campaign,
    batch: i64,
    now: NaiveDateTime,
) -> DomainResult<Option<Queue>> {
    if policy::may_send_from(campaign.owner_id, Some(sender.owner_id), "sending").is_err() {
        return Ok(None);
    }
    if super::bounces::pause_over_limit(conn, campaign.id, base_url, now)? {
        return Ok(None);
    }
    // Outside its window a due email waits for the next opening (`schedule`); in the
    // prospect's zone each recipient has their own (`windows::open_now`).
    let windows = super::windows::CampaignWindows::load(conn, campaign.id, campaign.owner_id)?;
    if !windows.may_open(now) {
        return Ok(None);
    }
    let due = recipients::due_recipients(conn, campaign.id, now, batch)?;
    let due = super::windows::open_now(conn, &windows, due, now)?;
    if due.is_empty() {
        return Ok(None);
    }
    Ok(Some(Queue {
        steps: db::steps(conn, campaign.id)?,
        list: do_not_email::list_owner(conn, campaign.owner_id)?,
        team: contacting::team_conversations(conn, campaign.owner_id)?,
        due: due.into(),
        claimed: 0,
        campaign,
    }))
}

/// One recipient's turn: skipped when on the do-not-email list or when a teammate owns the
/// conversation (under the team's setting), finished when no step is left, otherwise claimed with the mailbox's slot, held on the owner's pool and built.
#[allow(clippy::too_many_arguments)]
fn claim_one(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    sender: &SenderAccount,
    zone: Tz,
    queue: &mut Queue,
    recipient: CampaignRecipient,
    now: NaiveDateTime,
    out: &mut Vec<Outgoing>,
) -> DomainResult<Next> {
    if do_not_email::on_list(conn, queue.list, &recipient.email)? {
        recipients::skip_recipient(conn, recipient.id, SkipReason::DoNotEmail)?;
        return Ok(Next::Go);
    }
    let Some(step) = queue
        .steps
        .iter()
        .find(|s| s.position == recipient.next_step)
    else {
        recipients::advance_recipient(conn, recipient.id, recipient.next_step, None, false)?;
        return Ok(Next::Go);
    };
    let message_id = format!(
        "{}@{}",
        uuid::Uuid::new_v4().simple(),
        domain_of(&sender.email)
    );
    let (tracking_token, _) = tokens::generate();
    let campaign = &queue.campaign;
    let claim = NewClaim {
        campaign_id: campaign.id,
        recipient_id: recipient.id,
        owner_id: campaign.owner_id,
        sender_id: sender.id,
        step_position: step.position,
        email: &recipient.email,
        message_id: &message_id,
        tracking_token: &tracking_token,
        now,
    };
    // The claim takes the team's conversation with the address too: when a teammate holds
    // it under "Never contact …", the recipient is skipped (the unique index of
    // `conversations` decides between two members' claims).
    let conversation = queue.team.map(|team| Conversation {
        team,
        email: &recipient.email,
        owner: campaign.owner_id,
    });
    let claimed = pacing::claim_with_slot(conn, sender, zone, now, conversation, |conn| {
        messages::claim(conn, &claim)
    })?;
    let row = match claimed {
        Slot::Claimed(row) => row,
        Slot::MailboxWaits => return Ok(Next::MailboxWaits),
        Slot::NotClaimed => return Ok(Next::Go),
        Slot::TeammateHolds => {
            recipients::skip_recipient(conn, recipient.id, SkipReason::TeammateContacting)?;
            return Ok(Next::Go);
        }
    };
    let message = messages::by_id(conn, row)?.ok_or(DomainError::NotFound)?;
    // The emails held before the pool ran out still go; the next round pauses the
    // campaign (pausing now would hold them back too, and resuming would repeat this).
    if !hold(conn, campaign, &message, queue.claimed == 0, now)? {
        return Ok(Next::CampaignStops);
    }
    queue.claimed += 1;
    match build(conn, secrets, base_url, sender, &recipient, &message) {
        Ok(outgoing) => out.push(outgoing),
        Err(e) => fail_for_good(conn, &message, &unsendable(message.id, &e))?,
    }
    Ok(Next::Go)
}
