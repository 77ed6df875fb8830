//! The campaign settings form as typed (`/campaigns` and `/campaigns/{id}/settings`): name,
//! sender, list, unsubscribe line, bounce limit, pause after an auto-reply and the sending
//! schedule, parsed into `CampaignSettings`.

use serde::Deserialize;

use crate::domain::DomainResult;
use crate::domain::campaigns::CampaignSettings;
use crate::domain::campaigns::schedule::DAY_NAMES;
use crate::domain::campaigns::windows::ScheduleInput;

/// A campaign's settings as typed: every field text, so that a missing or malformed
/// choice is refused by the domain with a message and the form comes back as typed.
#[derive(Deserialize)]
pub(super) struct SettingsForm {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) sender_id: String,
    #[serde(default)]
    pub(super) list_id: String,
    /// Absent from the new campaign's form (the default line is kept).
    #[serde(default)]
    pub(super) unsubscribe_line: Option<String>,
    /// Absent from the new campaign's form (the default limit is kept).
    #[serde(default)]
    pub(super) bounce_limit: Option<String>,
    /// Days a recipient waits after an auto-reply; absent from the new campaign's form (0).
    #[serde(default)]
    pub(super) auto_reply_pause_days: Option<String>,
    /// The one-time token of the new campaign's form (`domain::submissions`).
    #[serde(default)]
    pub(super) form_token: String,
    /// The sending window's start "HH:MM"; absent from the new campaign's form, which
    /// then takes the default schedule (`DEFAULT_SENDING_WINDOW`).
    #[serde(default)]
    pub(super) window_start: Option<String>,
    #[serde(default)]
    pub(super) window_end: Option<String>,
    /// IANA zone name; empty: the owner's (Account page).
    #[serde(default)]
    pub(super) time_zone: Option<String>,
    /// "Send in the prospect's time zone when they have one": present when ticked.
    #[serde(default)]
    pub(super) in_prospect_zone: Option<String>,
    /// Sending days: `day0` (Monday) to `day6` (Sunday), present when ticked.
    #[serde(flatten)]
    pub(super) days: std::collections::HashMap<String, String>,
}

impl SettingsForm {
    pub(super) fn parse(&self) -> DomainResult<CampaignSettings> {
        CampaignSettings::parse(
            &self.name,
            &self.sender_id,
            &self.list_id,
            self.unsubscribe_line.as_deref(),
            self.bounce_limit.as_deref(),
            self.auto_reply_pause_days.as_deref(),
        )
        .and_then(|mut chosen| {
            if let Some(start) = &self.window_start {
                let end = self.window_end.as_deref().unwrap_or("");
                let zone = self.time_zone.as_deref().unwrap_or("");
                let days = self.days_ticked();
                let in_prospect_zone = self.in_prospect_zone.is_some();
                chosen.schedule = Some(ScheduleInput::parse(
                    &days,
                    start,
                    end,
                    zone,
                    in_prospect_zone,
                )?);
            }
            Ok(chosen)
        })
    }

    /// The names ("Mon" … "Sun") of the days ticked.
    fn days_ticked(&self) -> Vec<String> {
        (0..7)
            .filter(|i| self.days.contains_key(&format!("day{i}")))
            .map(|i| DAY_NAMES[i].to_string())
            .collect()
    }
}
