package dev.whetstone.cli;

import dev.whetstone.engine.torch.TorchEngine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code whetstone models …}: model folders on disk. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Work with model folders.",
        subcommands = {ModelsCommand.CreateTiny.class})
final class ModelsCommand {

    @Command(name = "create-tiny", mixinStandardHelpOptions = true,
            description = "Write a tiny random model in Hugging Face layout (the demo models' shape), for tests and trials.")
    static final class CreateTiny implements Callable<Integer> {
        @Option(names = "--arch", required = true, description = "llama (chat, like tiny-chat) or gpt2 (completion, like tiny-completion).")
        Arch arch;

        @Option(names = "--out", required = true, description = "Folder to write (created).")
        Path out;

        enum Arch { llama, gpt2 }

        @Override
        public Integer call() throws Exception {
            String demo = arch == Arch.gpt2 ? "tiny-completion" : "tiny-chat";
            TorchEngine.createDemoModel(out, demo);
            System.out.println("wrote " + demo + "-shaped model to " + out);
            return 0;
        }
    }
}
