//! The one schema over both backends. Portable column types only (see STACK-NOTES).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        plan -> Text,
        period_anchor -> Timestamp,
        paid_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        email_confirmed_at -> Nullable<Timestamp>,
        scheduled_plan -> Nullable<Text>,
        scheduled_plan_at -> Nullable<Timestamp>,
        /// IANA zone name; the default zone of the user's campaign schedules.
        time_zone -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        client -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_confirmations (id) {
        id -> BigInt,
        user_id -> BigInt,
        email -> Text,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    form_submissions (id) {
        id -> BigInt,
        user_id -> BigInt,
        form -> Text,
        token_hash -> Text,
        created_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email -> Text,
        client_ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        leader_id -> BigInt,
        created_at -> Timestamp,
        /// A teammate's reply pauses every member's sequences to the same company domain.
        reply_pauses_company -> Bool,
        /// The sender never emails an address a teammate owns the conversation with.
        never_contact_teammates -> Bool,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        team_id -> BigInt,
        user_id -> BigInt,
        can_export -> Bool,
        records_scope -> Text,
        joined_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        credit_cap -> Nullable<Integer>,
        recipient_cap -> Nullable<Integer>,
        launch_needs_approval -> Bool,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        team_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        status -> Text,
        expires_at -> Timestamp,
        last_sent_at -> Timestamp,
        created_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
    }
}

diesel::table! {
    usage_ledger (id) {
        id -> BigInt,
        payer_id -> BigInt,
        user_id -> BigInt,
        team_id -> Nullable<BigInt>,
        kind -> Text,
        amount -> Integer,
        recipient_email -> Nullable<Text>,
        period_start -> Timestamp,
        created_at -> Timestamp,
        hold_message_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    team_activity (id) {
        id -> BigInt,
        team_id -> BigInt,
        actor_id -> BigInt,
        subject_email -> Text,
        action -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(email_confirmations -> users (user_id));
diesel::joinable!(form_submissions -> users (user_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> teams (team_id));
diesel::joinable!(invitations -> teams (team_id));
diesel::joinable!(teams -> users (leader_id));

diesel::table! {
    prospect_lists (id) {
        id -> BigInt,
        owner_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    prospects (id) {
        id -> BigInt,
        list_id -> BigInt,
        owner_id -> BigInt,
        email -> Text,
        first_name -> Text,
        last_name -> Text,
        company -> Text,
        position -> Text,
        verification -> Nullable<Text>,
        verification_detail -> Text,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        added_by -> BigInt,
        /// The prospect's IANA time zone name; empty: none.
        timezone -> Text,
    }
}

diesel::table! {
    custom_fields (id) {
        id -> BigInt,
        owner_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    prospect_field_values (id) {
        id -> BigInt,
        prospect_id -> BigInt,
        field_id -> BigInt,
        value -> Text,
    }
}

diesel::table! {
    imports (id) {
        id -> BigInt,
        list_id -> BigInt,
        owner_id -> BigInt,
        file_name -> Text,
        content -> Text,
        status -> Text,
        total_rows -> Integer,
        checked_rows -> Integer,
        imported -> Integer,
        duplicates -> Integer,
        mapping -> Text,
        report -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        teammates_contacting -> Integer,
    }
}

diesel::table! {
    /// Who owns a team's conversation with an address (`domain::campaigns::contacting`).
    conversations (id) {
        id -> BigInt,
        team_id -> BigInt,
        email -> Text,
        owner_id -> BigInt,
        last_at -> Timestamp,
    }
}

diesel::joinable!(prospects -> prospect_lists (list_id));
diesel::joinable!(prospect_field_values -> prospects (prospect_id));
diesel::joinable!(prospect_field_values -> custom_fields (field_id));
diesel::joinable!(imports -> prospect_lists (list_id));

diesel::table! {
    verification_runs (id) {
        id -> BigInt,
        list_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        total -> Integer,
        verified -> Integer,
        up_to_prospect_id -> BigInt,
        last_prospect_id -> BigInt,
        report -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(verification_runs -> prospect_lists (list_id));

diesel::table! {
    usage_alerts (id) {
        id -> BigInt,
        payer_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        period_start -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sender_accounts (id) {
        id -> BigInt,
        owner_id -> BigInt,
        email -> Text,
        display_name -> Text,
        smtp_host -> Text,
        smtp_port -> Integer,
        smtp_security -> Text,
        smtp_user -> Text,
        smtp_password -> Text,
        imap_host -> Text,
        imap_port -> Integer,
        imap_security -> Text,
        imap_user -> Text,
        imap_password -> Text,
        imap_last_uid -> BigInt,
        daily_limit -> Integer,
        created_at -> Timestamp,
        imap_failures -> Integer,
        imap_failure -> Nullable<Text>,
        imap_failed_at -> Nullable<Timestamp>,
        imap_retry_at -> Nullable<Timestamp>,
        dkim_selector -> Text,
        /// Why the SMTP server last refused the sender (a sentence); `None` when fine.
        smtp_refusal -> Nullable<Text>,
        smtp_refused_at -> Nullable<Timestamp>,
        /// The random pause between two emails of the account, in seconds (min..=max).
        pause_min_secs -> Integer,
        pause_max_secs -> Integer,
        /// The earliest instant (UTC) of the account's next email.
        next_send_at -> Nullable<Timestamp>,
        /// The owner's local date `sent_day_count` counts emails of.
        sent_day -> Nullable<Date>,
        sent_day_count -> Integer,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        owner_id -> BigInt,
        name -> Text,
        sender_id -> Nullable<BigInt>,
        list_id -> BigInt,
        status -> Text,
        status_reason -> Text,
        created_at -> Timestamp,
        launched_at -> Nullable<Timestamp>,
        /// After an auto-reply, the recipient's next step waits at least this many days.
        auto_reply_pause_days -> Integer,
        unsubscribe_line -> Text,
        /// Pause when this percentage of contacted recipients bounced; 0: never.
        bounce_limit_percent -> Integer,
        /// Sending days as a bit set: Monday 1, Tuesday 2, ... Sunday 64.
        send_days -> Integer,
        /// The sending window, minutes after local midnight: [start, end).
        window_start_minute -> Integer,
        window_end_minute -> Integer,
        /// IANA zone name of the schedule; empty: the owner's.
        time_zone -> Text,
        /// "Launch at": the instant (UTC) the first emails are due.
        scheduled_for -> Nullable<Timestamp>,
        /// Evaluate the window and count delays in the prospect's own zone when they have one.
        in_prospect_zone -> Bool,
    }
}

diesel::table! {
    campaign_steps (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        position -> Integer,
        subject -> Text,
        body -> Text,
        delay_days -> Integer,
        /// Starts a new email thread (own subject, no In-Reply-To); otherwise a step after
        /// the first replies to the previous email its recipient received.
        new_thread -> Bool,
    }
}

diesel::table! {
    campaign_recipients (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        prospect_id -> BigInt,
        email -> Text,
        next_step -> Integer,
        next_due_at -> Nullable<Timestamp>,
        status -> Text,
        created_at -> Timestamp,
        skip_reason -> Nullable<Text>,
        /// Why this recipient's sequence is paused (status `paused`).
        pause_reason -> Nullable<Text>,
    }
}

diesel::table! {
    campaign_messages (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        recipient_id -> BigInt,
        owner_id -> BigInt,
        sender_id -> BigInt,
        step_position -> Integer,
        recipient_email -> Text,
        message_id -> Text,
        tracking_token -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Text,
        claimed_at -> Timestamp,
        next_attempt_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        opened_at -> Nullable<Timestamp>,
        clicked_at -> Nullable<Timestamp>,
        replied_at -> Nullable<Timestamp>,
        /// When a reply digest listed this reply (`None`: not yet, or no reply).
        reply_digested_at -> Nullable<Timestamp>,
        /// When an auto-reply (RFC 3834) to this email was found; not a reply.
        auto_replied_at -> Nullable<Timestamp>,
        /// The subject the email went out with (its recipient's values filled in).
        subject -> Text,
    }
}

diesel::table! {
    /// When each campaign owner's last reply digest was sent.
    reply_digests (owner_id) {
        owner_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    message_links (id) {
        id -> BigInt,
        message_id -> BigInt,
        token -> Text,
        url -> Text,
    }
}

diesel::table! {
    /// The do-not-email list of a team (kept under its leader's id) or of a user with no team.
    do_not_email (id) {
        id -> BigInt,
        list_owner_id -> BigInt,
        /// The address or "@domain"; `None` once forgotten (only `digest` is kept).
        entry -> Nullable<Text>,
        /// SHA-256, hex, of the lower-cased entry.
        digest -> Text,
        kind -> Text,
        reason -> Text,
        added_by -> BigInt,
        campaign_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaign_approvals (campaign_id) {
        campaign_id -> BigInt,
        status -> Text,
        launch_at -> Nullable<Timestamp>,
        reason -> Text,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(campaign_steps -> campaigns (campaign_id));
diesel::joinable!(campaign_approvals -> campaigns (campaign_id));
diesel::joinable!(campaign_recipients -> campaigns (campaign_id));
diesel::joinable!(campaign_messages -> campaign_recipients (recipient_id));
diesel::joinable!(message_links -> campaign_messages (message_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    password_resets,
    login_failures,
    outbox,
    teams,
    memberships,
    invitations,
    usage_ledger,
    team_activity,
    conversations,
    prospect_lists,
    prospects,
    custom_fields,
    prospect_field_values,
    imports,
    verification_runs,
    sender_accounts,
    campaigns,
    campaign_steps,
    campaign_recipients,
    campaign_messages,
    message_links,
    usage_alerts,
    sessions,
    email_confirmations,
    form_submissions,
    reply_digests,
    do_not_email,
    campaign_approvals,
);
