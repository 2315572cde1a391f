package dev.whetstone.engine.torch.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The position-wise feed-forward block. */
sealed interface Mlp permits Mlp.Gated, Mlp.FusedGated, Mlp.Gelu {
    Tensor forward(Tensor x);

    List<Linear> linears();

    /** The projections a decode step runs (stacked ones in place of their parts). */
    default List<Linear> decodeLinears() { return linears(); }

    /** Stacks projections that read the same input into one product for inference (idempotent); see FusedLinear. */
    default void fuseProjections() {}

    default void releaseFused() {}

    /** Gated: down(act(gate(x)) · up(x)), SiLU (SwiGLU: Llama, Qwen) or GELU(tanh) (GeGLU: Gemma). */
    final class Gated implements Mlp {
        private final Linear gate;
        private final Linear up;
        private final Linear down;
        private final boolean geluTanh;
        private FusedLinear gateUp;

        Gated(Linear gate, Linear up, Linear down, ModelConfig.Activation activation) {
            if (activation == ModelConfig.Activation.GELU) {
                throw new UnsupportedModelException("a gated MLP with exact GELU is not supported");
            }
            this.gate = gate;
            this.up = up;
            this.down = down;
            this.geluTanh = activation == ModelConfig.Activation.GELU_TANH;
        }

        @Override
        public Tensor forward(Tensor x) {
            if (gateUp != null) {
                Tensor[] gu = gateUp.forward(x);
                return down.forward(act(gu[0]).mul(gu[1]));
            }
            return down.forward(act(gate.forward(x)).mul(up.forward(x)));
        }

        private Tensor act(Tensor g) { return geluTanh ? torch.gelu(g, "tanh") : torch.silu(g); }

        @Override
        public List<Linear> linears() { return List.of(gate, up, down); }

        /** Whether the gate's non-linearity is SiLU (SwiGLU), not GELU(tanh). */
        boolean silu() { return !geluTanh; }

        @Override
        public List<Linear> decodeLinears() { return gateUp == null ? linears() : List.of(gateUp.stacked(), down); }

        @Override
        public void fuseProjections() {
            if (gateUp == null) gateUp = FusedLinear.of(List.of(gate, up));
        }

        @Override
        public void releaseFused() {
            if (gateUp != null) gateUp.release();
            gateUp = null;
        }
    }

    /**
     * Phi-3: one gate_up_proj (D → 2·F) whose first F outputs are the gate and last F the up projection
     * (transformers' chunk(2, dim=-1)), then down(silu(gate) · up). LoRA adapts the fused weight as one module, as
     * PEFT does on Phi-3.
     */
    record FusedGated(Linear gateUp, Linear down) implements Mlp {
        @Override
        public Tensor forward(Tensor x) {
            Tensor gu = gateUp.forward(x);
            long f = gu.size(-1) / 2;
            return down.forward(torch.silu(gu.narrow(-1, 0, f)).mul(gu.narrow(-1, f, f)));
        }

        @Override
        public List<Linear> linears() { return List.of(gateUp, down); }
    }

    /** GPT-2: proj(gelu(fc(x))), GELU with the tanh approximation ("gelu_new") or exact. */
    record Gelu(Linear fc, Linear proj, boolean tanhApproximation) implements Mlp {
        @Override
        public Tensor forward(Tensor x) {
            Tensor h = fc.forward(x);
            return proj.forward(tanhApproximation ? torch.gelu(h, "tanh") : torch.gelu(h));
        }

        @Override
        public List<Linear> linears() { return List.of(fc, proj); }
    }
}
