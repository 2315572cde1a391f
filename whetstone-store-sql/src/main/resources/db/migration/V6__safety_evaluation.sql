-- A job's safety phases and a fine-tuned model's evaluation (docs/safety.md). Same dialect rules as V1.
-- JSON text (SafetyEvaluation, SafetyCheck); null: no phase reached yet / a model made before models were evaluated.

ALTER TABLE jobs ADD COLUMN safety_evaluation TEXT;
ALTER TABLE models ADD COLUMN evaluation TEXT;
