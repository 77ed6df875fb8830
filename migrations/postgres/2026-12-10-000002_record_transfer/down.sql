-- Refused (NOT NULL) while a campaign has no sender account: choose one first.
ALTER TABLE campaigns ALTER COLUMN sender_id SET NOT NULL;
DROP INDEX prospects_added_by_created;
ALTER TABLE prospects DROP COLUMN added_by;
