//! Values stored in text columns. Each enum below is declared once with its variants and
//! their stored text: that list is the one mapping, to the column (`as_str`, diesel's
//! `ToSql`) and back (`parse`, diesel's `FromSql`), and `Display` shows the same text on
//! pages. A text the mapping does not know makes the query fail instead of being guessed.
//! The rules about these values (which status may change to which) are in `domain`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// Declares an enum stored as text, with its one mapping (see the module comment).
macro_rules! stored_as_text {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The text stored for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The value stored as `text`; `None` for a text of no value.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                Self::parse(&text).ok_or_else(|| {
                    format!("{text:?} is no {} known to dripteam", stringify!($name)).into()
                })
            }
        }
    };
}

stored_as_text! {
    /// Where a team invitation is (`invitations.status`). Only a pending one can be
    /// answered, resent or cancelled; its expiry is a date, not a status.
    InvitationStatus {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Cancelled => "cancelled",
    }
}

stored_as_text! {
    /// Why a membership ended (`memberships.end_reason`; an active membership has none).
    MembershipEnd {
        /// The leader removed the member.
        Removed => "removed",
        /// The member left.
        Left => "left",
    }
}

stored_as_text! {
    /// A member's records layer (`memberships.records_scope`); also the form's values.
    RecordsScope {
        /// "Only own records".
        OwnRecords => "own",
        /// "View team records".
        TeamRecords => "team",
    }
}

stored_as_text! {
    /// What happened in a team, as its activity list shows it (`team_activity.action`).
    ActivityKind {
        Invited => "invited",
        Resent => "resent",
        Cancelled => "cancelled",
        Joined => "joined",
        Declined => "declined",
        Left => "left",
        Removed => "removed",
        PermissionChanged => "permission changed",
        CapChanged => "cap changed",
        RecordsTransferred => "records transferred",
        ReminderNotSent => "reminder not sent",
        /// A prospect was forgotten across the team; the line names no address.
        ProspectForgotten => "prospect forgotten",
        /// A prospect list or the do-not-email list was downloaded as CSV (which, how many
        /// rows).
        Exported => "exported",
        /// A campaign was launched (now or for a later time).
        Launched => "launched",
        /// A campaign was paused by its owner.
        Paused => "paused",
        /// A campaign was resumed by its owner.
        Resumed => "resumed",
        /// An address or domain was put on the do-not-email list by hand.
        DoNotEmailAdded => "do-not-email added",
        /// An entry was removed from the do-not-email list.
        DoNotEmailRemoved => "do-not-email removed",
        /// Entries were imported into the do-not-email list from a CSV file.
        DoNotEmailImported => "do-not-email imported",
        /// A log-in from a browser the user had not logged in from before.
        NewBrowser => "new browser",
        /// The leader changed a team setting (My Team → Team settings).
        SettingChanged => "team setting changed",
        /// A member under launch approval asked the leader to approve a campaign.
        ApprovalRequested => "approval requested",
        /// The leader approved a member's campaign (which then launched or resumed).
        Approved => "approved",
        /// The leader rejected a member's campaign, with a reason.
        Rejected => "rejected",
        /// The leader switched "Campaigns need approval" for a member.
        ApprovalRuleChanged => "approval rule changed",
    }
}

stored_as_text! {
    /// Where a campaign's launch approval is (`campaign_approvals.status`); a campaign with
    /// no row was never asked for, or its request or approval was voided by a change.
    ApprovalStatus {
        /// Asked for: in the leader's "Waiting for approval" queue.
        Waiting => "waiting",
        /// Approved by the leader: the campaign launched (or resumed) as its owner's.
        Approved => "approved",
        /// Rejected with a reason the owner sees; they may change it and ask again.
        Rejected => "rejected",
    }
}

stored_as_text! {
    /// A unit drawn from a pool (`usage_ledger.kind`).
    Unit {
        Credit => "credit",
        Recipient => "recipient",
    }
}

stored_as_text! {
    /// A usage warning given once per billing period (`usage_alerts.kind`): a member near
    /// their cap, or the team's pool near its end, per unit.
    AlertKind {
        MemberCredit => "member_credit",
        MemberRecipient => "member_recipient",
        TeamCredit => "team_credit",
        TeamRecipient => "team_recipient",
    }
}

stored_as_text! {
    /// Where a CSV import is (`imports.status`).
    ImportStatus {
        /// The file is stored; the mapping page is shown.
        Uploaded => "uploaded",
        /// Mapped, waiting for the background job.
        Queued => "queued",
        /// Claimed by the background job.
        Running => "running",
        Done => "done",
        /// Ended without importing anything; the report says why.
        Failed => "failed",
    }
}

stored_as_text! {
    /// The result of an address's verification (`prospects.verification`; `None` until
    /// verified).
    Verdict {
        Valid => "valid",
        /// Deliverable, but a role address (`info@`, `sales@`, …) read by whoever is on
        /// duty, if anyone: still sent to at launch.
        Risky => "risky",
        Invalid => "invalid",
        /// DNS did not answer: nothing could be concluded.
        Unknown => "unknown",
    }
}

stored_as_text! {
    /// Where a list's verification run is (`verification_runs.status`).
    VerificationStatus {
        /// Asked for, waiting for the background job.
        Queued => "queued",
        /// Being verified a batch at a time; resumed after a restart.
        Running => "running",
        /// Every prospect of the run was verified.
        Done => "done",
        /// Ended before the end (credits ran out, the list was no longer the user's to
        /// verify); `report` says why. What was verified stays verified.
        Stopped => "stopped",
    }
}

stored_as_text! {
    /// Where a campaign is (`campaigns.status`).
    CampaignStatus {
        /// Being written; never sent.
        Draft => "draft",
        /// Launched: the sender sends its due emails.
        Active => "active",
        /// Launched, stopped by its owner, a removal or an exhausted pool.
        Paused => "paused",
        /// Put away by its owner: hidden from the list, never sent; restored as a draft
        /// (never launched) or paused.
        Archived => "archived",
    }
}

stored_as_text! {
    /// Where one recipient of a campaign is (`campaign_recipients.status`).
    RecipientStatus {
        /// Has steps still to come.
        Active => "active",
        /// Got every step.
        Finished => "finished",
        /// Answered: later steps are not sent.
        Replied => "replied",
        /// An email to them could not be sent: later steps are not sent.
        Failed => "failed",
        /// An email to them may or may not have gone out (its sender died mid-send).
        Unconfirmed => "unconfirmed",
        /// Already written to from a former owner's mailbox when the campaign moved to
        /// another owner (a record transfer): finished, since their replies go there.
        FormerMailbox => "former_mailbox",
        /// Left out at launch, never emailed; `campaign_recipients.skip_reason` says why.
        /// Also a recipient stopped at send time by the do-not-email list (reason
        /// `DoNotEmail`): they get no further step.
        Skipped => "skipped",
        /// Unsubscribed from this campaign's email (RFC 8058 one-click or the page): no
        /// further step from any campaign of the team.
        Unsubscribed => "unsubscribed",
        /// Their address was refused for good (a 5xx at send time or a DSN, RFC 3464).
        Bounced => "bounced",
        /// Their sequence waits until its owner resumes it; `campaign_recipients.pause_reason`
        /// says why (a teammate got a reply from their company, `company_pause`).
        Paused => "paused",
    }
}

stored_as_text! {
    /// Why a prospect was left out at launch (`campaign_recipients.skip_reason`); the rules
    /// and the words for each are in `domain::campaigns::launch`.
    SkipReason {
        /// Its address was verified invalid (no such domain, no mail server, bad syntax).
        InvalidAddress => "invalid",
        /// Its address is at a disposable-mail provider.
        DisposableAddress => "disposable",
        /// Its address or domain is on the team's do-not-email list (at launch, or found
        /// there by the sender at send time).
        DoNotEmail => "do_not_email",
        /// A teammate is contacting the address (`domain::campaigns::contacting`): skipped
        /// at launch (by default, or always under the team setting) or by the sender when a
        /// teammate owns the conversation.
        TeammateContacting => "teammate",
    }
}

stored_as_text! {
    /// Why an address or domain is on the do-not-email list (`do_not_email.reason`).
    DoNotEmailReason {
        /// Added by hand (the form or a CSV import).
        Manual => "manual",
        /// The recipient unsubscribed (RFC 8058 one-click or the unsubscribe page).
        Unsubscribed => "unsubscribed",
        /// The address bounced: refused for good at send time or by a DSN (RFC 3464).
        Bounced => "bounced",
        /// The recipient complained (marked the email as spam).
        Complained => "complained",
        /// The prospect was forgotten: only the address's digest is kept.
        Forgotten => "forgotten",
    }
}

stored_as_text! {
    /// What a do-not-email entry names (`do_not_email.kind`).
    DoNotEmailKind {
        /// One address.
        Address => "address",
        /// Every address at a domain (entered as "@competitor.example").
        Domain => "domain",
    }
}

stored_as_text! {
    /// Which creating form a one-time form token was sent with (`form_submissions.form`).
    FormKind {
        List => "list",
        Campaign => "campaign",
        Prospect => "prospect",
        Sender => "sender",
        Step => "step",
        Invitation => "invitation",
        Upload => "upload",
    }
}

stored_as_text! {
    /// Where one campaign email is (`campaign_messages.status`).
    MessageStatus {
        /// Claimed by a sender, before its SMTP call.
        Claimed => "claimed",
        Sent => "sent",
        /// An SMTP attempt failed; tried again at `next_attempt_at`.
        Retry => "retry",
        /// Given up: never sent.
        Failed => "failed",
        /// Claimed by a process that died: reported, never sent blindly again.
        Unconfirmed => "unconfirmed",
    }
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
