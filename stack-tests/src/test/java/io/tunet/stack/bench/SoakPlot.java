package io.tunet.stack.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import io.tunet.stack.bench.BenchStats.Line;
import io.tunet.stack.bench.SoakBenchmark.Sample;

/**
 * The soak's picture: memory (PSS) per process and disk per directory against minutes, the warm-up shaded, each series'
 * fitted line dashed over the fit window, and its growth per hour in the legend. Plain Java2D: no chart library.
 */
final class SoakPlot {

    private static final int WIDTH = 1400;
    private static final int PANEL_HEIGHT = 440;
    private static final int LEFT = 90;
    private static final int LEGEND = 430;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0x7f7f7f)};
    private static final Stroke SOLID = new BasicStroke(2f);
    private static final Stroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 5f}, 0f);

    private SoakPlot() {
    }

    static void write(List<Sample> samples, Verdict verdict, Path png, String title) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, 60 + 2 * PANEL_HEIGHT + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title + " — verdict: " + (verdict.passed() ? "PASS" : "FAIL"), LEFT, 28);

        double[] minutes = samples.stream().mapToDouble(Sample::minutes).toArray();
        Map<String, double[]> memory = new LinkedHashMap<>();
        for (String process : samples.get(0).memory().keySet()) {
            memory.put(process, samples.stream().mapToDouble(s -> s.memory().getOrDefault(process, 0L) / 1e6).toArray());
        }
        Map<String, double[]> disk = new LinkedHashMap<>();
        for (String directory : samples.get(0).disk().keySet()) {
            disk.put(directory, samples.stream().mapToDouble(s -> s.disk().getOrDefault(directory, 0L) / 1e6).toArray());
        }
        panel(g, new Rectangle(LEFT, 60, WIDTH - LEFT - LEGEND, PANEL_HEIGHT - 70), "Memory per process (PSS; PostgreSQL:"
                + " postmaster + backends)", "MB", minutes, memory, verdict);
        panel(g, new Rectangle(LEFT, 60 + PANEL_HEIGHT, WIDTH - LEFT - LEGEND, PANEL_HEIGHT - 70), "disk per directory"
                + " (du, allocated)", "MB", minutes, disk, verdict);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, Rectangle area, String title, String unit, double[] x,
            Map<String, double[]> series, Verdict verdict) {
        double xMax = Math.max(1, x[x.length - 1]);
        double yMax = 0;
        for (double[] ys : series.values()) {
            for (double y : ys) {
                yMax = Math.max(yMax, y);
            }
        }
        yMax = niceCeiling(yMax * 1.05);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(title, area.x, area.y - 8);

        // warm-up
        int warmEnd = xPixel(area, Math.min(verdict.warmupMinutes(), xMax), xMax);
        g.setColor(new Color(0xeeeeee));
        g.fillRect(area.x, area.y, warmEnd - area.x, area.height);
        g.setColor(Color.GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("warm-up", area.x + 6, area.y + 16);

        // axes and grid
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double y = yMax * i / 5;
            int py = yPixel(area, y, yMax);
            g.setColor(new Color(0xdddddd));
            g.drawLine(area.x, py, area.x + area.width, py);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, yMax >= 50 ? "%.0f" : "%.1f", y);
            g.drawString(label, area.x - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        double xStep = xMax <= 10 ? 1 : xMax <= 40 ? 5 : 10;
        for (double t = 0; t <= xMax + 1e-9; t += xStep) {
            int px = xPixel(area, t, xMax);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, area.y, px, area.y + area.height);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, "%.0f", t);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, area.y + area.height + 16);
        }
        g.drawRect(area.x, area.y, area.width, area.height);
        g.drawString("minutes", area.x + area.width / 2 - 20, area.y + area.height + 32);
        g.drawString(unit, area.x - 60, area.y + area.height / 2);

        // series, fits, legend
        int colour = 0;
        int legendY = area.y + 14;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            g.setColor(COLOURS[colour++ % COLOURS.length]);
            g.setStroke(SOLID);
            double[] ys = s.getValue();
            List<int[]> points = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                points.add(new int[] {xPixel(area, x[i], xMax), yPixel(area, ys[i], yMax)});
            }
            for (int i = 1; i < points.size(); i++) {
                g.drawLine(points.get(i - 1)[0], points.get(i - 1)[1], points.get(i)[0], points.get(i)[1]);
            }
            for (int[] p : points) {
                g.fillOval(p[0] - 3, p[1] - 3, 6, 6);
            }
            Line fit = verdict.timeFits().get(s.getKey());
            String legend = String.format(Locale.ROOT, "%s: %.1f MB", s.getKey(), ys[ys.length - 1]);
            if (fit != null) {
                g.setStroke(DASHED);
                double from = verdict.warmupMinutes();
                double to = lastRunning(x, xMax);
                g.drawLine(xPixel(area, from, xMax), yPixel(area, fit.at(from) / 1e6, yMax), xPixel(area, to, xMax),
                        yPixel(area, fit.at(to) / 1e6, yMax));
                legend += String.format(Locale.ROOT, ", fit %+.1f MB/h", fit.slope() * 60 / 1e6);
            }
            g.setStroke(SOLID);
            g.fillRect(area.x + area.width + 20, legendY - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(legend, area.x + area.width + 40, legendY);
            legendY += 20;
        }
    }

    private static double lastRunning(double[] x, double xMax) {
        // the last sample is the one after draining; the fit covers the samples taken while fields were published
        return x.length >= 2 ? x[x.length - 2] : xMax;
    }

    private static int xPixel(Rectangle area, double x, double xMax) {
        return area.x + (int) Math.round(x / xMax * area.width);
    }

    private static int yPixel(Rectangle area, double y, double yMax) {
        return area.y + area.height - (int) Math.round(Math.max(0, y) / yMax * area.height);
    }

    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
