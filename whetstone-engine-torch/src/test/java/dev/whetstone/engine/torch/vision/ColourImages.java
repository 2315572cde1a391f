package dev.whetstone.engine.torch.vision;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/** A generated image data set: solid-colour PNGs as data: URLs, the answer naming the colour. */
public final class ColourImages {
    public static final String QUESTION = "What colour is this?";

    /** The classes: name and RGB. */
    public record Colour(String name, int r, int g, int b) {}

    public static final List<Colour> COLOURS = List.of(new Colour("red", 220, 30, 30),
            new Colour("green", 30, 200, 40), new Colour("blue", 30, 40, 220), new Colour("yellow", 230, 220, 40));

    private ColourImages() {}

    /** A w × h PNG of the colour shifted by {@code shade} in every channel, as a data: URL. */
    public static String dataUrl(Colour c, int w, int h, int shade) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int rgb = (clamp(c.r() + shade) << 16) | (clamp(c.g() + shade) << 8) | clamp(c.b() + shade);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** The user's turn: the image, then the question. */
    public static ChatMessage question(String url) {
        return new ChatMessage("user", List.of(new ContentPart.Image(url, null), new ContentPart.Text(QUESTION)),
                null, null);
    }

    /** Training examples: every colour at each of the sizes/shades, in colour-interleaved order. */
    public static List<ChatExample> training() {
        int[][] variants = {{24, 24, 0}, {40, 28, -15}, {20, 50, 12}, {64, 40, 6}};
        List<ChatExample> out = new ArrayList<>();
        for (int[] v : variants) {
            for (Colour c : COLOURS) {
                out.add(new ChatExample(List.of(question(dataUrl(c, v[0], v[1], v[2])),
                        ChatMessage.text("assistant", c.name()))));
            }
        }
        return out;
    }

    private static int clamp(int v) { return Math.max(0, Math.min(255, v)); }
}
