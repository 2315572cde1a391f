package dev.whetstone.safety;

import dev.whetstone.Ids;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.store.SafetyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Content filtering policies, blocklists and items of an account (docs/safety.md), and the compiled
 * {@link ContentFilter} the inference API applies for a deployment's policy. Every PUT is checked whole before
 * anything is stored, so a refused request leaves nothing behind.
 */
public final class SafetyService {
    /** Compiled filters kept; a policy or blocklist change makes a new key, old ones age out by this bound. */
    private static final int MAX_COMPILED = 256;

    private final SafetyStore store;
    private final AccountNames accounts;
    private final BiFunction<String, String, Optional<String>> policyUsers;
    private final SafetySettings settings;
    private final DeploymentLookup deployments;
    private final Clock clock;
    private final LexiconClassifier lexicon = LexiconClassifier.builtIn();
    private final Map<String, ContentFilter> compiled = new ConcurrentHashMap<>();

    /**
     * @param policyUsers (account, policy name) → a deployment using it, described for a 409 message
     * @param deployments where guard deployments are found
     */
    public SafetyService(SafetyStore store, AccountNames accounts, BiFunction<String, String, Optional<String>> policyUsers,
                         SafetySettings settings, DeploymentLookup deployments, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.policyUsers = policyUsers;
        this.settings = settings;
        this.deployments = deployments;
        this.clock = clock;
    }

    public SafetySettings settings() { return settings; }

    // ---- policies

    public record Put<T>(T value, boolean created) {}

    public Put<RaiPolicy> putPolicy(PolicyRequest request) {
        String account = accounts.require(request.account());
        String name = PolicyChecks.name(request.name(), "raiPolicyName", "RAI policy");
        if (RaiPolicy.BUILT_IN.stream().anyMatch(b -> b.equalsIgnoreCase(name))) {
            throw ApiException.invalid("raiPolicyName", "'" + name + "' is a built-in policy and cannot be changed; "
                    + "create a policy of your own with \"basePolicyName\": \"" + RaiPolicy.DEFAULT + "\".");
        }
        List<RaiPolicy.Filter> filters = PolicyChecks.filters(request.filters());
        List<RaiPolicy.BlocklistRef> lists = PolicyChecks.blocklists(request.blocklists());
        for (int i = 0; i < lists.size(); i++) {
            String list = lists.get(i).blocklistName();
            if (store.blocklist(account, list).isEmpty()) {
                throw new ApiException(ErrorCode.INVALID_PAYLOAD, "Blocklist '" + list + "' does not exist in account '"
                        + account + "'; create it (PUT …/raiBlocklists/" + list + ") before a policy names it.",
                        "properties.customBlocklists[" + i + "].blocklistName");
            }
        }
        long now = clock.instant().getEpochSecond();
        Optional<RaiPolicy> old = store.policy(account, name);
        RaiPolicy policy = new RaiPolicy(account, name, PolicyChecks.mode(request.mode()),
                PolicyChecks.basePolicy(request.basePolicyName()), filters, lists,
                PolicyChecks.classifiers(request.classifiers()), old.map(RaiPolicy::createdAt).orElse(now), now, etag());
        store.putPolicy(policy);
        return new Put<>(policy, old.isEmpty());
    }

    public RaiPolicy policy(String account, String name) {
        accounts.require(account);
        return findPolicy(account, name).orElseThrow(() -> notFound("RAI policy", name, account));
    }

    /** The built-in policies first, then the account's own. */
    public List<RaiPolicy> policies(String account) {
        accounts.require(account);
        List<RaiPolicy> all = new ArrayList<>();
        RaiPolicy.BUILT_IN.forEach(b -> all.add(RaiPolicy.builtIn(account, b)));
        all.addAll(store.policies(account));
        return all;
    }

    public boolean deletePolicy(String account, String name) {
        accounts.require(account);
        if (RaiPolicy.BUILT_IN.contains(name)) {
            throw ApiException.invalid("raiPolicyName", "'" + name + "' is a built-in policy and cannot be deleted.");
        }
        if (store.policy(account, name).isEmpty()) return false;
        policyUsers.apply(account, name).ifPresent(user -> {
            throw ApiException.conflict("RAI policy '" + name + "' is used by " + user + "; point that deployment at "
                    + "another policy (properties.raiPolicyName) before deleting it.");
        });
        return store.deletePolicy(account, name);
    }

    /** For deployments: 400 naming {@code properties.raiPolicyName} when the account has no such policy. */
    public void requirePolicy(String account, String name) {
        if (name != null && findPolicy(account, name).isEmpty()) {
            throw ApiException.invalid("properties.raiPolicyName", "RAI policy '" + name + "' does not exist in account '"
                    + account + "'; create it (PUT …/raiPolicies/" + name + ") or use " + RaiPolicy.DEFAULT + ".");
        }
    }

    private Optional<RaiPolicy> findPolicy(String account, String name) {
        Optional<String> builtIn = RaiPolicy.BUILT_IN.stream().filter(b -> b.equalsIgnoreCase(name)).findFirst();
        return builtIn.isPresent() ? Optional.of(RaiPolicy.builtIn(account, builtIn.get())) : store.policy(account, name);
    }

    // ---- blocklists

    public Put<RaiBlocklist> putBlocklist(String account, String name, String description) {
        accounts.require(account);
        PolicyChecks.name(name, "raiBlocklistName", "Blocklist");
        long now = clock.instant().getEpochSecond();
        Optional<RaiBlocklist> old = store.blocklist(account, name);
        RaiBlocklist list = new RaiBlocklist(account, name, description, old.map(RaiBlocklist::createdAt).orElse(now), now, etag());
        store.putBlocklist(list);
        return new Put<>(list, old.isEmpty());
    }

    public RaiBlocklist blocklist(String account, String name) {
        accounts.require(account);
        return store.blocklist(account, name).orElseThrow(() -> notFound("Blocklist", name, account));
    }

    public List<RaiBlocklist> blocklists(String account) {
        return store.blocklists(accounts.require(account));
    }

    public boolean deleteBlocklist(String account, String name) {
        accounts.require(account);
        if (store.blocklist(account, name).isEmpty()) return false;
        for (RaiPolicy p : store.policies(account)) {
            if (p.customBlocklists().stream().anyMatch(r -> r.blocklistName().equals(name))) {
                throw ApiException.conflict("Blocklist '" + name + "' is used by RAI policy '" + p.name() + "'; remove "
                        + "it from that policy's customBlocklists before deleting it.");
            }
        }
        return store.deleteBlocklist(account, name);
    }

    // ---- items

    public Put<RaiBlocklistItem> putItem(String account, String blocklist, String name, String pattern, boolean regex) {
        blocklist(account, blocklist);
        PolicyChecks.name(name, "raiBlocklistItemName", "Blocklist item");
        PolicyChecks.pattern(pattern, regex);
        for (RaiBlocklistItem other : store.items(account, blocklist)) {
            if (!other.name().equals(name) && other.regex() == regex && other.pattern().equalsIgnoreCase(pattern)) {
                throw new ApiException(ErrorCode.ITEM_ALREADY_EXISTS, "Blocklist '" + blocklist + "' already has "
                        + (regex ? "the regex" : "the term") + " '" + pattern + "' as item '" + other.name() + "'.",
                        "properties.pattern");
            }
        }
        long now = clock.instant().getEpochSecond();
        Optional<RaiBlocklistItem> old = store.item(account, blocklist, name);
        RaiBlocklistItem item = new RaiBlocklistItem(account, blocklist, name, pattern, regex,
                old.map(RaiBlocklistItem::createdAt).orElse(now), now, etag());
        if (!store.putItem(item, etag(), now)) {
            throw notFound("Blocklist", blocklist, account); // deleted between the check and the write
        }
        return new Put<>(item, old.isEmpty());
    }

    public RaiBlocklistItem item(String account, String blocklist, String name) {
        blocklist(account, blocklist);
        return store.item(account, blocklist, name).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "Blocklist item '" + name + "' was not found in blocklist '" + blocklist + "'.", null));
    }

    public List<RaiBlocklistItem> items(String account, String blocklist) {
        blocklist(account, blocklist);
        return store.items(account, blocklist);
    }

    public boolean deleteItem(String account, String blocklist, String name) {
        blocklist(account, blocklist);
        return store.deleteItem(account, blocklist, name, etag(), clock.instant().getEpochSecond());
    }

    // ---- filtering

    /**
     * The filter for a deployment's policy ({@code null}: Microsoft.Default). A policy deleted meanwhile falls back
     * to the default, so a deployment is never left unfiltered by a race. Compiled once per version of the policy
     * and its blocklists.
     */
    public ContentFilter filterFor(String account, String policyName) {
        RaiPolicy policy = account == null || policyName == null ? RaiPolicy.builtIn(account, RaiPolicy.DEFAULT)
                : findPolicy(account, policyName).orElseGet(() -> RaiPolicy.builtIn(account, RaiPolicy.DEFAULT));
        StringBuilder key = new StringBuilder(account + "/" + policy.name() + "/" + policy.etag());
        Map<String, RaiBlocklist> lists = new HashMap<>();
        for (RaiPolicy.BlocklistRef ref : policy.customBlocklists()) {
            if (lists.containsKey(ref.blocklistName())) continue;
            store.blocklist(account, ref.blocklistName()).ifPresent(l -> lists.put(l.name(), l));
            key.append('/').append(ref.blocklistName()).append('@')
                    .append(lists.containsKey(ref.blocklistName()) ? lists.get(ref.blocklistName()).etag() : "-");
        }
        ContentFilter cached = compiled.get(key.toString());
        if (cached != null) return cached;
        if (compiled.size() >= MAX_COMPILED) compiled.clear();
        ContentFilter filter = compile(policy, lists);
        compiled.put(key.toString(), filter);
        return filter;
    }

    private ContentFilter compile(RaiPolicy policy, Map<String, RaiBlocklist> lists) {
        Map<String, BlocklistClassifier> blocklists = new HashMap<>();
        for (RaiPolicy.BlocklistRef ref : policy.customBlocklists()) {
            RaiBlocklist list = lists.get(ref.blocklistName());
            List<RaiBlocklistItem> items = list == null ? List.of() : store.items(list.account(), list.name());
            blocklists.putIfAbsent(ref.blocklistName(), BlocklistClassifier.of(ref.blocklistName(), items));
        }
        return ContentFilter.of(policy, classifiers(policy.classifiers()), blocklists);
    }

    /** The category graders for a policy: the lexicon and/or a guard, as the policy or the service says. */
    private Map<Source, SafetyClassifier> classifiers(RaiPolicy.Classifiers c) {
        boolean useLexicon = c.lexicon() != null ? c.lexicon() : settings.lexicon();
        String guard = c.guardDeployment() != null ? c.guardDeployment() : settings.guardDeployment();
        GuardFormat format = c.guardFormat() != null ? GuardFormat.fromWire(c.guardFormat()).orElseThrow()
                : settings.guardFormat();
        Map<Source, SafetyClassifier> bySource = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            SafetyClassifier classifier = useLexicon ? lexicon : null;
            if (guard != null) {
                SafetyClassifier g = new GuardModelClassifier(deployments, guard, format, source, settings.guardTimeout());
                classifier = classifier == null ? g : classifier.and(g);
            }
            if (classifier != null) bySource.put(source, classifier);
        }
        return bySource;
    }

    /** The built-in lexicon, for the job's data evaluation. */
    public SafetyClassifier lexicon() { return lexicon; }

    /**
     * The filter that judges a fine-tuned model's probe answers: the service's evaluation policy
     * ({@code --evaluation-policy}, default Microsoft.Default) with the classifiers it implies.
     */
    public ContentFilter evaluationFilter() {
        String account = settings.evaluationAccount();
        String policy = settings.evaluationPolicy();
        // A policy the operator named must exist: falling back to the default would judge by rules nobody chose.
        if (account != null && policy != null && findPolicy(account, policy).isEmpty()) {
            throw notFound("The model evaluation's RAI policy (--evaluation-policy)", policy, account);
        }
        return filterFor(account, policy);
    }

    private static ApiException notFound(String what, String name, String account) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " '" + name + "' was not found in account '" + account + "'.", null);
    }

    private static String etag() { return Ids.hexOf(Ids.newId("e-")); }
}
