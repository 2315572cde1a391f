package dev.whetstone.engine.torch;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.tokenizer.ExampleTokenizer;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.train.ExampleEncoder;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import dev.whetstone.engine.torch.vision.VisionExamples;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Joins the tokenizer package to the trainer: a model folder's own tokenizer and chat template encode its data. A
 * vision-language model's examples also carry their images, loaded through the job's image loader and processed as
 * its preprocessor config says; a text model refuses examples with images rather than train without them.
 */
public final class TokenizerExampleEncoders implements ExampleEncoder.Factory {
    @Override
    public ExampleEncoder open(Path modelDir, int maxLength) throws IOException {
        return open(modelDir, maxLength, null);
    }

    @Override
    public ExampleEncoder open(Path modelDir, int maxLength, ImageLoader images) throws IOException {
        if (Idefics3Config.isVisionModel(modelDir)) {
            VisionExamples vision = VisionExamples.open(modelDir, maxLength, images);
            return new ExampleEncoder() {
                @Override
                public TokenizedExample encode(TrainingExample example) { return vision.encode(example); }

                @Override
                public void close() { vision.close(); }
            };
        }
        HfTokenizer tokenizer = HfTokenizer.load(modelDir);
        ExampleTokenizer examples = new ExampleTokenizer(tokenizer, maxLength);
        java.util.Set<Integer> stopIds;
        try {
            stopIds = dev.whetstone.engine.torch.infer.EosIds.of(modelDir,
                    dev.whetstone.engine.torch.model.ModelConfig.read(modelDir), tokenizer);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        return new ExampleEncoder() {
            @Override
            public TokenizedExample encode(TrainingExample example) {
                if (example instanceof ChatExample chat && chat.messages().stream().anyMatch(ChatMessage::hasImages)) {
                    throw new IllegalArgumentException("it has image parts, but the model "
                            + modelDir.getFileName() + " has no vision support");
                }
                return examples.tokenize(example);
            }

            @Override
            public String decode(int[] ids) {
                return tokenizer.decode(ids, true);
            }

            @Override
            public java.util.Set<Integer> stopIds() {
                return stopIds;
            }

            @Override
            public dev.whetstone.engine.torch.infer.TokenBytes tokenBytes(int vocabSize) {
                return dev.whetstone.engine.torch.infer.TokenBytes.of(tokenizer, vocabSize);
            }

            @Override
            public void close() {
                tokenizer.close();
            }
        };
    }
}
