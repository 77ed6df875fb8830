ALTER TABLE campaigns DROP COLUMN in_prospect_zone;
ALTER TABLE prospects DROP COLUMN timezone;
