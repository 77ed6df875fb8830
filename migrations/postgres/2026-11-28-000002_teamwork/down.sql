DROP TABLE team_activity;
DROP TABLE usage_ledger;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE teams;
