package io.tunet.synth.preview;

import io.tunet.schemas.HpaClasses;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * One picture of all 28 classes: for each, a field carrying only that class, shown as the four-stain
 * composite and as its green stain alone, under the class index and name.
 */
public final class ContactSheet {

    private static final int COLUMNS = 4;
    private static final int CAPTION = 24;
    private static final int GAP = 6;
    private static final int CANDIDATES = 4;

    private ContactSheet() {
    }

    /** Of a few candidate fields, the one where the class covers most pixels: the clearest picture of it. */
    private static SynthField mostShowing(HpaSynth synth, long seed, int c) {
        SynthField best = null;
        for (int j = 0; j < CANDIDATES; j++) {
            SynthField f = synth.generate(seed, c + (long) HpaClasses.COUNT * j, c);
            if (best == null || f.mask(c).area() > best.mask(c).area()) {
                best = f;
            }
        }
        return best;
    }

    /**
     * Renders the sheet.
     *
     * @param synth the generator (its size is the tile size; 256 with 4 cells per field reads well)
     * @param seed  seed of the fields; class {@code c} is the best of fields (seed, c + 28 j), j < 4
     */
    public static BufferedImage render(HpaSynth synth, long seed) {
        int tile = synth.size();
        int rows = (HpaClasses.COUNT + COLUMNS - 1) / COLUMNS;
        int cellW = 2 * tile + GAP;
        int width = COLUMNS * cellW + (COLUMNS + 1) * GAP * 2;
        int height = rows * (tile + CAPTION) + (rows + 1) * GAP;
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            SynthField f = mostShowing(synth, seed, c);
            float[][] stains = new float[4][];
            for (Stain s : Stain.values()) {
                stains[s.ordinal()] = f.stain(s);
            }
            int x = GAP * 2 + (c % COLUMNS) * (cellW + GAP * 2);
            int y = GAP + (c / COLUMNS) * (tile + CAPTION + GAP);
            g.setColor(Color.WHITE);
            g.drawString(c + "  " + HpaClasses.name(c), x, y + CAPTION - 7);
            g.drawImage(Composite.rgb(stains, tile), x, y + CAPTION, null);
            g.drawImage(Composite.single(stains[Stain.GREEN.ordinal()], tile, 0x40FF40), x + tile + GAP, y + CAPTION, null);
        }
        g.dispose();
        return sheet;
    }
}
