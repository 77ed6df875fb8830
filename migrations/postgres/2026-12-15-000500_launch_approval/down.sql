DROP TABLE campaign_approvals;
ALTER TABLE memberships DROP COLUMN launch_needs_approval;
