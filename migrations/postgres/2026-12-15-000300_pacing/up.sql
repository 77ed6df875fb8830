-- Pacing per mailbox (issue 15 item 2). Each sender account waits a random pause of
-- pause_min_secs..=pause_max_secs seconds between two emails; next_send_at is the earliest
-- instant (UTC) of its next email, taken by the claim that sends one. sent_day is the
-- owner's local date the count belongs to and sent_day_count the emails claimed on it: the
-- account's daily limit, shared by every campaign using it, is checked against it by the
-- same statement.
ALTER TABLE sender_accounts ADD COLUMN pause_min_secs INTEGER NOT NULL DEFAULT 60;
ALTER TABLE sender_accounts ADD COLUMN pause_max_secs INTEGER NOT NULL DEFAULT 180;
ALTER TABLE sender_accounts ADD COLUMN next_send_at TIMESTAMP NULL;
ALTER TABLE sender_accounts ADD COLUMN sent_day DATE NULL;
ALTER TABLE sender_accounts ADD COLUMN sent_day_count INTEGER NOT NULL DEFAULT 0;
