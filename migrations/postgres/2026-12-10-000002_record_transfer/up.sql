-- Record transfer (README, "Record transfer").
-- prospects.added_by: who added the prospect, for Team statistics' "prospects added";
-- owner_id is who owns it now and moves with a record transfer, added_by never does.
-- campaigns.sender_id becomes optional: a campaign moved to another owner has no sender
-- until the new owner chooses one of theirs (the former owner's account is private and
-- free to delete).
ALTER TABLE prospects ADD COLUMN added_by BIGINT NOT NULL DEFAULT 0;
UPDATE prospects SET added_by = owner_id;
CREATE INDEX prospects_added_by_created ON prospects (added_by, created_at);

ALTER TABLE campaigns ALTER COLUMN sender_id DROP NOT NULL;
-- Campaigns moved before this change still name their former owner's account: cleared.
UPDATE campaigns SET sender_id = NULL
    WHERE sender_id IN (SELECT s.id FROM sender_accounts s WHERE s.owner_id <> campaigns.owner_id);
