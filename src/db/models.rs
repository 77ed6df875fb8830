//! Rows as they come out of and go into the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{MembershipId, TeamId, UserId};
use super::schema::*;
use super::values::{
    ActivityKind, CampaignStatus, ImportStatus, InvitationStatus, MembershipEnd, MessageStatus,
    RecipientStatus, RecordsScope, SkipReason, Verdict, VerificationStatus,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub plan: String,
    pub period_anchor: NaiveDateTime,
    pub paid_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// When the owner followed an emailed link to this address; `None`: unconfirmed.
    pub email_confirmed_at: Option<NaiveDateTime>,
    /// A downgrade waiting for the end of the paid period: the plan's code…
    pub scheduled_plan: Option<String>,
    /// …and the instant it takes over (the paid-until date when it was chosen).
    pub scheduled_plan_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub plan: &'a str,
    pub period_anchor: NaiveDateTime,
    pub paid_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub email_confirmed_at: Option<NaiveDateTime>,
}

/// A log-in as stored server-side; the browser's cookie holds the token whose SHA-256 is
/// `token_hash`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: UserId,
    pub token_hash: String,
    /// A short description of the browser (its User-Agent, checked and truncated).
    pub client: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// An emailed link that proves an address (see `domain::accounts::confirmation`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_confirmations)]
pub struct EmailConfirmation {
    pub id: i64,
    pub user_id: UserId,
    pub email: String,
    /// `confirm` or `change` (`domain::accounts::confirmation::Purpose`).
    pub purpose: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = password_resets)]
pub struct PasswordReset {
    pub id: i64,
    pub user_id: UserId,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    /// Set when the email can never be sent as it stands; `last_error` says why.
    pub failed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxEmail<'a> {
    pub to_address: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: TeamId,
    pub leader_id: UserId,
    pub created_at: NaiveDateTime,
    /// A teammate's reply pauses every member's sequences to the same company domain
    /// (`domain::campaigns::company_pause`).
    pub reply_pauses_company: bool,
    /// "Never contact a prospect a teammate is already contacting": the sender enforces it.
    pub never_contact_teammates: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: MembershipId,
    pub team_id: TeamId,
    pub user_id: UserId,
    pub can_export: bool,
    pub records_scope: RecordsScope,
    pub joined_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<MembershipEnd>,
    pub credit_cap: Option<i32>,
    pub recipient_cap: Option<i32>,
    /// "Campaigns need approval": the leader approves this member's launches.
    pub launch_needs_approval: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub team_id: TeamId,
    pub email: String,
    pub token_hash: String,
    pub status: InvitationStatus,
    pub expires_at: NaiveDateTime,
    pub last_sent_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub reminders_sent: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = team_activity)]
pub struct ActivityRow {
    pub id: i64,
    pub team_id: TeamId,
    pub actor_id: UserId,
    pub subject_email: String,
    pub action: ActivityKind,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = prospect_lists)]
pub struct ProspectList {
    pub id: i64,
    pub owner_id: UserId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = prospects)]
pub struct Prospect {
    pub id: i64,
    pub list_id: i64,
    pub owner_id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub position: String,
    pub verification: Option<Verdict>,
    pub verification_detail: String,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// IANA time zone name ("America/New_York"); empty: none.
    pub timezone: String,
}

/// The standard fields of a prospect, as entered or imported.
#[derive(Debug, Clone, Default, Insertable, AsChangeset)]
#[diesel(table_name = prospects)]
pub struct ProspectFields {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub position: String,
    /// IANA time zone name, checked (`prospects::parse_zone`); empty: none.
    pub timezone: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custom_fields)]
pub struct CustomField {
    pub id: i64,
    pub owner_id: UserId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct Import {
    pub id: i64,
    pub list_id: i64,
    pub owner_id: UserId,
    pub file_name: String,
    pub content: String,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub checked_rows: i32,
    pub imported: i32,
    pub duplicates: i32,
    pub mapping: String,
    pub report: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Rows imported whose address a teammate was already contacting.
    pub teammates_contacting: i32,
}

/// A list's verification run (`verification_runs`): the prospects with ids up to
/// `up_to_prospect_id`, verified in id order; `last_prospect_id` is how far it got.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = verification_runs)]
pub struct VerificationRun {
    pub id: i64,
    pub list_id: i64,
    /// Who asked: the credits are theirs to spend (from the pool they draw on).
    pub user_id: UserId,
    pub status: VerificationStatus,
    /// Prospects in the run when it was asked for.
    pub total: i32,
    /// Addresses verified (and paid for) so far.
    pub verified: i32,
    pub up_to_prospect_id: i64,
    pub last_prospect_id: i64,
    /// Why a stopped run stopped; empty otherwise.
    pub report: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sender_accounts)]
pub struct SenderAccount {
    pub id: i64,
    pub owner_id: UserId,
    pub email: String,
    pub display_name: String,
    pub smtp_host: String,
    pub smtp_port: i32,
    pub smtp_security: String,
    pub smtp_user: String,
    /// Encrypted; see `crate::crypto`.
    pub smtp_password: String,
    pub imap_host: String,
    pub imap_port: i32,
    pub imap_security: String,
    pub imap_user: String,
    /// Encrypted; see `crate::crypto`.
    pub imap_password: String,
    pub imap_last_uid: i64,
    pub daily_limit: i32,
    pub created_at: NaiveDateTime,
    /// IMAP checks failed in a row; 0 after a successful one.
    pub imap_failures: i32,
    /// The last failure's `domain::campaigns::outbound::FailureKind` code, while failing.
    pub imap_failure: Option<String>,
    pub imap_failed_at: Option<NaiveDateTime>,
    /// The reply poller skips the mailbox until then.
    pub imap_retry_at: Option<NaiveDateTime>,
    /// The DKIM selector "Test connection" looks up (a DNS label); empty when none.
    pub dkim_selector: String,
    /// Why the SMTP server last refused the sender; `None` when fine.
    pub smtp_refusal: Option<String>,
    /// UTC.
    pub smtp_refused_at: Option<NaiveDateTime>,
    /// The random pause between two emails of the account, in seconds (min..=max).
    pub pause_min_secs: i32,
    pub pause_max_secs: i32,
    /// The earliest instant (UTC) of the account's next email; `None` before the first.
    pub next_send_at: Option<NaiveDateTime>,
    /// The owner's local date `sent_day_count` counts claimed emails of.
    pub sent_day: Option<chrono::NaiveDate>,
    pub sent_day_count: i32,
}

/// A sender account's settings as entered, passwords already encrypted.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sender_accounts)]
pub struct SenderSettings {
    pub email: String,
    pub display_name: String,
    pub smtp_host: String,
    pub smtp_port: i32,
    pub smtp_security: String,
    pub smtp_user: String,
    pub smtp_password: String,
    pub imap_host: String,
    pub imap_port: i32,
    pub imap_security: String,
    pub imap_user: String,
    pub imap_password: String,
    pub daily_limit: i32,
    /// A DNS label, or empty for none.
    pub dkim_selector: String,
    /// The pause between two emails, in seconds (`pause_min_secs <= pause_max_secs`).
    pub pause_min_secs: i32,
    pub pause_max_secs: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: i64,
    pub owner_id: UserId,
    pub name: String,
    /// `None` after a record transfer, until the new owner chooses one of their accounts.
    pub sender_id: Option<i64>,
    pub list_id: i64,
    pub status: CampaignStatus,
    pub status_reason: String,
    pub created_at: NaiveDateTime,
    pub launched_at: Option<NaiveDateTime>,
    /// After an auto-reply, the recipient's next step waits at least this many days (0: no wait).
    pub auto_reply_pause_days: i32,
    /// The visible unsubscribe line of its emails, holding `{{unsubscribe_url}}`
    /// (`domain::campaigns::unsubscribe`).
    pub unsubscribe_line: String,
    /// Pause when this percentage of contacted recipients bounced (after
    /// `bounces::MIN_CONTACTED`); 0: never.
    pub bounce_limit_percent: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_steps)]
pub struct CampaignStep {
    pub id: i64,
    pub campaign_id: i64,
    pub position: i32,
    pub subject: String,
    pub body: String,
    pub delay_days: i32,
    /// Starts a new email thread instead of replying to the previous step.
    pub new_thread: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_recipients)]
pub struct CampaignRecipient {
    pub id: i64,
    pub campaign_id: i64,
    pub prospect_id: i64,
    pub email: String,
    pub next_step: i32,
    pub next_due_at: Option<NaiveDateTime>,
    pub status: RecipientStatus,
    pub created_at: NaiveDateTime,
    /// Why it was left out at launch (status `Skipped`); `None` for the others.
    pub skip_reason: Option<SkipReason>,
    /// Why their sequence is paused (status `Paused`), e.g. "a teammate got a reply from
    /// acme.example"; `None` for the others.
    pub pause_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_messages)]
pub struct CampaignMessage {
    pub id: i64,
    pub campaign_id: i64,
    pub recipient_id: i64,
    pub owner_id: UserId,
    pub sender_id: i64,
    pub step_position: i32,
    pub recipient_email: String,
    pub message_id: String,
    pub tracking_token: String,
    pub status: MessageStatus,
    pub attempts: i32,
    pub last_error: String,
    pub claimed_at: NaiveDateTime,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub opened_at: Option<NaiveDateTime>,
    pub clicked_at: Option<NaiveDateTime>,
    pub replied_at: Option<NaiveDateTime>,
    /// When an auto-reply to this email was found (not a reply: the sequence goes on).
    pub auto_replied_at: Option<NaiveDateTime>,
}
