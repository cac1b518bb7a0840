package io.tunet.results;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.testkit.KafkaBrokerTestResource;

/**
 * How long {@code GET /api/queue} takes over 100,000 stored samples (110,000 predictions: every tenth sample has
 * a second model version; every fiftieth is labelled), all plates and one plate of 5,000. Rows are written
 * straight into PostgreSQL (the queue reads only the tables) and deleted afterwards. Prints and writes
 * {@code target/benchmark/label-queue.txt}; not part of the default test run:
 * {@code ./mvnw -B -pl results-sink -am verify -Dtest=LabelQueueBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtunet.benchmark=true}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@EnabledIfSystemProperty(named = "tunet.benchmark", matches = "true")
class LabelQueueBenchmark {

    private static final int SAMPLES = 100_000;
    private static final int RUNS = 7;
    private static final String VIEWER = "Bearer " + EmbeddedPostgresTestResource.VIEWER_TOKEN;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void measureQueueResponseTime() throws Exception {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // probabilities skewed per class (class i: random()^(1 + i/3)), so that some classes are rare
            s.execute("""
                    INSERT INTO predictions (sample_id, model_name, model_version, plate, well, field, probabilities,
                        predicted_labels, thresholds, top_class, top_probability, inference_latency_ms, device,
                        sample_assembled_at, last_acquired_at, classified_at)
                    SELECT 'qbench-' || g.n, 'tunet', v.version, 'PLATE-QBENCH-' || (g.n %% 20), 'A01', 1, r.probs,
                        ARRAY(SELECT i - 1 FROM generate_series(1, 28) i WHERE r.probs[i] >= 0.2 + 0.01 * i),
                        ARRAY(SELECT (0.2 + 0.01 * i)::real FROM generate_series(1, 28) i), 0, r.probs[1], 10, 'cpu',
                        now(), now(), now() + v.version * interval '1 second'
                    FROM generate_series(1, %d) g(n)
                    CROSS JOIN LATERAL (SELECT 1 AS version UNION ALL SELECT 2 WHERE g.n %% 10 = 0) v
                    CROSS JOIN LATERAL (SELECT ARRAY(SELECT (floor(10000 * random() ^ (1 + (i - 1) / 3.0)) / 10000 + 0 * g.n)::real
                        FROM generate_series(1, 28) i) AS probs) r""".formatted(SAMPLES));
            s.execute("""
                    INSERT INTO feedback (feedback_id, sample_id, labels, labelled_by, source, labelled_at)
                    SELECT 'qbench-fb-' || n, 'qbench-' || n, ARRAY[0], 'bench', 'CURATOR', now()
                    FROM generate_series(50, %d, 50) n""".formatted(SAMPLES));
            s.execute("ANALYZE predictions");
            s.execute("ANALYZE feedback");
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        try {
            String all = time("/api/queue?limit=50");
            String onePlate = time("/api/queue?limit=50&plate=PLATE-QBENCH-7");
            String most = time("/api/queue?limit=500");
            String report = String.format(Locale.ROOT, """
                    label-next queue over %d samples (110,000 predictions, 2,000 labelled), %d cores, embedded PostgreSQL 14
                    (rows written in %.1f s); GET over HTTP, %d runs each after one warm-up, min / median / max ms:
                    all plates, limit=50:   %s
                    one plate,  limit=50:   %s
                    all plates, limit=500:  %s
                    """, SAMPLES, Runtime.getRuntime().availableProcessors(), loadSeconds, RUNS, all, onePlate, most);
            System.out.print(report);
            Path out = Path.of("target", "benchmark", "label-queue.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM feedback WHERE feedback_id LIKE 'qbench-fb-%'");
                s.execute("DELETE FROM predictions WHERE sample_id LIKE 'qbench-%'");
            }
        }
    }

    private static String time(String path) {
        given().header("Authorization", VIEWER).when().get(path).then().statusCode(200);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            given().header("Authorization", VIEWER).when().get(path).then().statusCode(200);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        millis.sort(null);
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", millis.get(0), millis.get(RUNS / 2),
                millis.get(RUNS - 1));
    }
}
