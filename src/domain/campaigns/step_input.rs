//! A campaign step as typed on the step forms (subject, body, delay, "Start a new thread"),
//! checked before `editor` saves it.

use crate::domain::{DomainResult, invalid};
use crate::mail::header_text;

/// A step as typed: subject (empty for a follow-up that replies in the thread, see
/// `threading`), body, the delay after the previous step and whether it starts a new thread.
pub struct StepInput {
    pub subject: String,
    pub body: String,
    pub delay_days: i32,
    pub new_thread: bool,
}

impl StepInput {
    /// Checks a step as typed. Refuses (`DomainError::Invalid`) an over-long subject, an
    /// empty one on a "new thread" step (a reply step may leave it empty: its `Re:`
    /// subject is used; the first step's is checked by `add_step` / `update_step`), an
    /// empty or over-long body, a subject with a line break or another control character
    /// (it becomes the Subject header), and a delay outside 0 to 365 days.
    pub fn parse(
        subject: &str,
        body: &str,
        delay_days: &str,
        new_thread: bool,
    ) -> DomainResult<Self> {
        let subject = subject.trim();
        if subject.chars().count() > 200 {
            return invalid("Give the step a subject (1 to 200 characters).");
        }
        if subject.is_empty() && new_thread {
            return invalid("A step that starts a new thread needs its own subject.");
        }
        header_text::check(subject, "The subject")?;
        if body.trim().is_empty() || body.chars().count() > 20_000 {
            return invalid("Write the step's email (up to 20,000 characters).");
        }
        let delay_days = match delay_days.trim().parse::<i32>() {
            Ok(d) if (0..=365).contains(&d) => d,
            _ => return invalid("The delay must be a number of days from 0 to 365."),
        };
        Ok(StepInput {
            subject: subject.to_string(),
            body: body.replace("\r\n", "\n"),
            delay_days,
            new_thread,
        })
    }
}

/// The first step opens every thread: it needs a subject.
pub(super) fn first_step_subject(first: bool, step: &StepInput) -> DomainResult<()> {
    if first && step.subject.is_empty() {
        return invalid("Give the first step a subject (1 to 200 characters).");
    }
    Ok(())
}
