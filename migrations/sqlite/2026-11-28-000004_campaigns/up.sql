-- Sender email accounts are private to the user who added them. Passwords are encrypted
-- (XChaCha20-Poly1305 under SECRET_KEY) and never stored in clear.
CREATE TABLE sender_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    smtp_host TEXT NOT NULL,
    smtp_port INTEGER NOT NULL,
    smtp_security TEXT NOT NULL,
    smtp_user TEXT NOT NULL,
    smtp_password TEXT NOT NULL,
    imap_host TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    imap_security TEXT NOT NULL,
    imap_user TEXT NOT NULL,
    imap_password TEXT NOT NULL,
    imap_last_uid BIGINT NOT NULL DEFAULT 0,
    daily_limit INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sender_accounts_owner ON sender_accounts (owner_id);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    sender_id BIGINT NOT NULL REFERENCES sender_accounts(id),
    list_id BIGINT NOT NULL REFERENCES prospect_lists(id),
    status TEXT NOT NULL DEFAULT 'draft',
    status_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    launched_at TIMESTAMP
);
CREATE INDEX campaigns_owner ON campaigns (owner_id);
CREATE INDEX campaigns_status ON campaigns (status);

CREATE TABLE campaign_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    delay_days INTEGER NOT NULL
);
CREATE UNIQUE INDEX campaign_steps_position ON campaign_steps (campaign_id, position);

-- One row per prospect of the campaign's list, made at launch.
CREATE TABLE campaign_recipients (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    prospect_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    next_step INTEGER NOT NULL DEFAULT 0,
    next_due_at TIMESTAMP,
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX campaign_recipients_once ON campaign_recipients (campaign_id, prospect_id);
CREATE INDEX campaign_recipients_due ON campaign_recipients (status, next_due_at);

-- Every email of a campaign. The row is written (claimed) before the SMTP call; the
-- unique (recipient, step) makes the claim, so no two workers send the same email.
CREATE TABLE campaign_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    recipient_id BIGINT NOT NULL REFERENCES campaign_recipients(id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    sender_id BIGINT NOT NULL,
    step_position INTEGER NOT NULL,
    recipient_email TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    tracking_token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    claimed_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP,
    sent_at TIMESTAMP,
    opened_at TIMESTAMP,
    clicked_at TIMESTAMP,
    replied_at TIMESTAMP
);
CREATE UNIQUE INDEX campaign_messages_once ON campaign_messages (recipient_id, step_position);
CREATE INDEX campaign_messages_campaign ON campaign_messages (campaign_id, status);
CREATE INDEX campaign_messages_owner_sent ON campaign_messages (owner_id, sent_at);
CREATE INDEX campaign_messages_sender_sent ON campaign_messages (sender_id, sent_at);

-- The links of an email, each behind its own unguessable token: only these URLs redirect.
CREATE TABLE message_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES campaign_messages(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL
);
