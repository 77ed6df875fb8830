-- Record transfer (README, "Record transfer").
-- prospects.added_by: who added the prospect, for Team statistics' "prospects added";
-- owner_id is who owns it now and moves with a record transfer, added_by never does.
-- campaigns.sender_id becomes optional: a campaign moved to another owner has no sender
-- until the new owner chooses one of theirs (the former owner's account is private and
-- free to delete). SQLite cannot drop NOT NULL in place, so `campaigns` is rebuilt the
-- way SQLite documents (foreign keys off, new table, copy, drop, rename, indexes).
PRAGMA foreign_keys = OFF;
BEGIN;

ALTER TABLE prospects ADD COLUMN added_by BIGINT NOT NULL DEFAULT 0;
UPDATE prospects SET added_by = owner_id;
CREATE INDEX prospects_added_by_created ON prospects (added_by, created_at);

CREATE TABLE campaigns_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    sender_id BIGINT REFERENCES sender_accounts(id),
    list_id BIGINT NOT NULL REFERENCES prospect_lists(id),
    status TEXT NOT NULL DEFAULT 'draft',
    status_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    launched_at TIMESTAMP
);
INSERT INTO campaigns_new (id, owner_id, name, sender_id, list_id, status, status_reason, created_at, launched_at)
    SELECT id, owner_id, name, sender_id, list_id, status, status_reason, created_at, launched_at FROM campaigns;
-- Ids of deleted campaigns are not handed out again.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'campaigns_new', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'campaigns_new');
UPDATE sqlite_sequence
    SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'campaigns'), 0))
    WHERE name = 'campaigns_new';
DROP TABLE campaigns;
ALTER TABLE campaigns_new RENAME TO campaigns;
CREATE INDEX campaigns_owner ON campaigns (owner_id);
CREATE INDEX campaigns_status ON campaigns (status);

-- Campaigns moved before this change still name their former owner's account: cleared.
UPDATE campaigns SET sender_id = NULL
    WHERE sender_id IN (SELECT s.id FROM sender_accounts s WHERE s.owner_id <> campaigns.owner_id);

COMMIT;
PRAGMA foreign_keys = ON;
