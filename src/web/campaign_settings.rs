//! The campaign settings form as typed (`/campaigns` and `/campaigns/{id}/settings`): name,
//! sender, list, unsubscribe line, bounce limit, pause after an auto-reply and the sending
//! schedule, parsed into `CampaignSettings`; and what the campaign page's settings form shows
//! (as typed before a refusal, else the campaign's values).

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

/// What the settings form shows: as typed before a refusal, else the campaign's values.
impl super::campaigns::CampaignTemplate {
    /// The name in the settings form: as typed before a refusal, else the campaign's.
    pub(super) fn settings_name(&self) -> &str {
        self.settings_refused
            .as_ref()
            .map_or(self.view.campaign.name.as_str(), |r| r.typed.name.as_str())
    }

    /// The unsubscribe line in the settings form: as typed before a refusal, else the
    /// campaign's.
    pub(super) fn settings_unsubscribe_line(&self) -> &str {
        self.settings_refused
            .as_ref()
            .and_then(|r| r.typed.unsubscribe_line.as_deref())
            .unwrap_or(self.view.campaign.unsubscribe_line.as_str())
    }

    /// The bounce limit in the settings form: as typed before a refusal, else the
    /// campaign's.
    pub(super) fn settings_bounce_limit(&self) -> String {
        self.settings_refused
            .as_ref()
            .and_then(|r| r.typed.bounce_limit.clone())
            .unwrap_or_else(|| self.view.campaign.bounce_limit_percent.to_string())
    }

    /// The pause after an auto-reply in the settings form: as typed before a refusal,
    /// else the campaign's.
    pub(super) fn settings_pause_days(&self) -> String {
        self.settings_refused
            .as_ref()
            .and_then(|r| r.typed.auto_reply_pause_days.clone())
            .unwrap_or_else(|| self.view.campaign.auto_reply_pause_days.to_string())
    }

    /// The schedule fields: as typed before a refusal, else the campaign's.
    pub(super) fn settings_window_start(&self) -> String {
        let typed = self.settings_refused.as_ref();
        typed
            .and_then(|r| r.typed.window_start.clone())
            .unwrap_or_else(|| self.view.schedule.start.clone())
    }

    pub(super) fn settings_window_end(&self) -> String {
        let typed = self.settings_refused.as_ref();
        typed
            .and_then(|r| r.typed.window_end.clone())
            .unwrap_or_else(|| self.view.schedule.end.clone())
    }

    pub(super) fn settings_time_zone(&self) -> String {
        let typed = self.settings_refused.as_ref();
        typed
            .and_then(|r| r.typed.time_zone.clone())
            .unwrap_or_else(|| self.view.schedule.zone_chosen.clone())
    }

    /// Whether "Send in the prospect's time zone when they have one" is ticked.
    pub(super) fn settings_in_prospect_zone(&self) -> bool {
        self.settings_refused
            .as_ref()
            .map_or(self.view.schedule.in_prospect_zone, |r| {
                r.typed.in_prospect_zone.is_some()
            })
    }

    /// Whether day `index` (0 Monday … 6 Sunday) is ticked.
    pub(super) fn settings_day(&self, index: &usize) -> bool {
        self.settings_refused.as_ref().map_or_else(
            || self.view.schedule.has_day(index),
            |r| r.typed.days.contains_key(&format!("day{index}")),
        )
    }

    pub(super) fn settings_sender_chosen(&self, id: &i64) -> bool {
        self.settings_refused
            .as_ref()
            .map_or(Some(*id) == self.view.campaign.sender_id, |r| {
                r.typed.sender_id == id.to_string()
            })
    }

    pub(super) fn settings_list_chosen(&self, id: &i64) -> bool {
        self.settings_refused
            .as_ref()
            .map_or(*id == self.view.campaign.list_id, |r| {
                r.typed.list_id == id.to_string()
            })
    }
}
