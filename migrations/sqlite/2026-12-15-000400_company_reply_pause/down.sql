ALTER TABLE campaign_recipients DROP COLUMN pause_reason;
ALTER TABLE teams DROP COLUMN reply_pauses_company;
