-- What the job, checkpoint and event stores need beyond the foundation schema (same dialect rules as V1).

ALTER TABLE jobs ADD COLUMN resolved_hyperparameters TEXT; -- JSON object; null until the worker resolved "auto"

-- Files cannot be deleted while a non-terminal job uses them: that check runs on every file delete.
CREATE INDEX jobs_by_training_file ON jobs (training_file);
CREATE INDEX jobs_by_validation_file ON jobs (validation_file);

-- Checkpoints are also addressed by their deployable name (<model>:ckpt-step-<N>).
CREATE INDEX checkpoints_by_name ON checkpoints (fine_tuned_model_checkpoint);
