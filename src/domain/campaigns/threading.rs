//! Follow-ups in the same thread (README, "Threading and test emails"): which thread a
//! campaign email belongs to, as headers (RFC 5322 §3.6.4) and a subject.
//!
//! The rule: the first step, and a step marked "new thread", open a thread with their own
//! subject. Any other step goes out as a reply to the previous email the recipient
//! received in the current thread: `In-Reply-To` is that email's Message-ID, `References`
//! the Message-IDs of the thread's emails so far, oldest first, and the subject is `Re: `
//! followed by the subject the thread's opening email was sent with (one `Re: ` only). Only
//! emails sent from the same sender account count: after a record transfer the new owner's
//! mailbox starts a new thread (its replies could not be read in the old one).

/// One email the recipient already received, in step order.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    /// Its Message-ID without angle brackets (`campaign_messages.message_id`).
    pub message_id: &'a str,
    /// The subject it was sent with.
    pub subject: &'a str,
    /// Whether its step opened a thread (the first step, or a "new thread" step).
    pub opened_thread: bool,
    /// Whether it went out from the sender account this email goes out from.
    pub same_sender: bool,
}

/// The threading headers and subject of one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub subject: String,
    /// `In-Reply-To` value with angle brackets, `None` for an email opening a thread.
    pub in_reply_to: Option<String>,
    /// `References` values with angle brackets, oldest first; empty when opening a thread.
    pub references: Vec<String>,
}

/// The thread of an email of a step (`own_subject`: the step's subject filled with the
/// recipient's values, maybe empty for a reply step; `opens_thread`: the first step or one
/// marked "new thread"), after the `earlier` emails the recipient received in step order.
/// `fallback_subject` (the first step's subject, filled) is used when a reply step with an
/// empty subject has no thread to reply to.
pub fn for_step(
    own_subject: &str,
    opens_thread: bool,
    fallback_subject: &str,
    earlier: &[Received],
) -> Thread {
    let opening = |subject: &str| Thread {
        subject: subject.to_string(),
        in_reply_to: None,
        references: Vec::new(),
    };
    let own = if own_subject.trim().is_empty() {
        fallback_subject
    } else {
        own_subject
    };
    if opens_thread {
        return opening(own);
    }
    // The current thread: from the last email that opened one (same sender only).
    let Some(start) = earlier
        .iter()
        .rposition(|e| e.opened_thread)
        .filter(|&i| earlier[i..].iter().all(|e| e.same_sender))
    else {
        return opening(own);
    };
    let thread = &earlier[start..];
    // An email sent before subjects were stored has none: the first step's stands in.
    let opened_with = match thread[0].subject {
        "" => fallback_subject,
        subject => subject,
    };
    Thread {
        subject: reply_subject(opened_with),
        in_reply_to: thread.last().map(|e| bracketed(e.message_id)),
        references: thread.iter().map(|e| bracketed(e.message_id)).collect(),
    }
}

/// `Re: ` + `subject`, never `Re: Re:` (a subject already starting with "Re:" in any case
/// is kept as it is).
pub fn reply_subject(subject: &str) -> String {
    let trimmed = subject.trim_start();
    if trimmed
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("re:"))
    {
        trimmed.to_string()
    } else {
        format!("Re: {trimmed}")
    }
}

fn bracketed(id: &str) -> String {
    format!("<{}>", id.trim_matches(['<', '>']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got<'a>(id: &'a str, subject: &'a str, opened: bool) -> Received<'a> {
        Received {
            message_id: id,
            subject,
            opened_thread: opened,
            same_sender: true,
        }
    }

    #[test]
    fn the_first_step_opens_a_thread_with_its_own_subject() {
        let thread = for_step("Hello Ada", true, "Hello Ada", &[]);
        assert_eq!(thread.subject, "Hello Ada");
        assert_eq!(thread.in_reply_to, None);
        assert!(thread.references.is_empty());
    }

    #[test]
    fn step_two_replies_to_step_one() {
        let earlier = [got("a@x", "Hello Ada", true)];
        let thread = for_step("", false, "Hello Ada", &earlier);
        assert_eq!(thread.subject, "Re: Hello Ada");
        assert_eq!(thread.in_reply_to.as_deref(), Some("<a@x>"));
        assert_eq!(thread.references, vec!["<a@x>"]);
    }

    #[test]
    fn step_three_references_the_whole_chain_and_replies_to_the_last() {
        let earlier = [got("a@x", "Hello", true), got("b@x", "Re: Hello", false)];
        let thread = for_step("Ignored", false, "Hello", &earlier);
        assert_eq!(thread.subject, "Re: Hello");
        assert_eq!(thread.in_reply_to.as_deref(), Some("<b@x>"));
        assert_eq!(thread.references, vec!["<a@x>", "<b@x>"]);
    }

    #[test]
    fn a_new_thread_step_uses_its_own_subject_and_later_replies_follow_it() {
        let earlier = [got("a@x", "Hello", true)];
        let new = for_step("Another idea", true, "Hello", &earlier);
        assert_eq!(new.subject, "Another idea");
        assert_eq!(new.in_reply_to, None);
        let earlier = [got("a@x", "Hello", true), got("c@x", "Another idea", true)];
        let after = for_step("", false, "Hello", &earlier);
        assert_eq!(after.subject, "Re: Another idea");
        assert_eq!(after.references, vec!["<c@x>"]);
    }

    #[test]
    fn never_re_re() {
        assert_eq!(reply_subject("RE: Hello"), "RE: Hello");
        assert_eq!(reply_subject("Hello"), "Re: Hello");
        assert_eq!(reply_subject("Reunion"), "Re: Reunion");
    }

    #[test]
    fn another_sender_account_starts_a_new_thread() {
        let mut first = got("a@x", "Hello", true);
        first.same_sender = false;
        let thread = for_step("", false, "Hello", &[first]);
        assert_eq!(thread.subject, "Hello");
        assert_eq!(thread.in_reply_to, None);
    }

    #[test]
    fn nothing_received_yet_opens_a_thread() {
        let thread = for_step("Step two", false, "Hello", &[]);
        assert_eq!(thread.subject, "Step two");
        assert_eq!(thread.in_reply_to, None);
    }
}
