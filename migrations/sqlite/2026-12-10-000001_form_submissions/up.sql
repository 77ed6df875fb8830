-- One-time form tokens: every creating form (a list, a campaign, a prospect, a sender
-- account, a step, an invitation, a CSV upload) carries a random token, and handling the
-- POST claims it here first. A second POST with the same token (a double click, a resent
-- form) finds the row and creates nothing; it is sent to what the first one created
-- (created_id, filled once the first POST is done). Only the SHA-256 of the token is stored.
CREATE TABLE form_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    form TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX form_submissions_token ON form_submissions (user_id, form, token_hash);
CREATE INDEX form_submissions_age ON form_submissions (created_at);
