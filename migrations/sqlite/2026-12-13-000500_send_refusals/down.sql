ALTER TABLE campaigns DROP COLUMN bounce_limit_percent;
ALTER TABLE sender_accounts DROP COLUMN smtp_refused_at;
ALTER TABLE sender_accounts DROP COLUMN smtp_refusal;
