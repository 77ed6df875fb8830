-- The reply poller's record of each sender account's IMAP checks: consecutive failures,
-- the last failure's kind (domain::outbound::FailureKind code) and time, and when the
-- mailbox is next read (a failing mailbox waits, doubling up to an hour).
ALTER TABLE sender_accounts ADD COLUMN imap_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sender_accounts ADD COLUMN imap_failure TEXT;
ALTER TABLE sender_accounts ADD COLUMN imap_failed_at TIMESTAMP;
ALTER TABLE sender_accounts ADD COLUMN imap_retry_at TIMESTAMP;
