package dev.whetstone.engine.torch.train;

import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.ReinforcementExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.schema.ResponseFormats;
import dev.whetstone.engine.inference.schema.SchemaException;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.infer.JsonConstraint;
import dev.whetstone.engine.torch.infer.TokenBytes;
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
        ExampleEncoder encoder;
        ModelConfig config;
        try {
            config = ModelConfig.read(spec.baseModelDir());
            int maxLength = Math.min(options.maxSequenceLength(), config.maxPositions());
            // a vision model's images come through the job's loader (its per-job cache), never fetched here
            encoder = encoders.open(spec.baseModelDir(), maxLength, spec.images());
        } catch (IOException e) {
            throw new TrainingException("cannot read the model's config or tokenizer: " + e.getMessage(), "model", e);
        }
        // a reinforcement run decodes its sampled answers with the tokenizer, so the encoder stays open throughout
        try (encoder) {
            Kind kind = spec.hyperparameters() == null ? Kind.SUPERVISED
                    : spec.hyperparameters().reinforcementRun() ? Kind.REINFORCEMENT
                    : spec.hyperparameters().preference() ? Kind.PREFERENCE : Kind.SUPERVISED;
            List<TokenizedExample> training = encode(encoder, spec.training(), "training_file", kind);
            List<TokenizedExample> validation = encode(encoder, spec.validation(), "validation_file", kind);
            FineTuneRequest.Grading grading = null;
            if (kind == Kind.REINFORCEMENT) {
                if (spec.rewards() == null) throw new TrainingException("a reinforcement run needs a grader", "method", null);
                grading = new FineTuneRequest.Grading(spec.rewards(), encoder::decode, encoder.stopIds(),
                        answerConstraint(spec.hyperparameters().reinforcement().responseFormat(), encoder,
                                config.vocabSize()));
            }
            return FineTuneRun.run(new FineTuneRequest(spec.baseModelDir(), spec.initAdapterDir(), training,
                    validation, spec.hyperparameters(), spec.method(), spec.seed(), spec.workDir(), options, grading),
                    listener);
        }
    }

    /**
     * Each sampled answer's constraint from the job's stored response format (compiled again: the job's creation
     * compiled it once and refused what cannot be enforced), or null for free text. The tokens' bytes are read once
     * per run (V entries) and shared by every answer's constraint.
     */
    private static java.util.function.Supplier<JsonConstraint<?>> answerConstraint(String format, ExampleEncoder encoder,
                                                                                   int vocabSize) throws TrainingException {
        if (format == null) return null;
        OutputConstraint constraint;
        try {
            constraint = ResponseFormats.parse(new ObjectMapper().readTree(format), "method.reinforcement.response_format");
        } catch (IOException | SchemaException e) {
            throw new TrainingException("the job's response format cannot be read: " + e.getMessage(),
                    "method.reinforcement.response_format", e);
        }
        if (constraint == OutputConstraint.NONE) return null;
        TokenBytes vocabulary = encoder.tokenBytes(vocabSize);
        java.util.Set<Integer> eos = encoder.stopIds();
        return () -> JsonConstraint.of(constraint, vocabulary, eos);
    }

    /** The kind of examples a run trains on. */
    private enum Kind { SUPERVISED, PREFERENCE, REINFORCEMENT }

    private static List<TokenizedExample> encode(ExampleEncoder encoder, List<TrainingExample> examples, String param,
                                                 Kind kind) throws TrainingException {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample example = examples.get(i);
            Kind of = example instanceof PreferenceExample ? Kind.PREFERENCE
                    : example instanceof ReinforcementExample ? Kind.REINFORCEMENT : Kind.SUPERVISED;
            if (of != kind) {
                // job creation checks the file's format; this guards files validated without statistics
                throw new TrainingException("example " + (i + 1) + " of the " + param.replace('_', ' ') + " is "
                        + describe(of) + ", but this job trains on " + describe(kind), param, null);
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

    private static String describe(Kind k) {
        return switch (k) {
            case SUPERVISED -> "a supervised example (a conversation with replies, or prompt/completion)";
            case PREFERENCE -> "a preference pair (DPO)";
            case REINFORCEMENT -> "a reinforcement prompt (messages ending with the user's turn)";
        };
    }
}
