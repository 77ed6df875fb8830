DELETE FROM campaign_recipients WHERE status = 'skipped';
ALTER TABLE campaign_recipients DROP COLUMN skip_reason;
UPDATE campaigns SET status = 'paused' WHERE status = 'archived' AND launched_at IS NOT NULL;
UPDATE campaigns SET status = 'draft' WHERE status = 'archived';
