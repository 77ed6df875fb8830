-- Follow-ups in the same thread (RFC 5322 §3.6.4): a step after the first goes out as a
-- reply to the previous email its recipient received, unless it is marked "new thread".
ALTER TABLE campaign_steps ADD COLUMN new_thread BOOLEAN NOT NULL DEFAULT FALSE;
-- The subject each email went out with (filled with its recipient's values), so that a
-- follow-up's "Re: " subject repeats the thread's subject as it was sent.
ALTER TABLE campaign_messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
