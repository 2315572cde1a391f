-- DPO jobs' metrics beyond the documented seven (same dialect rules as V1); null in supervised jobs' rows.
-- SQLite adds one column per ALTER TABLE.

ALTER TABLE job_metrics ADD COLUMN train_reward_accuracy DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN train_reward_margin   DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN valid_reward_accuracy DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN valid_reward_margin   DOUBLE PRECISION;
