package dev.whetstone.engine.torch.vision;

import dev.whetstone.data.image.DecodedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Idefics3ImageProcessor on a {@link DecodedImage}: resize so the longest edge is size.longest_edge (aspect kept,
 * the short side made even), then either split — resize both sides up to multiples of max_image_size, cut
 * rows × cols tiles of max_image_size, and append the whole image resized to max_image_size² as the global view —
 * or square the image to max_image_size². Each frame is rescaled and normalised, channel-first.
 */
public final class ImageProcessor {
    private final ProcessorConfig config;

    public ImageProcessor(ProcessorConfig config) { this.config = config; }

    public ProcessorConfig config() { return config; }

    /**
     * The frames of one image.
     *
     * @param pixels frames × 3 × S × S normalised values (S = max_image_size), tiles row by row, the global view last
     * @param rows   tile rows (0 when the image was not split); likewise cols
     */
    public record Frames(float[] pixels, int count, int size, int rows, int cols) {}

    public Frames process(DecodedImage image) { return process(image, config.splitImages()); }

    /**
     * @param split whether to cut tiles (ImageDetail: low → false, high → true, auto → the config's
     *              do_image_splitting); false gives the image squared to max_image_size, one frame
     */
    public Frames process(DecodedImage image, boolean split) {
        Rgb img = new Rgb(image.rgb(), image.width(), image.height());
        if (config.longestEdge() > 0) {
            int[] hw = longestEdgeSize(img.h, img.w, config.longestEdge());
            img = img.resized(hw[1], hw[0], config.resample());
        }
        int max = config.maxImageSize();
        List<Rgb> frames = new ArrayList<>();
        int rows = 0;
        int cols = 0;
        if (split) {
            int[] hw = multiplesOf(img.h, img.w, max);
            img = img.resized(hw[1], hw[0], config.resample());
            if (img.h > max || img.w > max) {
                rows = ceilDiv(img.h, max);
                cols = ceilDiv(img.w, max);
                int tileH = ceilDiv(img.h, rows);
                int tileW = ceilDiv(img.w, cols);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        frames.add(img.crop(c * tileW, r * tileH, Math.min(c * tileW + tileW, img.w),
                                Math.min(r * tileH + tileH, img.h)));
                    }
                }
                img = img.resized(max, max, config.resample());
            }
        } else {
            img = img.resized(max, max, config.resample());
        }
        frames.add(img);
        float[] out = new float[frames.size() * 3 * max * max];
        for (int f = 0; f < frames.size(); f++) normalise(frames.get(f), out, f * 3 * max * max);
        return new Frames(out, frames.size(), max, rows, cols);
    }

    /** (v · rescale_factor − mean) / std per channel, in fp32 as numpy computes it; HWC → CHW. */
    private void normalise(Rgb frame, float[] out, int offset) {
        int n = frame.w * frame.h;
        for (int c = 0; c < 3; c++) {
            float mean = config.mean()[c];
            float std = config.std()[c];
            for (int i = 0; i < n; i++) {
                float v = (float) ((frame.rgb[i * 3 + c] & 0xff) * config.rescaleFactor());
                out[offset + c * n + i] = (v - mean) / std;
            }
        }
    }

    /**
     * get_resize_output_image_size: the longest edge becomes {@code longest}, the other int(longest / aspect),
     * made even; then both kept under MAX_IMAGE_SIZE. Returns {height, width}.
     */
    static int[] longestEdgeSize(int height, int width, int longest) {
        double aspect = (double) width / height;
        int h = height;
        int w = width;
        if (w >= h) {
            w = longest;
            h = (int) (w / aspect);
            if (h % 2 != 0) h++;
        } else {
            h = longest;
            w = (int) (h * aspect);
            if (w % 2 != 0) w++;
        }
        h = Math.max(h, 1);
        w = Math.max(w, 1);
        int cap = ProcessorConfig.MAX_IMAGE_SIZE;
        aspect = (double) w / h;
        if (w >= h && w > cap) {
            w = cap;
            h = (int) (w / aspect);
        } else if (h > w && h > cap) {
            h = cap;
            w = (int) (h * aspect);
        }
        return new int[] {Math.max(h, 1), Math.max(w, 1)};
    }

    /** resize_for_vision_encoder: both sides up to multiples of {@code max}, the aspect kept in between. */
    static int[] multiplesOf(int height, int width, int max) {
        double aspect = (double) width / height;
        int h;
        int w;
        if (width >= height) {
            w = ceilDiv(width, max) * max;
            h = (int) (w / aspect);
            h = ceilDiv(h, max) * max;
        } else {
            h = ceilDiv(height, max) * max;
            w = (int) (h * aspect);
            w = ceilDiv(w, max) * max;
        }
        return new int[] {h, w};
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** 8-bit RGB, row-major, channel last. */
    private record Rgb(byte[] rgb, int w, int h) {
        Rgb resized(int outW, int outH, PilResize.Filter filter) {
            if (outW == w && outH == h) return this;
            return new Rgb(PilResize.resize(rgb, w, h, outW, outH, filter), outW, outH);
        }

        Rgb crop(int x0, int y0, int x1, int y1) {
            int cw = x1 - x0;
            int ch = y1 - y0;
            byte[] out = new byte[cw * ch * 3];
            for (int y = 0; y < ch; y++) System.arraycopy(rgb, ((y0 + y) * w + x0) * 3, out, y * cw * 3, cw * 3);
            return new Rgb(out, cw, ch);
        }
    }
}
