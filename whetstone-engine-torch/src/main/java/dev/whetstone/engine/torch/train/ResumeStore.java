package dev.whetstone.engine.torch.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.Folders;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * The resume point of a run in {@code workDir/resume}: state.json, the trained tensors and the optimizer moments,
 * all exact (fp32), so a resumed run continues bit for bit. Written to a temporary folder and renamed into place,
 * so a crash mid-write leaves the previous resume point intact.
 */
final class ResumeStore {
    static final String DIR = dev.whetstone.engine.Trainer.RESUME_FOLDER;

    /**
     * @param nextStep    the first step the resumed run executes
     * @param fingerprint identifies data, hyperparameters and seed; a mismatch means the state is for another run
     * @param checkpoints epoch checkpoint folders written so far, oldest first
     */
    record State(int nextStep, long tokensSeen, int optimizerSteps, String fingerprint, List<String> checkpoints,
                 double elapsedSeconds) {}

    private final Path workDir;
    private final ObjectMapper json = new ObjectMapper();

    ResumeStore(Path workDir) { this.workDir = workDir; }

    Optional<State> read() throws IOException {
        Path file = current().resolve("state.json");
        if (!Files.isRegularFile(file)) return Optional.empty();
        return Optional.of(json.readValue(file.toFile(), State.class));
    }

    /** Tensors of the current resume point ("trainable" or "optimizer"), owned by the caller's scope. */
    Map<String, Tensor> tensors(String name) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(current().resolve(name + ".safetensors"))) {
            for (String n : r.names()) out.put(n, r.read(n));
        }
        return out;
    }

    void write(State state, Map<String, Tensor> trainable, Map<String, Tensor> optimizer) throws IOException {
        Path tmp = workDir.resolve(DIR + ".tmp");
        Folders.deleteTree(tmp);
        Files.createDirectories(tmp);
        SafetensorsWriter.write(tmp.resolve("trainable.safetensors"), trainable, Map.of());
        SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), optimizer, Map.of());
        json.writeValue(tmp.resolve("state.json").toFile(), state);
        Path dir = workDir.resolve(DIR);
        Path old = workDir.resolve(DIR + ".old");
        Folders.deleteTree(old);
        if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        Folders.deleteTree(old);
    }

    /** The complete resume folder: the current one, or the previous one if a crash hit between the two renames. */
    private Path current() {
        Path dir = workDir.resolve(DIR);
        return Files.exists(dir) ? dir : workDir.resolve(DIR + ".old");
    }

}
