ALTER TABLE campaign_messages DROP COLUMN subject;
ALTER TABLE campaign_steps DROP COLUMN new_thread;
