package dev.whetstone.engine.torch.infer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.pytorch.global.torch;

/** Tiny models with real tokenizers, adapters, and a listener that records a generation. */
final class InferFixtures {
    static final LoadOptions FP32 = new LoadOptions(Precision.FP32, false);

    private InferFixtures() {}

    /**
     * A tiny model of {@code arch} with the built-in byte-level tokenizer (ChatML template for Llama/Qwen2, none for
     * GPT-2); EOS is an id the random model practically never picks first, so outputs run to max_tokens.
     */
    static Path model(Path dir, TinyModelFactory.Arch arch, long seed) throws Exception {
        TorchNatives.prepare();
        TinyTokenizerFactory.write(dir, arch == TinyModelFactory.Arch.GPT2 ? TinyTokenizerFactory.Flavor.COMPLETION
                : TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(dir, spec(arch), seed);
        return dir;
    }

    /** The shape {@link #model} writes. */
    static TinyModelFactory.Spec spec(TinyModelFactory.Arch arch) {
        int kv = arch == TinyModelFactory.Arch.GPT2 ? 4 : 2;
        return new TinyModelFactory.Spec(arch, TinyTokenizerFactory.vocabSize(), 64, 2, 4, kv, 128, 512, true, null,
                arch == TinyModelFactory.Arch.LLAMA);
    }

    /** A random LoRA adapter (rank 4, all projections, B non-zero) for the model in {@code base}, saved in {@code dir}. */
    static Path adapter(Path base, Path dir, long seed) throws Exception {
        try (CausalLm m = CausalLm.load(base, FP32)) {
            var arch = m.config().architecture();
            LoraModel lora = LoraModel.attach(m, new LoraConfig(4, 8, 0, LoraConfig.targets(arch, true), false), seed);
            torch.manual_seed(seed);
            try (NoGrad ng = NoGrad.enter()) {
                lora.trainableParameters().forEach((n, t) -> {
                    if (n.contains("lora_B")) t.copy_(torch.randn(t.size(0), t.size(1)).mul(Tensors.scalar(0.3)));
                });
            }
            lora.save(dir);
            lora.close();
        }
        return dir;
    }

    /** Sets generation_config.json's eos ids. */
    static void generationConfig(Path dir, int... eos) throws Exception {
        ObjectNode c = new ObjectMapper().createObjectNode();
        var a = c.putArray("eos_token_id");
        for (int e : eos) a.add(e);
        new ObjectMapper().writeValue(dir.resolve("generation_config.json").toFile(), c);
    }

    static InferenceOptions options() {
        return InferenceOptions.defaults().withThreads(PinnedThreads.THREADS).withMaxContext(512)
                .withPrecision(Precision.FP32);
    }

    /** Records one generation; {@link #result()} completes at its end. */
    static class Recorder implements GenerationListener {
        final List<GeneratedToken> tokens = new CopyOnWriteArrayList<>();
        final CompletableFuture<Recorder> done = new CompletableFuture<>();
        volatile FinishReason reason;
        volatile Usage usage;
        volatile InferenceException error;

        @Override
        public void onToken(GeneratedToken token) { tokens.add(token); }

        @Override
        public void onComplete(FinishReason reason, Usage usage) {
            this.reason = reason;
            this.usage = usage;
            done.complete(this);
        }

        @Override
        public void onError(InferenceException error) {
            this.error = error;
            done.complete(this);
        }

        Recorder result() throws Exception { return done.get(60, java.util.concurrent.TimeUnit.SECONDS); }

        String text() {
            StringBuilder b = new StringBuilder();
            tokens.forEach(t -> b.append(t.text()));
            return b.toString();
        }

        int[] ids() { return tokens.stream().mapToInt(GeneratedToken::id).toArray(); }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) l.add(x);
        return l;
    }
}
