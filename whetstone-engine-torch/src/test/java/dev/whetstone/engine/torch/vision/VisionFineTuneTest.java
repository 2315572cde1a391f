package dev.whetstone.engine.torch.vision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.image.ImageDetail;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.TokenizerExampleEncoders;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.train.TorchTrainer;
import dev.whetstone.engine.torch.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-vision learns from the images of its training file: LoRA on the decoder (encoder and connector frozen)
 * over solid-colour images whose answer names the colour; afterwards it names the colour of held-out images (other
 * sizes, so other tile counts, and other shades), which the base model does not.
 */
class VisionFineTuneTest {
    static final ImageLoader IMAGES = UrlImageLoader.withDefaults(false);

    @TempDir Path dir;

    @Test
    void loraOnTinyVisionNamesTheColourOfHeldOutImages() throws Exception {
        Path base = dir.resolve("tiny-vision");
        TinyModels.create(base, TinyModels.Kind.VISION);
        List<Double> losses = new ArrayList<>();
        List<TrainingExample> data = new ArrayList<>(ColourImages.training());
        TorchTrainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults()
                .withThreads(PinnedThreads.THREADS).withFrozenPrecision(Precision.FP32));
        TrainingOutcome outcome = trainer.train(new TrainingSpec(base, null, data, List.of(),
                new TrainingSpec.Hyperparameters(6, 2, null), TrainingSpec.Method.LORA, 11, dir.resolve("work"),
                IMAGES), listener(losses));

        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(Files.exists(outcome.modelDir().resolve("adapter_model.safetensors"))).isTrue();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.1);
        int[][] heldOut = {{30, 30, -8}, {56, 18, 10}, {16, 44, -20}};
        try (HfTokenizer tok = HfTokenizer.load(base);
             VisionLm model = VisionLm.load(base, new LoadOptions(Precision.FP32, false))) {
            VisionPrompts prompts = VisionPrompts.of(base, tok);
            int baseCorrect = 0;
            for (ColourImages.Colour c : ColourImages.COLOURS) {
                int[] v = heldOut[0];
                if (answer(tok, prompts, model, ColourImages.dataUrl(c, v[0], v[1], v[2])).equals(c.name())) {
                    baseCorrect++;
                }
            }
            assertThat(baseCorrect).as("the untrained model names no colour").isZero();
            try (LoraModel adapter = LoraModel.load(model.text(), outcome.modelDir())) {
                for (int[] v : heldOut) {
                    for (ColourImages.Colour c : ColourImages.COLOURS) {
                        assertThat(answer(tok, prompts, model, ColourImages.dataUrl(c, v[0], v[1], v[2])))
                                .as("%s %dx%d", c.name(), v[0], v[1]).isEqualTo(c.name());
                    }
                }
            }
        }
    }

    /**
     * Full fine-tuning trains the decoder and the connector and keeps the encoder frozen; the checkpoint is a whole
     * Idefics3 folder (config, weights, tokenizer and processor files) that loads again.
     */
    @Test
    void fullFineTuningTrainsDecoderAndConnectorAndSavesAWholeCheckpoint() throws Exception {
        Path base = dir.resolve("tiny-vision");
        TinyModels.create(base, TinyModels.Kind.VISION);
        List<Double> losses = new ArrayList<>();
        TorchTrainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults()
                .withThreads(PinnedThreads.THREADS));
        TrainingOutcome outcome = trainer.train(new TrainingSpec(base, null,
                new ArrayList<>(ColourImages.training().subList(0, 8)), List.of(),
                new TrainingSpec.Hyperparameters(1, 4, null), TrainingSpec.Method.FULL, 11, dir.resolve("full"),
                IMAGES), listener(losses));
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(losses).hasSize(2);
        for (String f : List.of("config.json", "tokenizer.json", "preprocessor_config.json", "processor_config.json")) {
            assertThat(outcome.modelDir().resolve(f)).exists();
        }
        try (VisionLm before = VisionLm.load(base, new LoadOptions(Precision.FP32, false));
             VisionLm after = VisionLm.load(outcome.modelDir(), new LoadOptions(Precision.FP32, false));
             PointerScope scope = new PointerScope()) {
            assertThat(changed(before, after, "model.vision_model.encoder.layers.0.mlp.fc1.weight")).isZero();
            assertThat(changed(before, after, "model.connector.modality_projection.proj.weight")).isPositive();
            assertThat(changed(before, after, "model.text_model.layers.0.mlp.down_proj.weight")).isPositive();
        }
    }

    private static double changed(VisionLm a, VisionLm b, String name) {
        return Tensors.item(a.parameters().get(name).sub(b.parameters().get(name)).abs().max());
    }

    /** Greedy decoding with the image spliced in, a full forward pass per token (a short answer). */
    static String answer(HfTokenizer tok, VisionPrompts prompts, VisionLm model, String url) throws Exception {
        VisionPrompts.Rendered r = prompts.chat(List.of(ColourImages.question(url)),
                List.of(new ImageInput(IMAGES.load(url), ImageDetail.AUTO)), true);
        List<Integer> ids = new ArrayList<>();
        for (int id : r.ids()) ids.add(id);
        int eos = tok.eosId().getAsInt();
        List<Integer> out = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Tensor features = model.imageFeatures(Tensors.floats(r.frames().pixels(), r.frames().count(), 3,
                    r.frames().size(), r.frames().size()));
            for (int step = 0; step < 8; step++) {
                long[] l = ids.stream().mapToLong(Integer::longValue).toArray();
                try (PointerScope inner = new PointerScope()) {
                    Tensor h = model.hidden(Tensors.longs(l, 1, l.length), features, null, null, null);
                    Tensor logits = model.text().logits(h.select(1, l.length - 1));
                    int next = (int) Tensors.item(logits.argmax());
                    if (next == eos) break;
                    out.add(next);
                    ids.add(next);
                }
            }
        }
        return tok.decode(out.stream().mapToInt(Integer::intValue).toArray(), true).strip();
    }

    private static TrainingListener listener(List<Double> losses) {
        return new TrainingListener() {
            public void onPlan(TrainingPlan plan) {}

            public void onStep(StepMetrics m) { losses.add(m.trainLoss()); }

            public void onCheckpoint(CheckpointInfo checkpoint) {}

            public void onWarning(String message) {}
        };
    }
}
