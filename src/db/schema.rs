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
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        leader_id -> BigInt,
        created_at -> Timestamp,
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
    }
}

diesel::joinable!(prospects -> prospect_lists (list_id));
diesel::joinable!(prospect_field_values -> prospects (prospect_id));
diesel::joinable!(prospect_field_values -> custom_fields (field_id));
diesel::joinable!(imports -> prospect_lists (list_id));

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
    prospect_lists,
    prospects,
    custom_fields,
    prospect_field_values,
    imports,
);
