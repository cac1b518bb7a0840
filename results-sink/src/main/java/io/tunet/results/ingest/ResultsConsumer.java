package io.tunet.results.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunet.results.live.LiveEvent;

/**
 * The sink's consumer loop. Each poll's records are stored in one database transaction; offsets are
 * committed only after that transaction commits, and live events go out only after that. When the database
 * is unreachable, the loop rewinds to the first record not yet stored, pauses every partition (it keeps
 * polling so the group keeps it), checks the database every retry interval, and resumes when it answers:
 * nothing is skipped and, since every write is an upsert, nothing is doubled.
 * <p>
 * Runs on one thread: {@link #run()} until {@link #stop()}.
 */
public final class ResultsConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(ResultsConsumer.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final KafkaConsumer<String, byte[]> consumer;
    private final DataSource dataSource;
    private final ResultsStore store;
    private final Consumer<List<LiveEvent>> live;
    private final Duration retryInterval;
    private final MeterRegistry metrics;

    private volatile boolean running = true;
    private volatile boolean paused;
    private long nextDatabaseCheck;

    public ResultsConsumer(KafkaConsumer<String, byte[]> consumer, DataSource dataSource, ResultsStore store,
                           Consumer<List<LiveEvent>> live, Duration retryInterval, MeterRegistry metrics) {
        this.consumer = consumer;
        this.dataSource = dataSource;
        this.store = store;
        this.live = live;
        this.retryInterval = retryInterval;
        this.metrics = metrics;
        metrics.gauge("results.consumer.paused", this, c -> c.paused ? 1 : 0);
    }

    /** Whether consumption is paused because the database is unreachable. */
    public boolean paused() {
        return paused;
    }

    @Override
    public void run() {
        consumer.subscribe(ResultsStore.TOPICS.stream().map(t -> t.name()).toList(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // offsets are committed after every stored batch: nothing pending to hand over
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (paused) {
                    consumer.pause(partitions);
                }
            }
        });
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (paused) {
                    resumeIfDatabaseBack();
                } else if (!records.isEmpty()) {
                    storeAndCommit(records);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks the loop to finish; it closes the consumer on its own thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void storeAndCommit(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        try {
            List<LiveEvent> events = storeInOneTransaction(batch);
            commit(batch);
            count(batch);
            live.accept(events);
        } catch (SQLException | RuntimeException e) {
            if (databaseAvailable()) {
                LOG.warnf(e, "storing a batch of %d records failed; storing them one by one", batch.size());
                storeOneByOne(batch);
            } else {
                pause(batch, e);
            }
        }
    }

    private List<LiveEvent> storeInOneTransaction(List<ConsumerRecord<String, byte[]>> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<LiveEvent> events = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : batch) {
                    events.addAll(store.store(connection, record));
                }
                connection.commit();
                return events;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    /**
     * The batch failed while the database is up, so one of its records is the problem: store each in its own
     * transaction, and record the one that fails as an incident so it is seen, not silently dropped.
     */
    private void storeOneByOne(List<ConsumerRecord<String, byte[]>> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> record = batch.get(i);
            try {
                live.accept(storeInOneTransaction(List.of(record)));
            } catch (SQLException | RuntimeException e) {
                if (!databaseAvailable()) {
                    pause(batch.subList(i, batch.size()), e);
                    return;
                }
                LOG.errorf(e, "record %s-%d@%d cannot be stored", record.topic(), record.partition(), record.offset());
                metrics.counter("results.records.failed", "topic", record.topic()).increment();
                if (!recordFailure(record, e)) {
                    pause(batch.subList(i, batch.size()), e);
                    return;
                }
            }
            commit(List.of(record));
            count(List.of(record));
        }
    }

    /** Stores the incident for a record that cannot be stored; false if even that fails. */
    private boolean recordFailure(ConsumerRecord<String, byte[]> record, Exception cause) {
        try (Connection connection = dataSource.getConnection()) {
            live.accept(store.storeFailure(connection, record, cause));
            return true;
        } catch (SQLException e) {
            LOG.errorf(e, "cannot record the failure of %s-%d@%d either", record.topic(), record.partition(),
                    record.offset());
            return false;
        }
    }

    private void pause(List<ConsumerRecord<String, byte[]>> unstored, Exception cause) {
        Map<TopicPartition, Long> firstUnstored = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : unstored) {
            firstUnstored.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        firstUnstored.forEach(consumer::seek);
        consumer.pause(consumer.assignment());
        paused = true;
        nextDatabaseCheck = System.nanoTime() + retryInterval.toNanos();
        metrics.counter("results.database.outages").increment();
        LOG.errorf("database unreachable (%s): consumption paused at %s until it is back",
                cause.getMessage(), firstUnstored);
    }

    private void resumeIfDatabaseBack() {
        if (System.nanoTime() < nextDatabaseCheck) {
            return;
        }
        if (databaseAvailable()) {
            consumer.resume(consumer.paused());
            paused = false;
            LOG.info("database reachable again: consumption resumed");
        } else {
            nextDatabaseCheck = System.nanoTime() + retryInterval.toNanos();
        }
    }

    private boolean databaseAvailable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void commit(List<ConsumerRecord<String, byte[]>> stored) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : stored) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The partitions moved to another member, which re-reads from the last commit; the rows are
            // upserts, so storing those records again changes nothing.
            LOG.infof("offsets %s not committed (%s); the new owner of the partitions re-reads them", offsets,
                    e.getMessage());
        }
    }

    private void count(List<ConsumerRecord<String, byte[]>> stored) {
        for (ConsumerRecord<String, byte[]> record : stored) {
            metrics.counter("results.records.stored", "topic", record.topic()).increment();
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
