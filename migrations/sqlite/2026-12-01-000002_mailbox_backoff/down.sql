ALTER TABLE sender_accounts DROP COLUMN imap_retry_at;
ALTER TABLE sender_accounts DROP COLUMN imap_failed_at;
ALTER TABLE sender_accounts DROP COLUMN imap_failure;
ALTER TABLE sender_accounts DROP COLUMN imap_failures;
