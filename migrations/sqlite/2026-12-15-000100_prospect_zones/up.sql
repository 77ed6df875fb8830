-- Sending in the prospect's own time zone (issue 15 item 1). A prospect's IANA time zone
-- ('' = none), a standard field checked when saved or imported.
ALTER TABLE prospects ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
-- Per campaign: evaluate the window (days and hours) and count delays in the prospect's
-- zone when they have one; off keeps the campaign's zone for everyone.
ALTER TABLE campaigns ADD COLUMN in_prospect_zone BOOLEAN NOT NULL DEFAULT FALSE;
