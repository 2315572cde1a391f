-- Reinforcement jobs' metrics beyond the documented seven (same dialect rules as V1); null in other jobs' rows.
-- SQLite adds one column per ALTER TABLE. (V6-V8 are other features' migrations.)

ALTER TABLE job_metrics ADD COLUMN train_reward_mean   DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN valid_reward_mean   DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN train_kl            DOUBLE PRECISION;
ALTER TABLE job_metrics ADD COLUMN train_answer_length DOUBLE PRECISION;
