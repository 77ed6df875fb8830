-- A reply pauses the team's sequences to that company (issue 16 item 2). The team setting,
-- on by default; and why a recipient's sequence is paused (status 'paused'), shown on the
-- campaign page until its owner resumes it.
ALTER TABLE teams ADD COLUMN reply_pauses_company BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE campaign_recipients ADD COLUMN pause_reason TEXT NULL;
