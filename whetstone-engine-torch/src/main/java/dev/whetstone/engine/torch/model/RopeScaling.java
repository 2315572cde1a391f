package dev.whetstone.engine.torch.model;

/**
 * Rotary-embedding frequency scaling from {@code rope_scaling} in config.json.
 *
 * @param type                 {@code llama3} (Llama 3.1+ long-context scaling) or {@code linear} (positions / factor)
 * @param factor               scale factor
 * @param lowFreqFactor        llama3 only
 * @param highFreqFactor       llama3 only
 * @param originalMaxPositions llama3 only: the context length the model was pre-trained with
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {

    /**
     * Applies the scaling to the base inverse frequencies (one per pair of head dimensions). Llama 3: long
     * wavelengths are divided by {@code factor}, short ones kept, the band between interpolated smoothly.
     */
    double[] apply(double[] invFreq) {
        double[] out = invFreq.clone();
        if (type.equals("linear")) {
            for (int i = 0; i < out.length; i++) out[i] = invFreq[i] / factor;
            return out;
        }
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < out.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen < highFreqWavelen) {
                out[i] = invFreq[i];
            } else if (wavelen > lowFreqWavelen) {
                out[i] = invFreq[i] / factor;
            } else {
                double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
            }
        }
        return out;
    }
}
