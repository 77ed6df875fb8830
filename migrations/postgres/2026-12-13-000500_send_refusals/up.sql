-- A refusal of the *sender* at send time (login refused, policy 5.7.x, a refused MAIL FROM)
-- flags the sender account with the sentence shown to its owner, and pauses its campaigns
-- until the owner fixes the account (saving its settings clears the flag).
ALTER TABLE sender_accounts ADD COLUMN smtp_refusal TEXT;
ALTER TABLE sender_accounts ADD COLUMN smtp_refused_at TIMESTAMP;
-- A campaign pauses itself when this share of its contacted recipients bounced (after at
-- least 20); 0 turns the check off.
ALTER TABLE campaigns ADD COLUMN bounce_limit_percent INTEGER NOT NULL DEFAULT 5;
