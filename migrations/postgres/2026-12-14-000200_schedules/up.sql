-- Sending schedules (issue 15 items 1 and 4). The owner's IANA time zone (account page).
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
-- Per campaign: days of the week as a bit set (Monday = 1, Tuesday = 2, ... Sunday = 64),
-- a window of minutes after local midnight [start, end), and an IANA zone ('' = the
-- owner's). Existing campaigns keep sending at any hour (every day, 0 to 1440); new ones
-- get DEFAULT_SENDING_WINDOW (Mon-Fri 09:00-17:00) when created.
ALTER TABLE campaigns ADD COLUMN send_days INTEGER NOT NULL DEFAULT 127;
ALTER TABLE campaigns ADD COLUMN window_start_minute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN window_end_minute INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE campaigns ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
-- A launch at a chosen instant (UTC): the first emails are due then.
ALTER TABLE campaigns ADD COLUMN scheduled_for TIMESTAMP NULL;
