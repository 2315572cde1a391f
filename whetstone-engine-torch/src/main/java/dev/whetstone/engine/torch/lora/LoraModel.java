package dev.whetstone.engine.torch.lora;

import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * LoRA adapters attached to the targeted linear layers of a frozen {@link CausalLm}. The model's forward pass then
 * includes them; only their A and B matrices are trained.
 */
public final class LoraModel implements AutoCloseable {
    private final CausalLm model;
    private final LoraConfig config;
    private final Map<String, LoraLinear> adapters = new LinkedHashMap<>();
    private final Map<String, Linear> linears = new LinkedHashMap<>();
    private volatile boolean training;
    private volatile boolean enabled = true;
    private boolean closed;

    private LoraModel(CausalLm model, LoraConfig config) {
        this.model = model;
        this.config = config;
        for (Linear l : model.linears()) linears.put(l.name(), l);
    }

    /**
     * Fresh adapters as PEFT initialises them: A ~ U(−1/√in, 1/√in) (Kaiming-uniform with a = √5), B = 0, so the
     * model's output is unchanged until the first update. Deterministic in {@code seed}.
     */
    public static LoraModel attach(CausalLm model, LoraConfig config, long seed) {
        LoraModel m = new LoraModel(model, config);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (PointerScope scope = new PointerScope()) {
            for (Linear l : m.linears.values()) {
                if (!config.targets(l.name())) continue;
                int in = (int) l.inFeatures();
                float[] a = new float[config.rank() * in];
                double bound = 1 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                Tensor ta = Tensors.floats(a, config.rank(), in);
                Tensor tb = org.bytedeco.pytorch.global.torch.zeros(l.outFeatures(), config.rank());
                m.add(l, ta, tb, config.scaling());
            }
        }
        if (m.adapters.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules " + config.targetModules() + " match no linear"
                    + " layer of this " + model.config().architecture() + " model; e.g. " + model.linears().get(0).name());
        }
        return m;
    }

    /** Attaches a saved PEFT adapter (trainable again, e.g. to resume). */
    public static LoraModel load(CausalLm model, Path adapterDir) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            PeftFiles.Adapter saved = PeftFiles.read(adapterDir);
            LoraModel m = new LoraModel(model, saved.config());
            for (var e : saved.modules().entrySet()) {
                Linear l = m.linears.get(e.getKey());
                Tensor a = e.getValue().a();
                Tensor b = e.getValue().b();
                if (l == null || a.size(1) != l.inFeatures() || b.size(0) != l.outFeatures()) {
                    throw new IOException(adapterDir + ": adapter module '" + e.getKey() + "' does not fit this "
                            + model.config().architecture() + " model; was it trained on another base model?");
                }
                double r = a.size(0);
                double scaling = saved.config().rsLora() ? saved.config().alpha() / Math.sqrt(r)
                        : saved.config().alpha() / r;
                m.add(l, a, b, scaling);
            }
            return m;
        }
    }

    /** Adapter parameters are fp32 leaves (fp64 when the model is fp64, for gradient checks). */
    private void add(Linear l, Tensor a, Tensor b, double scaling) {
        var type = model.computeType() == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
        Tensor ta = Tensors.retain(a.detach().to(type).contiguous().clone().set_requires_grad(true));
        Tensor tb = Tensors.retain(b.detach().to(type).contiguous().clone().set_requires_grad(true));
        LoraLinear adapter = new LoraLinear(ta, tb, scaling, config.dropout(), () -> training, () -> enabled);
        adapters.put(l.name(), adapter);
        l.setAdapter(adapter);
    }

    public CausalLm model() { return model; }

    public LoraConfig config() { return config; }

    /** Turns adapter dropout on (training) or off (evaluation). */
    public void setTraining(boolean training) { this.training = training; }

    /**
     * Switches the adapters off (the model computes as its frozen base) or on again. DPO's reference model is the
     * base with the adapters off: no second copy of the weights.
     */
    public void setEnabled(boolean enabled) { this.enabled = enabled; }

    /** The trainable tensors by PEFT name (A then B of each adapted module, in layer order). */
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        adapters.forEach((m, a) -> {
            out.put(PeftFiles.nameA(m), a.a());
            out.put(PeftFiles.nameB(m), a.b());
        });
        return out;
    }

    /** Writes the adapter in the PEFT layout. */
    public void save(Path dir) throws IOException {
        Map<String, PeftFiles.Pair> pairs = new LinkedHashMap<>();
        adapters.forEach((m, a) -> pairs.put(m, new PeftFiles.Pair(a.a(), a.b())));
        PeftFiles.write(dir, config, pairs, baseName(), fanInFanOut());
    }

    /**
     * Writes this adapter stacked on {@code previous} (continuous fine-tuning: previous was merged into the base
     * this adapter was trained on). s₁B₁A₁ + s₂B₂A₂ = [s₁B₁ s₂B₂]·[A₁; A₂], so the sum is exactly one adapter of
     * rank r₁ + r₂ with alpha = rank (scale 1) — deployable on the original base model alone.
     */
    public void saveStackedOn(Path previous, Path dir) throws IOException {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            PeftFiles.Adapter prev = PeftFiles.read(previous);
            double prevScale = prev.config().rsLora() ? prev.config().alpha() / Math.sqrt(prev.config().rank())
                    : prev.config().alpha() / prev.config().rank();
            int rank = prev.config().rank() + config.rank();
            Map<String, PeftFiles.Pair> pairs = new LinkedHashMap<>();
            for (Linear l : linears.values()) {
                PeftFiles.Pair p = prev.modules().get(l.name());
                LoraLinear cur = adapters.get(l.name());
                if (p == null && cur == null) continue;
                Tensor a1 = p != null ? p.a() : zeros(prev.config().rank(), l.inFeatures());
                Tensor b1 = p != null ? p.b().mul(Tensors.scalar(prevScale)) : zeros(l.outFeatures(), prev.config().rank());
                Tensor a2 = cur != null ? cur.a() : zeros(config.rank(), l.inFeatures());
                Tensor b2 = cur != null ? cur.b().mul(Tensors.scalar(cur.scaling())) : zeros(l.outFeatures(), config.rank());
                pairs.put(l.name(), new PeftFiles.Pair(Tensors.cat(List.of(a1, a2), 0), Tensors.cat(List.of(b1, b2), 1)));
            }
            List<String> targets = new ArrayList<>(prev.config().targetModules());
            for (String t : config.targetModules()) if (!targets.contains(t)) targets.add(t);
            PeftFiles.write(dir, new LoraConfig(rank, rank, config.dropout(), targets, false), pairs, baseName(),
                    fanInFanOut());
        }
    }

    /** Adds every update into its base weight (W += s·B·A) and detaches the adapters; this object is then done. */
    public void mergeIntoBase() {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            adapters.forEach((m, a) -> {
                Linear l = linears.get(m);
                l.weight().add_(a.deltaWeight().to(Tensors.type(l.weight())));
            });
        }
        close();
    }

    private static Tensor zeros(long rows, long cols) { return org.bytedeco.pytorch.global.torch.zeros(rows, cols); }

    private String baseName() { return model.sourceDir().getFileName().toString(); }

    /** PEFT's flag for GPT-2's Conv1D layers: its merge transposes the update to their (in, out) layout. */
    private boolean fanInFanOut() { return model.config().architecture() == Architecture.GPT2; }

    /** Detaches the adapters from the model and frees them. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        adapters.forEach((m, a) -> {
            linears.get(m).setAdapter(null);
            a.a().releaseReference();
            a.b().releaseReference();
        });
    }
}
