package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static io.tunet.gateway.StainFiles.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** A thousand files at once: more events than the watch service queues, so the rescans must find the rest. */
@WithKafka
class GatewayBurstTest {

    private static final int FIELDS = 250;

    @TempDir
    Path temp;

    @Test
    void shouldPublishABurstOfAThousandFilesEachOnce(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FIELDS; i++) {
            ids.add("burst-" + run + "-" + i);
        }
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { })) {
            long start = System.nanoTime();
            for (String id : ids) {
                StainFiles.writeField(settings.watchDir(), id, 24);
            }
            Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
            await(() -> count(done) == 4 * FIELDS, Duration.ofSeconds(240), "every file in done/", () -> count(done));
            double seconds = (System.nanoTime() - start) / 1e9;

            List<ConsumerRecord<String, Acquisition>> all = broker.readKeys(Topics.ACQUISITIONS, ids,
                    Integer.MAX_VALUE, Duration.ofSeconds(5));
            Map<String, Long> perStain = StainFiles.perStain(all);
            assertThat(perStain).hasSize(4 * FIELDS);
            assertThat(perStain.values()).as("each stain once").allMatch(n -> n == 1L);
            assertThat(gateway.metrics().publishedCount()).isEqualTo(4.0 * FIELDS);
            assertThat(gateway.metrics().seenCount()).isEqualTo(4.0 * FIELDS);
            System.out.printf("burst: %d files written and published in %.1f s%n", 4 * FIELDS, seconds);
        }
    }
}
