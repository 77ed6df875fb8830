ALTER TABLE sender_accounts DROP COLUMN dkim_selector;
