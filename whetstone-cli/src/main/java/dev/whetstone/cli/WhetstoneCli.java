package dev.whetstone.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code whetstone} command: one subcommand per job (serve, models, ...). */
@Command(name = "whetstone", mixinStandardHelpOptions = true, version = "whetstone 0.1.0",
        description = "Self-hosted fine-tuning service with the Azure OpenAI fine-tuning API.",
        subcommands = {ServeCommand.class, WorkerCommand.class, JobsCommand.class, ModelsCommand.class, BenchCommand.class,
                DeploymentsCommand.class, TokenCommand.class, ApiKeyCommand.class, PrepareDataCommand.class, StatusCommand.class})
public final class WhetstoneCli {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Exit code of a command that failed (the service unreachable, an API error…); 1 is a job's failure. */
    static final int ERROR = 3;

    static int run(String... args) {
        return new CommandLine(new WhetstoneCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(WhetstoneCli::report)
                .execute(args);
    }

    /**
     * An API or connection error, or an input refused with a reason (a model folder that does not load), is the
     * user's to fix: its message only; anything else with its stack trace.
     */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof java.io.IOException || e instanceof IllegalArgumentException) cmd.getErr().println("whetstone " + cmd.getCommandName() + ": " + e.getMessage());
        else e.printStackTrace(cmd.getErr());
        return ERROR;
    }
}
