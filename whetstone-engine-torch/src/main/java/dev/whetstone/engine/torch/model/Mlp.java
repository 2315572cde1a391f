package dev.whetstone.engine.torch.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The position-wise feed-forward block. */
sealed interface Mlp {
    Tensor forward(Tensor x);

    List<Linear> linears();

    /** SwiGLU (Llama, Qwen2): down(silu(gate(x)) · up(x)). */
    record Gated(Linear gate, Linear up, Linear down) implements Mlp {
        @Override
        public Tensor forward(Tensor x) {
            return down.forward(torch.silu(gate.forward(x)).mul(up.forward(x)));
        }

        @Override
        public List<Linear> linears() { return List.of(gate, up, down); }
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
