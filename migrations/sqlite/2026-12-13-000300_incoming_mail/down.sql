ALTER TABLE campaigns DROP COLUMN auto_reply_pause_days;
ALTER TABLE campaign_messages DROP COLUMN auto_replied_at;
