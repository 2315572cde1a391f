-- Accounts as namespaces (docs/deployments.md, "Accounts"): each account's home (the subscription and resource group
-- of its first use), listed by the Resource Manager GETs, and the account that owns each fine-tuning job (so its
-- fine-tuned model), checked by cross-account deploys (properties.model.source). A job without a row belongs to the
-- service's default account, which is what every job created before this migration did.
CREATE TABLE accounts (
    name            TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    resource_group  TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE job_accounts (
    job_id  TEXT PRIMARY KEY,
    account TEXT NOT NULL
);
