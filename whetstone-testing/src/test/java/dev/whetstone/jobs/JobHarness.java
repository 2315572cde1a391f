package dev.whetstone.jobs;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileService;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import dev.whetstone.files.FileValidation;
import dev.whetstone.files.StagedContent;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.ModelCatalog;
import dev.whetstone.models.ModelUsage;
import dev.whetstone.safety.LexiconClassifier;
import dev.whetstone.worker.JobWorker;
import dev.whetstone.worker.TrainingData;
import dev.whetstone.worker.WorkerEnvironment;
import dev.whetstone.worker.WorkerSettings;
import dev.whetstone.testing.FakeModels;
import dev.whetstone.testing.FakeTrainer;
import dev.whetstone.testing.InMemoryBlobStore;
import dev.whetstone.testing.InMemoryCheckpointStore;
import dev.whetstone.testing.InMemoryFileStore;
import dev.whetstone.testing.InMemoryJobEventStore;
import dev.whetstone.testing.InMemoryJobStore;
import dev.whetstone.testing.InMemoryModelStore;
import dev.whetstone.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/** Core job services over in-memory stores, fake model folders, the FakeTrainer and a manual clock. */
final class JobHarness {
    static final WorkerSettings SETTINGS = new WorkerSettings(Duration.ofSeconds(60), Duration.ofMillis(50),
            Duration.ofMillis(20), 2, 3);

    final ManualClock clock = new ManualClock();
    final JobStores stores = new JobStores(new InMemoryJobStore(), new InMemoryJobEventStore(),
            new InMemoryCheckpointStore(), new InMemoryModelStore());
    final InMemoryFileStore fileStore = new InMemoryFileStore();
    final FileService files = new FileService(fileStore, new InMemoryBlobStore(), JobHarness::validate,
            JobService.fileUsage(stores.jobs()), new DirectExecutor(), clock, 1 << 20);
    final BaseModel chatModel;
    final BaseModel completionModel;
    final ModelCatalog catalog;
    final ModelResolver resolver;
    final JobPaths paths;
    final FineTunedModels fineTuned;
    final JobService jobs;
    final FakeTrainer trainer = new FakeTrainer();
    final WorkerEnvironment env;

    JobHarness(Path dataDir, int maxActiveJobs) {
        Path models = dataDir.resolve("models");
        chatModel = new BaseModel("tiny-chat", FakeModels.create(models, "tiny-chat", true), "LlamaForCausalLM", true, 1);
        completionModel = new BaseModel("tiny-base", FakeModels.create(models, "tiny-base", false), "LlamaForCausalLM", false, 1);
        catalog = new ModelCatalog(() -> List.of(chatModel, completionModel), Map.of("gpt-35-turbo-0613", "tiny-chat"));
        resolver = new ModelResolver(catalog, stores.models(), stores.checkpoints(), stores.jobs());
        paths = new JobPaths(dataDir);
        fineTuned = new FineTunedModels(stores, paths, ModelUsage.NONE);
        jobs = new JobService(stores, resolver, files, fineTuned, clock, maxActiveJobs);
        env = new WorkerEnvironment(stores, resolver, files, TrainingData.fromFiles(files, JobHarness::parse), trainer,
                paths, clock, SETTINGS, LexiconClassifier.builtIn());
    }

    JobWorker worker(String id) { return new JobWorker(env, id); }

    /** A processed fine-tune file of {@code n} chat lines. */
    String chatFile(int n) throws IOException { return upload(chatLines(n)); }

    String promptFile(int n) throws IOException {
        return upload("{\"prompt\":\"2+2=\",\"completion\":\"4\"}\n".repeat(n));
    }

    String preferenceFile(int n) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"q").append(i).append("\"}]},")
                    .append("\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"yes\"}],")
                    .append("\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"no\"}]}\n");
        }
        return upload(b.toString());
    }

    static String chatLines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"messages\":[{\"role\":\"user\",\"content\":\"q").append(i)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"a").append(i).append("\"}]}\n");
        }
        return b.toString();
    }

    String upload(String content) throws IOException {
        try (StagedContent staged = files.stage(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)))) {
            FileRecord f = files.create("fine-tune", "data.jsonl", staged);
            return f.id();
        }
    }

    JobRequest request(String model, String trainingFile) {
        return new JobRequest(model, trainingFile, null, null, 105L, null, null);
    }

    /** Classifies by the first line and counts lines: what the real validator reports, roughly. */
    static FileValidation.Result validate(InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || lines.getFirst().contains("BROKEN")) {
            return new FileValidation.Result(false, null, "Line 1: not a JSON object.");
        }
        String first = lines.getFirst();
        String format = first.contains("\"preferred_output\"") ? "preference"
                : first.contains("\"messages\"") ? "chat" : "prompt_completion";
        // a file with images stands for one validated before images were counted: their count is unknown
        FileStatistics stats = text.contains("\"image_url\"")
                ? new FileStatistics(format, lines.size(), text.length() / 4, null, null)
                : new FileStatistics(format, lines.size(), text.length() / 4);
        return new FileValidation.Result(true, stats, null);
    }

    static List<TrainingExample> parse(InputStream in) throws IOException {
        List<TrainingExample> out = new ArrayList<>();
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            if (line.isBlank()) continue;
            out.add(line.contains("\"messages\"")
                    ? new ChatExample(List.of(ChatMessage.text("user", line), ChatMessage.text("assistant", "ok")))
                    : new PromptCompletionExample(line, "ok"));
        }
        return out;
    }

    FileStatus status(String fileId) { return files.get(fileId).status(); }

    /** Runs submitted work on the caller's thread, so validation has finished when upload returns. */
    static final class DirectExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override public void execute(Runnable command) { command.run(); }
        @Override public void shutdown() { shutdown = true; }
        @Override public List<Runnable> shutdownNow() { shutdown = true; return List.of(); }
        @Override public boolean isShutdown() { return shutdown; }
        @Override public boolean isTerminated() { return shutdown; }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }
    }
}
