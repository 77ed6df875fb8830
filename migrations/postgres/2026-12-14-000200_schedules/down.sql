ALTER TABLE campaigns DROP COLUMN scheduled_for;
ALTER TABLE campaigns DROP COLUMN time_zone;
ALTER TABLE campaigns DROP COLUMN window_end_minute;
ALTER TABLE campaigns DROP COLUMN window_start_minute;
ALTER TABLE campaigns DROP COLUMN send_days;
ALTER TABLE users DROP COLUMN time_zone;
