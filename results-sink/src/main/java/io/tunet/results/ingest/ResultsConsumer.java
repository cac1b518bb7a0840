package io.tunet.results.ingest;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunet.results.live.LiveEvent;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.topics.Topics;

/**
 * The sink's consumer loop. Each poll's records are stored in one database transaction; offsets are
 * committed only after that transaction commits, and live events go out only after that. When the database
 * is unreachable, the loop rewinds to the first record not yet stored, pauses every partition (it keeps
 * polling so the group keeps it), checks the database every retry interval, and resumes when it answers:
 * nothing is skipped and, since every write is an upsert, nothing is doubled.
 * <p>
 * When a batch fails while the database answers, one of its records is the problem: the records are stored one
 * per transaction, and one that fails {@code maxAttempts} times goes to {@link Topics#RESULTS_DLQ} as a
 * {@link DeadLetter} (reason, source topic / partition / offset, original key and bytes); its offset is committed
 * once the broker has the dead letter, and consumption goes on. A failure that is the database's (it does not
 * answer, or refuses for a reason of its own: connection, resources, shutdown, a rolled-back transaction) pauses
 * consumption as above and costs the record no attempt. A record of {@code results-dlq} itself is never
 * dead-lettered again, so a dead letter the sink cannot store cannot go round in a loop: after its attempts it is
 * logged, counted and skipped (it stays on that topic).
 * <p>
 * Runs on one thread: {@link #run()} until {@link #stop()}.
 */
public final class ResultsConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(ResultsConsumer.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Between two attempts at one record, so that a passing glitch the classification missed can pass. */
    private static final Duration ATTEMPT_BACKOFF = Duration.ofMillis(200);
    /**
     * SQLSTATE classes that say the database, not the record, is the problem: connection exception, transaction
     * rollback (serialization failure, deadlock), insufficient resources (disk full, out of memory, too many
     * connections), operator intervention (shutdown, cancelled), system error, internal error.
     */
    private static final Set<String> DATABASE_STATE_CLASSES = Set.of("08", "40", "53", "57", "58", "XX");
    /** The SQLSTATE classes of a value the database refuses: data exception, integrity constraint violation. */
    private static final Set<String> REFUSED_VALUE_CLASSES = Set.of("22", "23");
    private static final String SERVICE = "results-sink";
    /**
     * Shadow verdicts stored for the first time (a replayed one adds nothing), so that a rate of 0 while inference
     * shadows says the records do not arrive; {@code results_records_stored_total} counts every record read.
     */
    static final String SHADOW_STORED = "results.shadow.results.stored";

    private final KafkaConsumer<String, byte[]> consumer;
    private final Producer<String, DeadLetter> deadLetters;
    private final DataSource dataSource;
    private final ResultsStore store;
    private final Consumer<List<LiveEvent>> live;
    private final Duration retryInterval;
    private final int maxAttempts;
    private final MeterRegistry metrics;

    private volatile boolean running = true;
    private volatile boolean paused;
    private long nextDatabaseCheck;

    /**
     * @param deadLetters where records given up go ({@link Topics#RESULTS_DLQ}); closed with the consumer
     * @param maxAttempts how often a record is tried on its own, while the database answers, before it is given up
     */
    public ResultsConsumer(KafkaConsumer<String, byte[]> consumer, Producer<String, DeadLetter> deadLetters,
                           DataSource dataSource, ResultsStore store, Consumer<List<LiveEvent>> live,
                           Duration retryInterval, int maxAttempts, MeterRegistry metrics) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1: " + maxAttempts);
        }
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.dataSource = dataSource;
        this.store = store;
        this.live = live;
        this.retryInterval = retryInterval;
        this.maxAttempts = maxAttempts;
        this.metrics = metrics;
        metrics.gauge("results.consumer.paused", this, c -> c.paused ? 1 : 0);
        metrics.counter(SHADOW_STORED); // present at 0 before the first shadow verdict
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
            deadLetters.close(Duration.ofSeconds(5));
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
            deliver(events);
        } catch (SQLException | RuntimeException e) {
            if (databaseFault(e)) {
                pause(batch, e);
            } else {
                LOG.warnf(e, "storing a batch of %d records failed; storing them one by one", batch.size());
                storeOneByOne(batch);
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
     * transaction, trying a failing one up to the attempt limit before it goes to the dead-letter topic.
     */
    private void storeOneByOne(List<ConsumerRecord<String, byte[]>> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> record = batch.get(i);
            Exception failure = null;
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
                try {
                    deliver(storeInOneTransaction(List.of(record)));
                    failure = null;
                    break;
                } catch (SQLException | RuntimeException e) {
                    if (databaseFault(e)) {
                        pause(batch.subList(i, batch.size()), e);
                        return;
                    }
                    failure = e;
                    LOG.warnf("attempt %d of %d at %s failed: %s", attempt, maxAttempts, coordinates(record), e);
                    if (attempt < maxAttempts) {
                        backOff();
                    }
                }
            }
            if (failure == null) {
                commit(List.of(record));
                count(List.of(record));
            } else {
                giveUp(record, failure);
                commit(List.of(record));
            }
        }
    }

    /**
     * Sends a record that failed every attempt to the dead-letter topic and waits until the broker has it, so that
     * its offset may be committed. A broker that does not take it is an outage, not the record's fault: the
     * exception ends the loop with nothing committed (the service exits and, restarted, tries the record again).
     */
    private void giveUp(ConsumerRecord<String, byte[]> record, Exception cause) {
        metrics.counter("results.records.failed", "topic", record.topic()).increment();
        if (record.topic().equals(Topics.RESULTS_DLQ.name())) {
            LOG.errorf(cause, "dead letter %s cannot be stored after %d attempts; skipped (it stays on %s)",
                    coordinates(record), maxAttempts, Topics.RESULTS_DLQ);
            return;
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(refusedValue(cause) ? DeadLetterReason.INVALID_FIELD : DeadLetterReason.OTHER)
                .setDetail("not stored after " + maxAttempts + " attempts: " + cause)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setOriginalKey(record.key())
                .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setService(SERVICE)
                .setFailedAt(Instant.now())
                .build();
        try {
            deadLetters.send(new ProducerRecord<>(Topics.RESULTS_DLQ.name(), record.key(), letter)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish the dead letter of " + coordinates(record) + " to "
                    + Topics.RESULTS_DLQ, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the dead letter of " + coordinates(record),
                    e);
        }
        metrics.counter("results.records.dead.lettered", "topic", record.topic()).increment();
        LOG.errorf(cause, "%s not stored after %d attempts; sent to %s", coordinates(record), maxAttempts,
                Topics.RESULTS_DLQ);
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
        LOG.errorf("database unavailable (%s): consumption paused at %s until it answers", cause, firstUnstored);
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

    /** Whether a failure is the database's rather than the record's: it says so, or it does not answer. */
    private boolean databaseFault(Exception failure) {
        return databaseRefusal(failure) || !databaseAvailable();
    }

    /**
     * Whether the database refused for a reason of its own (a transient or connection failure, or an SQLSTATE in
     * {@link #DATABASE_STATE_CLASSES}) anywhere in the failure's causes.
     */
    static boolean databaseRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLException s && DATABASE_STATE_CLASSES.contains(stateClass(s))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database refused a value of the record (bad data, a broken constraint). */
    static boolean refusedValue(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && REFUSED_VALUE_CLASSES.contains(stateClass(s))) {
                return true;
            }
        }
        return false;
    }

    private static String stateClass(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.length() < 2 ? "" : state.substring(0, 2);
    }

    private void backOff() {
        try {
            Thread.sleep(ATTEMPT_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Sends the events of a committed transaction live, counting the shadow verdicts stored for the first time. */
    private void deliver(List<LiveEvent> events) {
        long shadows = events.stream().filter(e -> ResultsStore.SHADOW_EVENT.equals(e.type())).count();
        if (shadows > 0) {
            metrics.counter(SHADOW_STORED).increment(shadows);
        }
        live.accept(events);
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
