-- The do-not-email list (suppression list): one per team, kept under the team leader's
-- user id (a user with no team keeps their own). An entry is an address or a whole domain
-- ('@competitor.example'); `digest` is the SHA-256 (hex) of the lower-cased entry, so a
-- forgotten prospect's entry keeps only its digest (`entry` NULL) and the sender still
-- finds it. `reason`: manual, unsubscribed, bounced, complained, forgotten. `added_by` is
-- who added it, or whose campaign produced it (an unsubscribe, a bounce).
CREATE TABLE do_not_email (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    list_owner_id BIGINT NOT NULL REFERENCES users(id),
    entry TEXT,
    digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    added_by BIGINT NOT NULL REFERENCES users(id),
    campaign_id BIGINT REFERENCES campaigns(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX do_not_email_per_list ON do_not_email (list_owner_id, digest);
