-- A prospect left out at launch is still recorded as a recipient, with status 'skipped' and
-- the reason (`SkipReason`: 'invalid', 'disposable', …), so the campaign page counts them and
-- the sender never claims them. Other recipients have none.
ALTER TABLE campaign_recipients ADD COLUMN skip_reason TEXT;
