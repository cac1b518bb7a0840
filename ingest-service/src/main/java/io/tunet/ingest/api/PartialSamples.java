package io.tunet.ingest.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.tunet.ingest.assembly.AssemblyTopology;
import io.tunet.ingest.assembly.PartialSample;
import io.tunet.schemas.Stain;

/**
 * Interactive queries on the partial-samples store of this instance (its partitions only: with several
 * instances, ask each). Also publishes the gauge {@code ingest_partial_samples_open}.
 */
@ApplicationScoped
@Startup
public class PartialSamples {

    /**
     * One sample still waiting for stains.
     *
     * @param ageSeconds seconds since its first stain arrived
     */
    public record View(String sampleId, String plate, String well, int field, List<Stain> stainsPresent,
                       List<Stain> stainsMissing, Instant firstSeenAt, long ageSeconds) {
    }

    /** The store cannot be queried now (the streams are starting, rebalancing or stopped). */
    public static final class NotQueryable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotQueryable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaStreams streams;

    @Inject
    public PartialSamples(KafkaStreams streams, MeterRegistry registry) {
        this.streams = streams;
        Gauge.builder("ingest.partial.samples.open", this, p -> p.count().orElse(-1))
                .description("Samples waiting for stains in this instance (-1 while the store is not queryable)")
                .register(registry);
    }

    /**
     * The partial samples whose first stain arrived at least {@code olderThanSeconds} ago, oldest first.
     *
     * @throws NotQueryable if the store is not available right now
     */
    public List<View> olderThan(long olderThanSeconds, long nowMillis) {
        List<View> views = new ArrayList<>();
        try (KeyValueIterator<String, PartialSample> all = store().all()) {
            all.forEachRemaining(entry -> {
                long ageMillis = nowMillis - entry.value.firstSeenAt();
                if (ageMillis >= olderThanSeconds * 1000) {
                    var any = entry.value.any();
                    views.add(new View(entry.key, any.getPlate(), any.getWell(), any.getField(),
                            List.copyOf(entry.value.stains().keySet()), entry.value.missing(),
                            Instant.ofEpochMilli(entry.value.firstSeenAt()), ageMillis / 1000));
                }
            });
        }
        views.sort((a, b) -> a.firstSeenAt().compareTo(b.firstSeenAt()));
        return views;
    }

    /**
     * Counted, not RocksDB's {@code approximateNumEntries}, which counts overwritten and deleted keys still in the
     * memtable (17 for 3 open samples in a manual run). Open samples are few (arrival rate × timeout), so the
     * scan per scrape is cheap.
     */
    private OptionalLong count() {
        try (KeyValueIterator<String, PartialSample> all = store().all()) {
            long count = 0;
            while (all.hasNext()) {
                all.next();
                count++;
            }
            return OptionalLong.of(count);
        } catch (NotQueryable e) {
            return OptionalLong.empty();
        }
    }

    private ReadOnlyKeyValueStore<String, PartialSample> store() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotQueryable("Kafka Streams is " + streams.state() + ", not RUNNING", null);
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(AssemblyTopology.PARTIAL_SAMPLES_STORE,
                    QueryableStoreTypes.<String, PartialSample>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotQueryable("the partial-samples store is not queryable: " + e.getMessage(), e);
        }
    }
}
