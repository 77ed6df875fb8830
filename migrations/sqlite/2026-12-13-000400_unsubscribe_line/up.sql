-- The visible unsubscribe line of every email of a campaign (issue 14 item 1). It must hold
-- {{unsubscribe_url}}, replaced by the message's https://BASE/u/TOKEN link.
ALTER TABLE campaigns ADD COLUMN unsubscribe_line TEXT NOT NULL
    DEFAULT 'If you''d rather not hear from me again, unsubscribe here: {{unsubscribe_url}}';
