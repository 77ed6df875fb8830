-- Refused (NOT NULL) while a campaign has no sender account: choose one first.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE campaigns_old (
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
INSERT INTO campaigns_old (id, owner_id, name, sender_id, list_id, status, status_reason, created_at, launched_at)
    SELECT id, owner_id, name, sender_id, list_id, status, status_reason, created_at, launched_at FROM campaigns;
DROP TABLE campaigns;
ALTER TABLE campaigns_old RENAME TO campaigns;
CREATE INDEX campaigns_owner ON campaigns (owner_id);
CREATE INDEX campaigns_status ON campaigns (status);

DROP INDEX prospects_added_by_created;
ALTER TABLE prospects DROP COLUMN added_by;

COMMIT;
PRAGMA foreign_keys = ON;
