package dev.whetstone.engine.torch.train;

import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@link Trainer} port on libtorch: tokenizes the examples, then runs a {@link FineTuneRun}. */
public final class TorchTrainer implements Trainer {
    private final ExampleEncoder.Factory encoders;
    private final TrainingOptions options;

    public TorchTrainer(ExampleEncoder.Factory encoders, TrainingOptions options) {
        this.encoders = encoders;
        this.options = options;
    }

    @Override
    public TrainingOutcome train(TrainingSpec spec, TrainingListener listener) throws TrainingException {
        List<TokenizedExample> training;
        List<TokenizedExample> validation;
        try {
            int maxLength = Math.min(options.maxSequenceLength(),
                    ModelConfig.read(spec.baseModelDir()).maxPositions());
            // a vision model's images come through the job's loader (its per-job cache), never fetched here
            try (ExampleEncoder encoder = encoders.open(spec.baseModelDir(), maxLength, spec.images())) {
                boolean preference = spec.hyperparameters() != null && spec.hyperparameters().preference();
                training = encode(encoder, spec.training(), "training_file", preference);
                validation = encode(encoder, spec.validation(), "validation_file", preference);
            }
        } catch (IOException e) {
            throw new TrainingException("cannot read the model's config or tokenizer: " + e.getMessage(), "model", e);
        }
        return FineTuneRun.run(new FineTuneRequest(spec.baseModelDir(), spec.initAdapterDir(), training, validation,
                spec.hyperparameters(), spec.method(), spec.seed(), spec.workDir(), options), listener);
    }

    private static List<TokenizedExample> encode(ExampleEncoder encoder, List<TrainingExample> examples, String param,
                                                 boolean preference) throws TrainingException {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            if ((examples.get(i) instanceof PreferenceExample) != preference) {
                // job creation checks the file's format; this guards files validated without statistics
                throw new TrainingException("example " + (i + 1) + " of the " + param.replace('_', ' ') + (preference
                        ? " is not a preference pair, but a DPO job trains on preference pairs"
                        : " is a preference pair, which only DPO jobs train on"), param, null);
            }
            try {
                out.add(encoder.encode(examples.get(i)));
            } catch (RuntimeException e) {
                throw new TrainingException("example " + (i + 1) + " of the " + param.replace('_', ' ')
                        + " cannot be tokenized: " + e.getMessage(), param, e);
            }
        }
        return out;
    }
}
