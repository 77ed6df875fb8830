-- The DKIM selector the owner gave for a sender account ("Test connection" looks up
-- `<selector>._domainkey.<domain>`); empty when none was given.
ALTER TABLE sender_accounts ADD COLUMN dkim_selector TEXT NOT NULL DEFAULT '';
