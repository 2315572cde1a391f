package dev.whetstone.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code whetstone} command: one subcommand per job (serve, models, ...). */
@Command(name = "whetstone", mixinStandardHelpOptions = true, version = "whetstone 0.1.0",
        description = "Self-hosted fine-tuning service with the Azure OpenAI fine-tuning API.",
        subcommands = {ServeCommand.class, WorkerCommand.class, JobsCommand.class, ModelsCommand.class})
public final class WhetstoneCli {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new WhetstoneCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
