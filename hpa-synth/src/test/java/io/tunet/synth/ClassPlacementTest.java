package io.tunet.synth;

import io.tunet.schemas.HpaClasses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For every class, the true mask is non-empty and lies in the compartment the class is defined by, judged
 * against the scene's own ground truth (nuclei, outlines, centrosomes, filaments).
 */
class ClassPlacementTest {

    private static final HpaSynth SYNTH = HpaSynth.builder().size(256).cellsPerField(6).build();
    private static final int FIELDS = 3;

    static IntStream classes() {
        return IntStream.range(0, HpaClasses.COUNT);
    }

    @ParameterizedTest(name = "class {0}")
    @MethodSource("classes")
    void shouldDrawEachClassInsideItsCompartment(int c) {
        for (int i = 0; i < FIELDS; i++) {
            HpaSynth.Rendered r = SYNTH.render(11, 100L * c + i, new int[] {c});
            BinaryMask m = r.field().mask(c);
            Scene s = r.scene();
            String what = HpaClasses.name(c) + " in field " + i;
            assertTrue(m.area() > 0, what + ": empty mask");
            int n = s.size * s.size;
            int outside = 0;
            for (int p = 0; p < n; p++) {
                if (m.contains(p) && !inCompartment(c, s, p)) {
                    outside++;
                }
            }
            assertTrue(outside == 0, what + ": " + outside + " of " + m.area() + " mask pixels outside the compartment");
        }
    }

    private static boolean inCompartment(int c, Scene s, int p) {
        int o = s.owner[p];
        boolean nucleus = s.nucleus[p] != 0;
        boolean cytoplasm = o != 0 && !nucleus;
        float x = p % s.size + 0.5f, y = p / s.size + 0.5f;
        Cell cell = o == 0 ? null : s.cell(o);
        switch (c) {
            case 0, 4, 5:
                return nucleus;
            case 1:
                return nucleus && s.nucleusDistance[p] > 0.8f;
            case 2, 3:
                return nucleus && nearNucleolus(cell, x, y, 0.6f);
            case 7:
                // Golgi: beside the nucleus, on the centrosome's side.
                return cytoplasm && s.nucleusDistance[p] < 1.9f
                        && (x - cell.nx) * (cell.csx - cell.nx) + (y - cell.ny) * (cell.csy - cell.ny) > 0;
            case 10:
                return cytoplasm && s.nucleusDistance[p] < 2.2f;
            case 14:
                return cytoplasm && onPath(s, p, Paths.MICROTUBULE, 0);
            case 15:
                return cytoplasm && onPath(s, p, Paths.MICROTUBULE, 2 * s.k + 1);
            case 16:
                return !nucleus && onPath(s, p, Paths.BRIDGE, 2 * s.k + 1);
            case 17:
                return o != 0 && cell.state == Cell.State.MITOTIC && onPath(s, p, Paths.SPINDLE, 0);
            case 18, 19:
                return o != 0 && nearPole(cell, x, y, 4.5f * s.k + 1);
            case 21:
                return o != 0 && s.border[p] != 0;
            case 22:
                return o != 0 && (s.border[p] & Scene.FACES_CELL) != 0;
            case 12:
                return o != 0;
            default:
                return cytoplasm;
        }
    }

    private static boolean nearNucleolus(Cell cell, float x, float y, float margin) {
        float[] nl = cell.nucleoli;
        for (int i = 0; i < nl.length; i += 3) {
            float dx = x - nl[i], dy = y - nl[i + 1];
            float r = nl[i + 2] + margin;
            if (dx * dx + dy * dy <= r * r) {
                return true;
            }
        }
        return false;
    }

    private static boolean nearPole(Cell cell, float x, float y, float d) {
        float dx = x - cell.csx, dy = y - cell.csy;
        if (dx * dx + dy * dy <= d * d) {
            return true;
        }
        dx = x - cell.pole2x;
        dy = y - cell.pole2y;
        return cell.state == Cell.State.MITOTIC && dx * dx + dy * dy <= d * d;
    }

    private static Scene nearScene;
    private static final java.util.Map<String, boolean[]> NEAR = new java.util.HashMap<>();

    /** Whether pixel p lies within {@code within} pixels of a traced path of {@code kind} (cached per scene). */
    private static boolean onPath(Scene s, int p, byte kind, float within) {
        if (nearScene != s) {
            nearScene = s;
            NEAR.clear();
        }
        boolean[] near = NEAR.computeIfAbsent(kind + "/" + within, key -> {
            boolean[] m = new boolean[s.size * s.size];
            int rad = (int) Math.ceil(within);
            Paths ps = s.paths;
            for (int f = 0; f < ps.count; f++) {
                if (ps.kind[f] != kind) {
                    continue;
                }
                for (int i = ps.start[f]; i < ps.end[f]; i++) {
                    int q = ps.pixels[i];
                    int qx = q % s.size, qy = q / s.size;
                    for (int dy = -rad; dy <= rad; dy++) {
                        for (int dx = -rad; dx <= rad; dx++) {
                            int x = qx + dx, y = qy + dy;
                            if (x >= 0 && y >= 0 && x < s.size && y < s.size && dx * dx + dy * dy <= within * within) {
                                m[y * s.size + x] = true;
                            }
                        }
                    }
                }
            }
            return m;
        });
        return near[p];
    }

    @Test
    void shouldDrawAPatternInMostButNotAllCells() {
        HpaSynth synth = HpaSynth.builder().size(512).build();
        int shown = 0, eligible = 0;
        for (int i = 0; i < 4; i++) {
            HpaSynth.Rendered r = synth.render(3, i, new int[] {0});
            BinaryMask m = r.field().mask(0);
            boolean[] has = new boolean[r.scene().cells.size() + 1];
            for (int p = 0; p < m.size() * m.size(); p++) {
                if (m.contains(p)) {
                    has[r.scene().owner[p]] = true;
                }
            }
            for (Cell c : r.scene().cells) {
                if (c.hasNucleus()) {
                    eligible++;
                    shown += has[c.id] ? 1 : 0;
                }
            }
        }
        double fraction = (double) shown / eligible;
        assertTrue(fraction > 0.7 && fraction < 0.97, "nucleoplasm shown in " + fraction + " of " + eligible + " cells");
    }

    @Test
    void shouldTellPeroxisomesEndosomesAndLysosomesApartBySizeCountAndPlace() {
        double[] perox = dotStats(8), endo = dotStats(9), lyso = dotStats(10);
        // {mean dot area, dots per cell showing them, mean nucleus-normalised distance}
        assertTrue(perox[0] < endo[0] && endo[0] < lyso[0], "dot sizes " + perox[0] + " < " + endo[0] + " < " + lyso[0]);
        assertTrue(perox[1] > endo[1] && endo[1] > lyso[1], "dot counts " + perox[1] + " > " + endo[1] + " > " + lyso[1]);
        assertTrue(lyso[2] < perox[2] && perox[2] < endo[2], "distances " + lyso[2] + " < " + perox[2] + " < " + endo[2]);
    }

    private static double[] dotStats(int c) {
        HpaSynth synth = HpaSynth.builder().size(512).build();
        List<Integer> areas = new ArrayList<>();
        double distance = 0;
        int cells = 0;
        for (int i = 0; i < 3; i++) {
            HpaSynth.Rendered r = synth.render(21, i, new int[] {c});
            BinaryMask m = r.field().mask(c);
            boolean[] has = new boolean[r.scene().cells.size() + 1];
            for (int p = 0; p < m.size() * m.size(); p++) {
                if (m.contains(p)) {
                    distance += r.scene().nucleusDistance[p];
                    has[r.scene().owner[p]] = true;
                }
            }
            for (boolean h : has) {
                cells += h ? 1 : 0;
            }
            areas.addAll(componentAreas(m));
        }
        double total = areas.stream().mapToInt(Integer::intValue).sum();
        return new double[] {total / areas.size(), (double) areas.size() / cells, distance / total};
    }

    static List<Integer> componentAreas(BinaryMask m) {
        int n = m.size();
        boolean[] seen = new boolean[n * n];
        List<Integer> areas = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int p = 0; p < n * n; p++) {
            if (!m.contains(p) || seen[p]) {
                continue;
            }
            int area = 0;
            seen[p] = true;
            queue.add(p);
            while (!queue.isEmpty()) {
                int q = queue.poll();
                area++;
                int x = q % n, y = q / n;
                int[] next = {x > 0 ? q - 1 : -1, x < n - 1 ? q + 1 : -1, y > 0 ? q - n : -1, y < n - 1 ? q + n : -1};
                for (int v : next) {
                    if (v >= 0 && !seen[v] && m.contains(v)) {
                        seen[v] = true;
                        queue.add(v);
                    }
                }
            }
            areas.add(area);
        }
        return areas;
    }
}
