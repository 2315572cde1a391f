package dev.whetstone.cli;

import dev.whetstone.data.ExampleFormat;
import dev.whetstone.data.prepare.BadInputException;
import dev.whetstone.data.prepare.ColumnChoice;
import dev.whetstone.data.prepare.Dataset;
import dev.whetstone.data.prepare.ExampleMapper;
import dev.whetstone.data.prepare.InputLimits;
import dev.whetstone.data.prepare.ModelTarget;
import dev.whetstone.data.prepare.PrepareContext;
import dev.whetstone.data.prepare.PreparedFiles;
import dev.whetstone.data.prepare.Preparation;
import dev.whetstone.data.prepare.SourceTable;
import dev.whetstone.data.prepare.Totals;
import dev.whetstone.engine.torch.TorchEngine;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code whetstone prepare-data}: converts CSV, TSV, XLSX, JSON or JSONL into a fine-tuning JSONL file, suggests
 * fixes, and judges the result with the service's own validator and job checks. Exit 0: the written file(s) would
 * be accepted; 1: they would not; 2: the input could not be read (one line on stderr says why).
 */
@Command(name = "prepare-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert CSV, TSV, XLSX, JSON or JSONL into a fine-tuning JSONL file, with suggested fixes.",
            "Exit code 0 when the written file is one the service accepts, 1 when not, 2 when the input cannot be read."})
final class PrepareDataCommand implements Callable<Integer> {
    static final int INVALID = 1;
    static final int BAD_INPUT = 2;

    enum Format { chat, completion }

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Input file: " + InputFiles.KINDS + ".")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output JSONL (default <input>_prepared.jsonl beside the input).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Accept every suggested fix without asking.")
    boolean quiet;

    @Option(names = "--format", paramLabel = "chat|completion", description = "chat or completion (default: the model's kind, else from the columns).")
    Format format;

    @Option(names = "--model", paramLabel = "MODEL", description = "Model folder or name in the models folder: real token counts, its context and kind.")
    String model;

    @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "${env:WHETSTONE_MODELS_DIR}", description = "Folder of model folders (default <data>/models).")
    Path modelsDir;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:WHETSTONE_DATA:-./data}", description = "Data folder, as serve uses it (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message for chat examples without one.")
    String system;

    @Option(names = "--validation-split", paramLabel = "F", description = "Share of examples (0 < F < 1) written to <output>_valid.jsonl.")
    Double validationSplit;

    @Option(names = "--column", paramLabel = "PART=COLUMN", description = "Take a part from another column: PART=COLUMN, PART one of " +
            "prompt, completion, system, user, assistant, weight, messages.")
    Map<String, String> columns = Map.of();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs for the trained-token estimate (default: the service's auto rule).")
    Integer epochs;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    PrepareDataCommand() {
        this(System.in, System.out, System.err);
    }

    PrepareDataCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        try {
            checkOptions();
            SourceTable table = read();
            if (model == null) return prepare(table, ModelTarget.none());
            useTokenizerCache();
            try (PrepareModel opened = PrepareModel.open(model, modelsDir != null ? modelsDir : data.resolve("models"))) {
                return prepare(table, opened.target());
            }
        } catch (BadInputException e) {
            err.println("whetstone prepare-data: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    private SourceTable read() throws BadInputException {
        try {
            return InputFiles.read(file, InputLimits.DEFAULT);
        } catch (java.io.IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer library is extracted where serve extracts it; once loaded (a second run in one JVM) it stays. */
    private void useTokenizerCache() {
        TorchEngine.useTokenizerCache(data.resolve("cache"));
    }

    private void checkOptions() throws BadInputException {
        if (validationSplit != null && !(validationSplit > 0 && validationSplit < 1)) {
            throw new BadInputException("--validation-split must be between 0 and 1 (e.g. 0.1), got " + validationSplit + ".");
        }
        if (epochs != null && (epochs < 1 || epochs > 50)) {
            throw new BadInputException("--epochs must be an integer from 1 to 50, got " + epochs + ".");
        }
        if (trainingFile().toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            throw new BadInputException("the output " + trainingFile() + " is the input file; choose another with -o.");
        }
        try {
            new ColumnChoice(columns);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage() + ".");
        }
    }

    private int prepare(SourceTable table, ModelTarget target) throws Exception {
        ExampleFormat wanted = format != null ? (format == Format.chat ? ExampleFormat.CHAT : ExampleFormat.PROMPT_COMPLETION)
                : target.chat() == null ? null : target.chat() ? ExampleFormat.CHAT : ExampleFormat.PROMPT_COMPLETION;
        ExampleMapper.Mapping mapping = ExampleMapper.map(table, wanted, new ColumnChoice(columns), system);
        Dataset dataset = new Dataset(table.unit(), mapping.dataset().format(), mapping.dataset().drafts(), validationSplit);
        describe(table, dataset, mapping.unusedColumns(), target);
        PrepareReport report = new PrepareReport(out);
        BufferedReader answers = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        PrepareContext context = new PrepareContext(target, epochs);
        List<Preparation.Decided> decided = Preparation.run(dataset, context,
                new Answers(answers, out, quiet, report, table.unit()));
        Totals totals = Totals.of(dataset, context);
        report.summary(decided, totals, target, epochs);
        Path training = trainingFile();
        Path validation = training.resolveSibling(stem(training) + "_valid.jsonl");
        return report.verdicts(PreparedFiles.write(dataset, training, validation, target)) ? 0 : INVALID;
    }

    private void describe(SourceTable table, Dataset dataset, List<String> unused, ModelTarget target) {
        out.println("Read " + file.getFileName() + ": " + table.records().size() + " " + table.unit() + "s, columns "
                + String.join(", ", table.columns()) + ".");
        out.println("Writing the " + dataset.format().wireName() + " format"
                + (target.name() == null ? " (no --model: token counts are estimates)." : " for model '" + target.name()
                + "' (context " + target.contextLength() + " tokens)."));
        if (!unused.isEmpty()) out.println("Ignored columns: " + String.join(", ", unused) + ".");
        if (system != null && dataset.format() == ExampleFormat.PROMPT_COMPLETION) {
            out.println("Ignored --system: the prompt/completion format has no system message.");
        }
        if (system != null && dataset.format() == ExampleFormat.PREFERENCE) {
            out.println("Ignored --system: preference pairs are written as they are.");
        }
    }

    private Path trainingFile() {
        return output != null ? output : file.resolveSibling(stem(file) + "_prepared.jsonl");
    }

    private static String stem(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
