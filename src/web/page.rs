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
        }
    }
}
