ALTER TABLE sender_accounts DROP COLUMN sent_day_count;
ALTER TABLE sender_accounts DROP COLUMN sent_day;
ALTER TABLE sender_accounts DROP COLUMN next_send_at;
ALTER TABLE sender_accounts DROP COLUMN pause_max_secs;
ALTER TABLE sender_accounts DROP COLUMN pause_min_secs;
