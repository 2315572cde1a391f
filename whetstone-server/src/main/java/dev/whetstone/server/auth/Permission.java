package dev.whetstone.server.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * What a route needs (docs/security.md has the table of every route): the data plane ({@code /openai/…}, {@code /v1/…})
 * splits into calling models, reading and changing; the Resource Manager paths ({@code /subscriptions/…}) into
 * reading, changing, and the account keys.
 */
public enum Permission {
    INFERENCE("call models (chat/completions, completions)"),
    DATA_READ("read files, fine-tuning jobs and models"),
    DATA_WRITE("upload files and fine-tune (create, cancel, delete jobs; delete and export models)"),
    MANAGEMENT_READ("read deployments, content filters, subscriptions and metrics"),
    MANAGEMENT_WRITE("create, change and delete deployments and content filters"),
    KEYS("list and regenerate the account keys");

    private final String description;

    Permission(String description) {
        this.description = description;
    }

    public String description() { return description; }

    /** The roles that grant this permission, narrowest first, for the 403 message. */
    public List<Role> grantedBy() {
        List<Role> out = new ArrayList<>();
        for (Role r : List.of(Role.INFERENCE, Role.READER, Role.OPENAI_USER, Role.OPENAI_CONTRIBUTOR, Role.CONTRIBUTOR,
                Role.ADMIN)) {
            if (r.grants(this)) out.add(r);
        }
        return out;
    }
}
