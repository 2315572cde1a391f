package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Normalisation over the last (hidden) dimension. */
sealed interface Norm {
    Tensor forward(Tensor x);

    /**
     * RMSNorm as Hugging Face computes it: statistics in fp32 (bf16 has too few mantissa bits for a mean of
     * squares), the normalised value cast back to the input dtype before the weight multiply.
     */
    record Rms(Tensor weight, double eps) implements Norm {
        @Override
        public Tensor forward(Tensor x) {
            ScalarType in = Tensors.type(x);
            boolean upcast = in == ScalarType.BFloat16 || in == ScalarType.Half;
            Tensor xf = upcast ? x.to(ScalarType.Float) : x;
            Tensor r = xf.mul(xf.pow(Tensors.scalar(2)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                    .add(Tensors.scalar(eps)).rsqrt());
            // a mixed-precision model's fp32 weight is cast to the input's dtype (a no-op otherwise)
            return (upcast ? r.to(in) : r).mul(weight.to(in));
        }
    }

    /**
     * Gemma's RMSNorm: x̂·(1 + w), all in fp32 (the weight too) and only the product cast back to the input dtype;
     * an fp64 model stays in fp64.
     */
    record Gemma(Tensor weight, double eps) implements Norm {
        @Override
        public Tensor forward(Tensor x) {
            ScalarType in = Tensors.type(x);
            ScalarType compute = in == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
            Tensor xf = x.to(compute);
            Tensor r = xf.mul(xf.pow(Tensors.scalar(2)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                    .add(Tensors.scalar(eps)).rsqrt());
            return r.mul(weight.to(compute).add(Tensors.scalar(1))).to(in);
        }
    }

    /** LayerNorm with weight and bias (GPT-2). */
    record Layer(Tensor weight, Tensor bias, double eps) implements Norm {
        @Override
        public Tensor forward(Tensor x) {
            ScalarType in = Tensors.type(x);
            return torch.layer_norm(x, new long[] {weight.size(0)}, new TensorOptional(weight.to(in)),
                    new TensorOptional(bias.to(in)), eps, false);
        }
    }
}
