package dev.whetstone.engine.torch.train;

import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Turns the API's examples into tokens and loss masks (chat template, per-message weights); implemented with the
 * tokenizer package and handed to {@link TorchTrainer} at wiring time.
 */
public interface ExampleEncoder extends AutoCloseable {
    /** Encodes one example, cut to the length given when the encoder was opened (then marked truncated). */
    TokenizedExample encode(TrainingExample example);

    /**
     * The text of generated tokens, special tokens left out (what a grader reads as the answer). Only reinforcement
     * runs decode; an encoder that cannot says so.
     */
    default String decode(int[] ids) {
        throw new UnsupportedOperationException("this example encoder cannot decode tokens");
    }

    /** The ids that end a generated answer: the model's end-of-sequence ids, as inference stops on them. */
    default Set<Integer> stopIds() {
        throw new UnsupportedOperationException("this example encoder knows no end-of-sequence ids");
    }

    /**
     * Every token's bytes over the model's {@code vocabSize} logit rows, for constraining sampled answers to JSON
     * (a reinforcement run with a response format).
     */
    default dev.whetstone.engine.torch.infer.TokenBytes tokenBytes(int vocabSize) {
        throw new UnsupportedOperationException("this example encoder cannot give its tokens' bytes");
    }

    @Override
    default void close() {}

    /** Opens the encoder of a model folder's tokenizer. */
    @FunctionalInterface
    interface Factory {
        ExampleEncoder open(Path modelDir, int maxLength) throws IOException;

        /**
         * Opens the encoder for examples that may carry images, loaded through {@code images} (the job's loader;
         * null refuses images). Text-only encoders ignore it.
         */
        default ExampleEncoder open(Path modelDir, int maxLength, dev.whetstone.data.image.ImageLoader images)
                throws IOException {
            return open(modelDir, maxLength);
        }
    }
}
