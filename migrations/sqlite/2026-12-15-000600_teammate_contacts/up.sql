-- One owner of a conversation (issue 16 item 1). The team setting "Never contact a
-- prospect a teammate is already contacting" (off by default: launches then skip such
-- prospects by default, and may include them).
ALTER TABLE teams ADD COLUMN never_contact_teammates BOOLEAN NOT NULL DEFAULT 0;
-- How many rows of an import a teammate was already contacting (its report says so).
ALTER TABLE imports ADD COLUMN teammates_contacting INTEGER NOT NULL DEFAULT 0;
-- Who owns the team's conversation with an address (lower case) while the setting is on:
-- taken by the first claim of an email to it, kept while its owner emails it (last_at,
-- UTC), free again 90 days after their last email. The unique index decides between two
-- members' claims.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    email TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    last_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX conversations_once ON conversations (team_id, email);
-- Whether a teammate is contacting an address is asked by address.
CREATE INDEX campaign_recipients_email ON campaign_recipients (email);
CREATE INDEX campaign_messages_recipient_sent ON campaign_messages (recipient_email, sent_at);
