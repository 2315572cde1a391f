package dev.whetstone.safety;

import java.util.Arrays;
import java.util.Optional;

/** What a filter looks at: the request's prompt or the model's completion ({@code source} in RAI policies). */
public enum Source {
    PROMPT("Prompt"), COMPLETION("Completion");

    private final String armName;

    Source(String armName) { this.armName = armName; }

    public String armName() { return armName; }

    public static Optional<Source> fromArm(String name) {
        return Arrays.stream(values()).filter(s -> s.armName.equalsIgnoreCase(name)).findFirst();
    }
}
