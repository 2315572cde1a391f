package dev.whetstone.engine.torch.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.image.DecodedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Idefics3ImageProcessor's rules on SmolVLM-256M-Instruct's preprocessor config (size.longest_edge 2048,
 * max_image_size 512, splitting on, image_seq_len 64): sizes, tiles and token counts worked out by hand.
 */
class ImageProcessorTest {
    static ProcessorConfig smolVlm256() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("image_processor_type", "Idefics3ImageProcessor").put("do_resize", true).put("resample", 1)
                .put("do_image_splitting", true).put("do_rescale", true).put("rescale_factor", 1 / 255.0)
                .put("do_normalize", true).put("do_convert_rgb", true).put("do_pad", true);
        c.putObject("size").put("longest_edge", 2048);
        c.putObject("max_image_size").put("longest_edge", 512);
        c.putArray("image_mean").add(0.5).add(0.5).add(0.5);
        c.putArray("image_std").add(0.5).add(0.5).add(0.5);
        return ProcessorConfig.parse(c, 64, "preprocessor_config.json");
    }

    /**
     * width × height → after the longest-edge resize → after rounding up to multiples of 512 → rows × cols tiles.
     * 640×480: 2048 × int(2048 / 1.333…) = 1536 → 2048×1536 → 3 × 4. 100×50: 2048 × 1024 → 2 × 4.
     * 300×1000 (tall): 2048 high, int(2048 · 0.3) = 614 wide → 1024 → 4 × 2. 333×333: 2048² → 4 × 4.
     * 641×480: int(2048 / 1.33541…) = 1533, made even 1534 → rounded up to 1536 → 3 × 4.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"640, 480, 1536, 2048, 3, 4", "100, 50, 1024, 2048, 2, 4", "300, 1000, 2048, 614, 4, 2",
            "333, 333, 2048, 2048, 4, 4", "641, 480, 1534, 2048, 3, 4"})
    void tilesAndTokensFollowTheProcessorRules(int w, int h, int resizedH, int resizedW, int rows, int cols) {
        assertThat(ImageProcessor.longestEdgeSize(h, w, 2048)).containsExactly(resizedH, resizedW);
        ImageProcessor.Frames f = new ImageProcessor(smolVlm256()).process(solid(w, h, 10, 20, 30));
        assertThat(f.rows()).isEqualTo(rows);
        assertThat(f.cols()).isEqualTo(cols);
        assertThat(f.count()).isEqualTo(rows * cols + 1);
        assertThat(f.size()).isEqualTo(512);
        assertThat(f.pixels()).hasSize(f.count() * 3 * 512 * 512);
        String prompt = ImagePrompt.of(f.rows(), f.cols(), 64);
        assertThat(count(prompt, ImagePrompt.IMAGE)).isEqualTo(64 * (rows * cols + 1));
        assertThat(count(prompt, ImagePrompt.FAKE_AROUND)).isEqualTo(rows * cols + 2);
        assertThat(count(prompt, "\n")).isEqualTo(rows + 1);
        assertThat(prompt).startsWith("<fake_token_around_image><row_1_col_1><image>")
                .contains("<fake_token_around_image><row_" + rows + "_col_" + cols + "><image>")
                .endsWith("<image>\n\n<fake_token_around_image><global-img>" + "<image>".repeat(64)
                        + "<fake_token_around_image>");
    }

    @Test
    void anImageThatFitsOneFrameIsNotSplit() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.putObject("size").put("longest_edge", 512);
        c.putObject("max_image_size").put("longest_edge", 512);
        // 512×384 → 512 × 384 → rounded up to 512 × 512: one frame, the global view only
        ImageProcessor.Frames f = new ImageProcessor(ProcessorConfig.parse(c, 64, "p")).process(solid(512, 384, 0, 0, 0));
        assertThat(f.count()).isEqualTo(1);
        assertThat(f.rows()).isZero();
        assertThat(ImagePrompt.of(0, 0, 3))
                .isEqualTo("<fake_token_around_image><global-img><image><image><image><fake_token_around_image>");
    }

    @Test
    void withoutSplittingTheImageIsSquaredToMaxImageSize() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("do_image_splitting", false);
        c.putObject("size").put("longest_edge", 64);
        c.putObject("max_image_size").put("longest_edge", 32);
        ImageProcessor.Frames f = new ImageProcessor(ProcessorConfig.parse(c, 4, "p")).process(solid(90, 30, 1, 2, 3));
        assertThat(f.count()).isEqualTo(1);
        assertThat(f.size()).isEqualTo(32);
    }

    /** A solid colour stays solid through Lanczos; values are (v / 255 − 0.5) / 0.5 in fp32, channel first. */
    @Test
    void rescaleAndNormaliseFollowTheConfig() {
        ImageProcessor.Frames f = new ImageProcessor(smolVlm256()).process(solid(700, 500, 255, 0, 128));
        int n = 512 * 512;
        float blue = ((float) (128 * (1 / 255.0)) - 0.5f) / 0.5f;
        for (int frame = 0; frame < f.count(); frame++) {
            int o = frame * 3 * n;
            for (int i = 0; i < n; i += 997) {
                assertThat(f.pixels()[o + i]).isEqualTo(1.0f);
                assertThat(f.pixels()[o + n + i]).isEqualTo(-1.0f);
                assertThat(f.pixels()[o + 2 * n + i]).isEqualTo(blue);
            }
        }
    }

    /**
     * Pillow's bilinear 4 → 2: output 0 is centred at input 1.0 with support 2 (widened by the scale), weights
     * 0.75, 0.75, 0.25 normalised to 3/7, 3/7, 1/7: (0·3 + 70·3 + 140) / 7 = 50; output 1: inputs 1..3 weighted
     * 1/7, 3/7, 3/7: (70 + 140·3 + 210·3) / 7 = 160.
     */
    @Test
    void resamplingMatchesPillowsFilterArithmetic() {
        byte[] row = new byte[] {0, 0, 0, 70, 70, 70, (byte) 140, (byte) 140, (byte) 140, (byte) 210, (byte) 210,
                (byte) 210};
        byte[] out = PilResize.resize(row, 4, 1, 2, 1, PilResize.Filter.BILINEAR);
        assertThat(out[0] & 0xff).isEqualTo(50);
        assertThat(out[3] & 0xff).isEqualTo(160);
    }

    @Test
    void unsupportedProcessorSettingsAreRefused() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("resample", 0);
        assertThatThrownBy(() -> ProcessorConfig.parse(c, 64, "preprocessor_config.json"))
                .hasMessageContaining("resample 0 is not supported");
        ObjectNode s = new ObjectMapper().createObjectNode();
        s.putObject("size").put("height", 10).put("width", 10);
        assertThatThrownBy(() -> ProcessorConfig.parse(s, 64, "preprocessor_config.json"))
                .hasMessageContaining("size must be {\"longest_edge\": n}");
    }

    @Test
    void placeholdersExpandInOrder() {
        ImageProcessor.Frames split = new ImageProcessor.Frames(new float[0], 3, 32, 1, 2);
        ImageProcessor.Frames whole = new ImageProcessor.Frames(new float[0], 1, 32, 0, 0);
        String text = ImagePrompt.expand("a<image>b<image>c", List.of(split, whole), 1);
        assertThat(text).isEqualTo("a<fake_token_around_image><row_1_col_1><image><fake_token_around_image>"
                + "<row_1_col_2><image>\n\n<fake_token_around_image><global-img><image><fake_token_around_image>b"
                + "<fake_token_around_image><global-img><image><fake_token_around_image>c");
        assertThatThrownBy(() -> ImagePrompt.expand("a<image>b", List.of(), 1))
                .hasMessageContaining("1 <image> placeholders but 0 images");
    }

    static DecodedImage solid(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = (byte) r;
            rgb[i * 3 + 1] = (byte) g;
            rgb[i * 3 + 2] = (byte) b;
        }
        return new DecodedImage(w, h, rgb, "test");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) n++;
        return n;
    }
}
