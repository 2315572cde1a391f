package dev.whetstone.server;

import dev.whetstone.engine.torch.TorchEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On first start, the models folder gets the built-in tiny demo models, so a new user can try the workflow at once. */
final class DemoModels {
    private static final Logger LOG = LoggerFactory.getLogger(DemoModels.class);

    private DemoModels() {}

    static void ensure(Path modelsDir) throws IOException {
        Files.createDirectories(modelsDir);
        for (String name : TorchEngine.demoModels()) {
            if (TorchEngine.ensureDemoModel(modelsDir, name)) LOG.info("created demo model {} in {}", name, modelsDir);
        }
    }
}
