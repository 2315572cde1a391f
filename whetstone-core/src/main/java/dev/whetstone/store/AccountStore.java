package dev.whetstone.store;

import java.util.List;
import java.util.Optional;

/**
 * The accounts (Cognitive Services resources) this service knows, each in the subscription and resource group of its
 * first use, and which account owns each fine-tuning job (and so its fine-tuned model and checkpoints). A job with no
 * owner on record belongs to the service's default account (docs/deployments.md, "Accounts").
 */
public interface AccountStore {
    /** An account's home; {@code createdAt} epoch seconds. Names are unique across the service. */
    record Account(String name, String subscription, String resourceGroup, long createdAt) {}

    Optional<Account> find(String name);

    /** Stores a new account; false (nothing changed) when one of that name exists. */
    boolean insert(Account account);

    /** Every account, by name. */
    List<Account> all();

    /** Records the account that owns a job; written before the job itself, so a job never shows another owner. */
    void setJobOwner(String jobId, String account);

    /** The account that owns the job, when one was recorded. */
    Optional<String> jobOwner(String jobId);
}
