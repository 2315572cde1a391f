package dev.whetstone.engine.torch.export;

import java.nio.ByteBuffer;

/**
 * fp32 values to ggml's encodings, rounding as llama.cpp's own converter does: fp16 and bf16 to nearest-even
 * (bf16 NaNs stay quiet NaNs), Q8_0 per block of 32 with scale d = max|x| / 127 (stored as fp16) and
 * q = round-half-away-from-zero(x / d).
 */
final class GgufEncoding {
    private GgufEncoding() {}

    static void encode(float[] v, GgufType type, ByteBuffer out) {
        switch (type) {
            case F32 -> { for (float x : v) out.putFloat(x); }
            case F16 -> { for (float x : v) out.putShort(Float.floatToFloat16(x)); }
            case BF16 -> { for (float x : v) out.putShort(bf16(x)); }
            case Q8_0 -> q8_0(v, out);
        }
    }

    static short bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) (((bits & 0xffff0000) | (64 << 16)) >>> 16);
        long rounded = ((bits & 0xffffffffL) + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
        return (short) rounded;
    }

    private static void q8_0(float[] v, ByteBuffer out) {
        for (int start = 0; start < v.length; start += 32) {
            float amax = 0;
            for (int i = start; i < start + 32; i++) amax = Math.max(amax, Math.abs(v[i]));
            float d = amax / 127;
            float id = d == 0 ? 0 : 1 / d;
            out.putShort(Float.floatToFloat16(d));
            for (int i = start; i < start + 32; i++) out.put((byte) roundHalfAway(v[i] * id));
        }
    }

    /** C's roundf, which numpy's converter reproduces; Math.round would round −2.5 to −2. */
    private static int roundHalfAway(float x) {
        double a = Math.abs(x);
        double floored = Math.floor(a);
        return (int) Math.copySign(floored + Math.floor(2 * (a - floored)), x);
    }
}
