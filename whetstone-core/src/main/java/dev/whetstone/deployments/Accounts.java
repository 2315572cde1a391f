package dev.whetstone.deployments;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.store.AccountStore;
import dev.whetstone.store.AccountStore.Account;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Accounts as namespaces (docs/deployments.md, "Accounts"): an account is created by its first use under its ARM
 * path, in that path's subscription and resource group (its home, which the Resource Manager listings show); the
 * default account, which owns what credentials of no particular account create, is registered at start-up. Also
 * which account owns a fine-tuned model (the account of its job), and the check of a cross-account deploy
 * ({@code properties.model.source}).
 */
public final class Accounts {
    /** The resource group the default account is registered in (the Azure CLI default of {@code whetstone deployments}). */
    public static final String DEFAULT_RESOURCE_GROUP = "whetstone";
    static final String TYPE = "Microsoft.CognitiveServices/accounts";

    private final AccountStore store;
    private final AccountNames names;
    private final String defaultAccount;
    private final Clock clock;

    /**
     * @param defaultAccount the account of data-plane requests whose credential names none (docs/deployments.md)
     * @param subscription   the default account's subscription
     */
    public Accounts(AccountStore store, AccountNames names, String defaultAccount, String subscription, Clock clock) {
        this.store = store;
        this.names = names;
        this.clock = clock;
        try {
            this.defaultAccount = names.require(defaultAccount);
        } catch (ApiException e) {
            throw new IllegalArgumentException("the default account: " + e.getMessage(), e);
        }
        use(subscription, DEFAULT_RESOURCE_GROUP, defaultAccount);
    }

    public String defaultAccount() { return defaultAccount; }

    /** The account, created in this subscription and resource group on its first use; its stored home otherwise. */
    public Account use(String subscription, String resourceGroup, String name) {
        names.require(name);
        Optional<Account> found = store.find(name);
        if (found.isPresent()) return found.get();
        store.insert(new Account(name, subscription, resourceGroup, clock.instant().getEpochSecond()));
        return store.find(name).orElseThrow(); // another request may have created it first: its home counts
    }

    /**
     * {@link #use} for a name that {@link AccountNames} accepts; other names are left to the handler, which answers
     * them with its own error.
     */
    public void useIfValid(String subscription, String resourceGroup, String name) {
        if (names.allows(name)) use(subscription, resourceGroup, name);
    }

    public Optional<Account> find(String name) { return store.find(name); }

    /** Every account, by name. */
    public List<Account> all() { return store.all(); }

    /** The account's ARM id. */
    public static String armId(Account a) {
        return "/subscriptions/" + a.subscription() + "/resourceGroups/" + a.resourceGroup() + "/providers/" + TYPE
                + "/" + a.name();
    }

    /** Records who owns a new job, before the job is stored; the default account's jobs need no row. */
    public void recordJobOwner(String jobId, String account) {
        if (!account.equals(defaultAccount)) store.setJobOwner(jobId, account);
    }

    /** The account owning the job (and its fine-tuned model and checkpoints). */
    public String jobOwner(String jobId) { return store.jobOwner(jobId).orElse(defaultAccount); }

    /**
     * Whether {@code account} deploys the job's model without naming a source: the job is the account's own, or the
     * default account's (which every account deploys, as before accounts were namespaces).
     */
    public boolean ownsOrShares(String account, String jobId) {
        String owner = jobOwner(jobId);
        return owner.equals(account) || owner.equals(defaultAccount);
    }

    /**
     * Whether {@code target} may deploy the model. A base model belongs to every account. A fine-tuned model (or
     * checkpoint) belongs to its job's account: without {@code source} it deploys to that account, and — as before
     * accounts were namespaces — a model of the default account deploys to any; with {@code source} the caller must
     * reach the source account (403 AuthorizationFailed, checked first, as ARM does), the account must exist at that
     * ARM id (404 ResourceNotFound), and it must own the model (400).
     *
     * @param ownerJob the job the model comes from; empty for a base model
     */
    void requireDeployable(String target, Deployment.ModelRef model, Optional<String> ownerJob, AccountScope caller) {
        String owner = ownerJob.map(this::jobOwner).orElse(null);
        if (model.source() == null) {
            if (ownerJob.isEmpty() || ownsOrShares(target, ownerJob.get())) return;
            String where = caller.mayRead(owner) ? " ('" + store.find(owner).map(Accounts::armId).orElse(owner) + "')" : "";
            throw ApiException.invalid("properties.model.source", "The model '" + model.name() + "' belongs to "
                    + "another account than '" + target + "'" + (where.isEmpty() ? "" : ", '" + owner + "'")
                    + ": name that account's ARM id" + where + " in properties.model.source to deploy it here.");
        }
        RequestChecks.SourceId src = RequestChecks.source(model.source());
        if (!caller.mayRead(src.account())) {
            throw new ApiException(ErrorCode.AUTHORIZATION_FAILED, "The client does not have authorization to perform "
                    + "action 'Microsoft.CognitiveServices/accounts/read' over scope '" + model.source() + "' or the "
                    + "scope is invalid. If access was recently granted, please refresh your credentials.",
                    "properties.model.source");
        }
        Optional<Account> account = store.find(src.account()).filter(a -> a.subscription().equalsIgnoreCase(src.subscription())
                && a.resourceGroup().equalsIgnoreCase(src.resourceGroup()));
        if (account.isEmpty()) {
            throw new ApiException(ErrorCode.RESOURCE_NOT_FOUND, "The Resource '" + TYPE + "/" + src.account()
                    + "' under resource group '" + src.resourceGroup() + "' was not found. For more details please go "
                    + "to https://aka.ms/ARMResourceNotFoundFix", "properties.model.source");
        }
        if (owner != null && !owner.equals(src.account())) {
            throw ApiException.invalid("properties.model.source", "The model '" + model.name() + "' does not belong to "
                    + "the source account '" + model.source() + "': a fine-tuned model belongs to the account whose "
                    + "key or endpoint created its job.");
        }
    }
}
