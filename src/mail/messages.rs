//! Every system email, rendered from `templates/email/` (subject, text and HTML).

use askama::Template;
use chrono::NaiveDateTime;

use super::MailError;

/// A rendered email, ready for the outbox. Building one refuses (`MailError::HeaderText`)
/// a subject with a line break or another control character.
pub struct Message {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn render(
    subject: String,
    text: &impl Template,
    html: &impl Template,
) -> Result<Message, MailError> {
    // The subject carries names typed by users; a stored one from before the parse-time
    // checks must not reach the header.
    super::header_text::check(&subject, "The email's subject")?;
    let text = text.render().map_err(|e| MailError::Render {
        part: "text",
        cause: e.to_string(),
    })?;
    let html = html.render().map_err(|e| MailError::Render {
        part: "html",
        cause: e.to_string(),
    })?;
    Ok(Message {
        subject,
        text,
        html,
    })
}

#[derive(Template)]
#[template(path = "email/password_reset.txt")]
struct PasswordResetText<'a> {
    name: &'a str,
    link: &'a str,
    expires: String,
}

#[derive(Template)]
#[template(path = "email/password_reset.html")]
struct PasswordResetHtml<'a> {
    name: &'a str,
    link: &'a str,
    expires: String,
}

pub fn password_reset(
    name: &str,
    link: &str,
    expires_at: NaiveDateTime,
) -> Result<Message, MailError> {
    let expires = format_utc(expires_at);
    render(
        "Reset your dripteam password".into(),
        &PasswordResetText {
            name,
            link,
            expires: expires.clone(),
        },
        &PasswordResetHtml {
            name,
            link,
            expires,
        },
    )
}

#[derive(Template)]
#[template(path = "email/invitation.txt")]
struct InvitationText<'a> {
    leader_name: &'a str,
    leader_email: &'a str,
    link: &'a str,
    expires: String,
}

#[derive(Template)]
#[template(path = "email/invitation.html")]
struct InvitationHtml<'a> {
    leader_name: &'a str,
    leader_email: &'a str,
    link: &'a str,
    expires: String,
}

pub fn invitation(
    leader_name: &str,
    leader_email: &str,
    link: &str,
    expires_at: NaiveDateTime,
) -> Result<Message, MailError> {
    let expires = format_utc(expires_at);
    render(
        format!("{leader_name} invited you to their team on dripteam"),
        &InvitationText {
            leader_name,
            leader_email,
            link,
            expires: expires.clone(),
        },
        &InvitationHtml {
            leader_name,
            leader_email,
            link,
            expires,
        },
    )
}

#[derive(Template)]
#[template(path = "email/invitation_reminder.txt")]
struct ReminderText<'a> {
    leader_name: &'a str,
    leader_email: &'a str,
    link: &'a str,
    expires: String,
}

#[derive(Template)]
#[template(path = "email/invitation_reminder.html")]
struct ReminderHtml<'a> {
    leader_name: &'a str,
    leader_email: &'a str,
    link: &'a str,
    expires: String,
}

/// A reminder of a pending invitation. Only the token's digest is stored, so the reminder
/// leads to log-in or sign-up with the address, then to "Join team" in the account.
pub fn invitation_reminder(
    leader_name: &str,
    leader_email: &str,
    link: &str,
    expires_at: NaiveDateTime,
) -> Result<Message, MailError> {
    let expires = format_utc(expires_at);
    render(
        format!("Reminder: {leader_name} invited you to their team on dripteam"),
        &ReminderText {
            leader_name,
            leader_email,
            link,
            expires: expires.clone(),
        },
        &ReminderHtml {
            leader_name,
            leader_email,
            link,
            expires,
        },
    )
}

#[derive(Template)]
#[template(path = "email/team_notice.txt")]
struct TeamNoticeText<'a> {
    leader_name: &'a str,
    notice: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/team_notice.html")]
struct TeamNoticeHtml<'a> {
    leader_name: &'a str,
    notice: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/campaign_notice.txt")]
struct CampaignNoticeText<'a> {
    owner_name: &'a str,
    notice: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/campaign_notice.html")]
struct CampaignNoticeHtml<'a> {
    owner_name: &'a str,
    notice: &'a str,
    link: &'a str,
}

/// A notice to a campaign's owner about that campaign (it paused itself), with a link to
/// its page.
pub fn campaign_notice(
    owner_name: &str,
    subject: &str,
    notice: &str,
    link: &str,
) -> Result<Message, MailError> {
    render(
        subject.to_string(),
        &CampaignNoticeText {
            owner_name,
            notice,
            link,
        },
        &CampaignNoticeHtml {
            owner_name,
            notice,
            link,
        },
    )
}

/// A short notice to the leader: an invitation accepted or declined, a member left.
pub fn team_notice(
    leader_name: &str,
    subject: &str,
    notice: &str,
    link: &str,
) -> Result<Message, MailError> {
    render(
        subject.to_string(),
        &TeamNoticeText {
            leader_name,
            notice,
            link,
        },
        &TeamNoticeHtml {
            leader_name,
            notice,
            link,
        },
    )
}

/// One reply listed in a reply digest.
pub struct DigestReply {
    /// "Ann Smith <ann@acme.example>", or the address alone.
    pub prospect: String,
    /// The campaign's name.
    pub campaign: String,
    /// When the reply was found, "2026-12-01 14:05 UTC".
    pub when: String,
    /// The campaign's page.
    pub link: String,
}

#[derive(Template)]
#[template(path = "email/reply_digest.txt")]
struct ReplyDigestText<'a> {
    name: &'a str,
    replies: &'a [DigestReply],
}

#[derive(Template)]
#[template(path = "email/reply_digest.html")]
struct ReplyDigestHtml<'a> {
    name: &'a str,
    replies: &'a [DigestReply],
}

/// The hourly digest of replies to `name`'s campaigns ("2 new replies to your campaigns").
pub fn reply_digest(name: &str, replies: &[DigestReply]) -> Result<Message, MailError> {
    let subject = format!(
        "{} to your campaigns",
        crate::text::count(replies.len(), "new reply", "new replies")
    );
    render(
        subject,
        &ReplyDigestText { name, replies },
        &ReplyDigestHtml { name, replies },
    )
}

/// Which address an emailed proof link is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressLinkKind {
    /// The account's own address, at sign-up or resent from the account page.
    Confirm,
    /// A new address the owner asked to change to.
    Change,
}

#[derive(Template)]
#[template(path = "email/address_link.txt")]
struct AddressLinkText<'a> {
    name: &'a str,
    intro: &'a str,
    link: &'a str,
    expires: String,
}

#[derive(Template)]
#[template(path = "email/address_link.html")]
struct AddressLinkHtml<'a> {
    name: &'a str,
    intro: &'a str,
    action: &'a str,
    link: &'a str,
    expires: String,
}

/// The link that proves the recipient owns `email` (sent to `email` itself).
pub fn address_link(
    kind: AddressLinkKind,
    name: &str,
    email: &str,
    link: &str,
    expires_at: NaiveDateTime,
) -> Result<Message, MailError> {
    let (subject, intro, action) = match kind {
        AddressLinkKind::Confirm => (
            "Confirm your email address for dripteam".to_string(),
            format!(
                "please confirm that {email} is your address, so that your team leader's invitations reach the right person. Follow this link:"
            ),
            "Confirm my address",
        ),
        AddressLinkKind::Change => (
            "Confirm your new email address for dripteam".to_string(),
            format!(
                "someone (hopefully you) asked to change the email address of a dripteam account to {email}. The address changes only when you follow this link:"
            ),
            "Change my address",
        ),
    };
    let expires = format_utc(expires_at);
    render(
        subject,
        &AddressLinkText {
            name,
            intro: &intro,
            link,
            expires: expires.clone(),
        },
        &AddressLinkHtml {
            name,
            intro: &intro,
            action,
            link,
            expires,
        },
    )
}

#[derive(Template)]
#[template(path = "email/address_changed.txt")]
struct AddressChangedText<'a> {
    name: &'a str,
    old_email: &'a str,
    new_email: &'a str,
}

#[derive(Template)]
#[template(path = "email/address_changed.html")]
struct AddressChangedHtml<'a> {
    name: &'a str,
    old_email: &'a str,
    new_email: &'a str,
}

/// Tells the old address that the account's address was changed.
pub fn address_changed(name: &str, old_email: &str, new_email: &str) -> Result<Message, MailError> {
    render(
        "Your dripteam email address was changed".into(),
        &AddressChangedText {
            name,
            old_email,
            new_email,
        },
        &AddressChangedHtml {
            name,
            old_email,
            new_email,
        },
    )
}

pub fn format_utc(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
