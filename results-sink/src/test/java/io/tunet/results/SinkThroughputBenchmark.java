package io.tunet.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.schemas.Classification;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;

/**
 * How fast the sink stores results, on this machine: classifications with their masks (64² masks, two
 * classes each), and samples with four 512² PNG stains (thumbnail work). Prints and writes
 * {@code target/benchmark/results-sink.txt}; not part of the default test run:
 * {@code ./mvnw -B -pl results-sink verify -Dtest=SinkThroughputBenchmark -Dtunet.benchmark=true}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@EnabledIfSystemProperty(named = "tunet.benchmark", matches = "true")
class SinkThroughputBenchmark {

    private static final int RESULTS = 3000;
    private static final int SAMPLES = 150;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void measureStoredRecordsPerSecond() throws Exception {
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        List<Classification> classifications = IntStream.range(0, RESULTS)
                .mapToObj(i -> Fixtures.classification("bench-" + i, "PLATE-BENCH", "D" + String.format("%02d", 1 + i % 12),
                        1, i % 28, 0.8f, List.of(i % 28, (i + 5) % 28)))
                .toList();
        List<SegmentationMask> masks = IntStream.range(0, RESULTS)
                .mapToObj(i -> Fixtures.masks("bench-" + i, 1, List.of(i % 28, (i + 5) % 28)))
                .toList();
        long start = System.nanoTime();
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
        Sink.publish(Topics.MASKS, masks, SegmentationMask::getSampleId);
        Sink.awaitCaughtUp(Duration.ofMinutes(10));
        double resultSeconds = (System.nanoTime() - start) / 1e9;

        List<Sample> samples = IntStream.range(0, SAMPLES)
                .mapToObj(i -> Fixtures.sample("bench-" + i, "PLATE-BENCH", "D01", 512))
                .toList();
        start = System.nanoTime();
        Sink.publish(Topics.SAMPLES, samples, Sample::getSampleId);
        Sink.awaitCaughtUp(Duration.ofMinutes(10));
        double sampleSeconds = (System.nanoTime() - start) / 1e9;

        long stored = Sink.count(dataSource, "SELECT count(*) FROM predictions WHERE plate = 'PLATE-BENCH'");
        long thumbnails = Sink.count(dataSource, "SELECT count(*) FROM samples WHERE plate = 'PLATE-BENCH' "
                + "AND thumbnail IS NOT NULL");
        String report = String.format(Locale.ROOT, """
                results-sink throughput (%d cores, embedded PostgreSQL 14, in-JVM Kafka; publish + store until committed)
                classification + masks pairs: %d in %.1f s = %.0f results/s (%.0f records/s); %d prediction rows
                samples with four 512x512 PNG stains: %d in %.1f s = %.1f samples/s; %d thumbnails
                """, Runtime.getRuntime().availableProcessors(), RESULTS, resultSeconds, RESULTS / resultSeconds,
                2 * RESULTS / resultSeconds, stored, SAMPLES, sampleSeconds, SAMPLES / sampleSeconds, thumbnails);
        System.out.print(report);
        Path out = Path.of("target", "benchmark", "results-sink.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
