package dev.whetstone.cli;

import java.io.Console;

/** Whether standard output is an interactive terminal, where a progress line may be redrawn in place. */
final class Terminal {
    private Terminal() {}

    /**
     * On JDK 22+ {@code System.console()} exists even when output is redirected and {@code Console.isTerminal()}
     * tells; it is called reflectively because the code targets Java 21, where a non-null console means a terminal.
     */
    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
