//! What the base layout shows on every page (user name, CSRF token, flash message, banners),
//! as plain data: the error pages build it bare, `extract` builds it from the request.

use serde::{Deserialize, Serialize};

use crate::domain::team;

#[derive(Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Debug)]
pub enum FlashKind {
    Success,
    Error,
}

#[derive(Clone, Serialize, Deserialize, Debug)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn css_class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash success",
            FlashKind::Error => "flash error",
        }
    }
}

/// What the base layout needs on every page.
pub struct PageContext {
    pub user_name: Option<String>,
    pub csrf_token: String,
    /// A fresh one-time token for the page's creating forms (`domain::submissions`).
    pub form_token: String,
    pub flash: Option<Flash>,
    pub dev_mailbox: bool,
    pub lock_notice: Option<team::LockNotice>,
    pub usage_notices: Vec<String>,
    /// The navigation's current page, marked `aria-current="page"` in the header.
    pub section: Option<Section>,
}

/// A page of the navigation: the product pages (Prospects, Email Drip Campaigns, Sender
/// accounts) and the account pages (My Team, Billing, Account, Dev mailbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Prospects,
    Campaigns,
    Senders,
    Team,
    Billing,
    Account,
    DevMailbox,
}

impl Section {
    /// The section a request path belongs to: its pages and the pages reached from them
    /// (an import belongs to Prospects, Team statistics to My Team); `None` elsewhere.
    pub fn of(path: &str) -> Option<Section> {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        [
            ("/prospects", Section::Prospects),
            ("/imports", Section::Prospects),
            ("/campaigns", Section::Campaigns),
            ("/senders", Section::Senders),
            ("/account/team", Section::Team),
            ("/account/billing", Section::Billing),
            ("/account", Section::Account),
            ("/dev/mailbox", Section::DevMailbox),
        ]
        .into_iter()
        .find(|(prefix, _)| under(prefix))
        .map(|(_, section)| section)
    }

    /// The navigation link of the section.
    pub fn href(self) -> &'static str {
        match self {
            Section::Prospects => "/prospects",
            Section::Campaigns => "/campaigns",
            Section::Senders => "/senders",
            Section::Team => "/account/team",
            Section::Billing => "/account/billing",
            Section::Account => "/account",
            Section::DevMailbox => "/dev/mailbox",
        }
    }
}

impl PageContext {
    /// For error pages, which know nothing of the request.
    pub fn bare() -> Self {
        PageContext {
            user_name: None,
            csrf_token: String::new(),
            form_token: String::new(),
            flash: None,
            dev_mailbox: false,
            lock_notice: None,
            usage_notices: Vec::new(),
            section: None,
        }
    }

    /// Whether the navigation link `href` is the current page's section.
    pub fn current(&self, href: &str) -> bool {
        self.section.is_some_and(|s| s.href() == href)
    }
}
