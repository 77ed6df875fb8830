ALTER TABLE campaigns DROP COLUMN unsubscribe_line;
