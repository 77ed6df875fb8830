-- An auto-reply (RFC 3834: Auto-Submitted, X-Autoreply, an out-of-office subject, …) to a
-- campaign email is recorded apart from a reply: it does not stop the sequence and is not
-- counted in the reply rate.
ALTER TABLE campaign_messages ADD COLUMN auto_replied_at TIMESTAMP;
-- A campaign setting: after an auto-reply, the recipient's next step waits at least this
-- many days (0: sent as scheduled).
ALTER TABLE campaigns ADD COLUMN auto_reply_pause_days INTEGER NOT NULL DEFAULT 0;
