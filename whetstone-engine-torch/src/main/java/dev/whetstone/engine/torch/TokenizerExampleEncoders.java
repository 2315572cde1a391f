package dev.whetstone.engine.torch;

import dev.whetstone.engine.torch.tokenizer.ExampleTokenizer;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.train.ExampleEncoder;
import java.io.IOException;
import java.nio.file.Path;

/** Joins the tokenizer package to the trainer: a model folder's own tokenizer and chat template encode its data. */
public final class TokenizerExampleEncoders implements ExampleEncoder.Factory {
    @Override
    public ExampleEncoder open(Path modelDir, int maxLength) throws IOException {
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
            public dev.whetstone.engine.torch.data.TokenizedExample encode(dev.whetstone.data.TrainingExample example) {
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
            public void close() {
                tokenizer.close();
            }
        };
    }
}
