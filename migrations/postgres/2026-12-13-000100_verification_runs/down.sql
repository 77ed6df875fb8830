DROP TABLE verification_runs;
