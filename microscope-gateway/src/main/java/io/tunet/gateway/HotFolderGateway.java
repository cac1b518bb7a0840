package io.tunet.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.ClaimCheck;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.gateway.folder.CompletionTracker;
import io.tunet.gateway.folder.CompletionTracker.Ready;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.gateway.folder.FolderWatcher;
import io.tunet.gateway.folder.NamingPattern;
import io.tunet.gateway.folder.StainFile;
import io.tunet.gateway.journal.PublishJournal;
import io.tunet.gateway.journal.PublishJournal.Intent;
import io.tunet.gateway.publish.AcquisitionIds;
import io.tunet.gateway.publish.PublishedCheck;
import io.tunet.gateway.publish.StainPreparer;
import io.tunet.gateway.publish.StainPreparer.Gone;
import io.tunet.gateway.publish.StainPreparer.NotYet;
import io.tunet.gateway.publish.StainPreparer.Ok;
import io.tunet.gateway.publish.StainPreparer.Prepared;
import io.tunet.gateway.publish.StainPreparer.Refused;
import io.tunet.gateway.publish.StainPreparer.Retry;
import io.tunet.imaging.DecodeLimits;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.topics.Topics;

/**
 * The hot-folder gateway: one loop thread that watches a folder, waits for each stain file to be complete, and
 * publishes it as one {@link Acquisition} on {@code acquisitions} (a multi-channel OME-TIFF as four, one per stain),
 * then moves it to {@code done/}; a file that cannot be published goes to {@code failed/} (with a {@code .reason}
 * file) and to {@code acquisitions-dlq}.
 *
 * <p>Exactly once across crashes, per record, per batch of complete files: (1) a file whose records are all marked
 * published in the {@link PublishJournal} (the gateway stopped before moving it) is only moved; records with an
 * intent but no mark (it stopped between sending and marking) are looked for on the topic ({@link PublishedCheck})
 * and, if there, marked; (2) files with a record still unmarked are read, checked and claim-checked; (3) the intents
 * of their unmarked records are written and synced; (4) those records are sent by an idempotent producer and every
 * acknowledgement awaited; (5) they are marked published and synced; (6) a file all of whose records are marked is
 * moved to {@code done/}. A crash anywhere leaves each record either unsent (sent on restart), or found by (1).
 * Acquisition ids are derived from name, size and modification time, so the record sent again after a broker failure
 * the check cannot see through is identical to the first, and ingest ignores it as a duplicate.
 *
 * <p>An unexpected error of the loop (the journal cannot be written, a bug) stops it and is handed to the fatal
 * handler, which exits the process so that a supervisor restarts it.
 */
public final class HotFolderGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotFolderGateway.class);
    /** The service name on dead letters. */
    public static final String SERVICE = "microscope-gateway";
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final long COMPACT_ABOVE_BYTES = 1024 * 1024;
    private static final Serializer<Acquisition> ACQUISITION_VALUES = Topics.ACQUISITIONS.valueSerde().serializer();
    private static final Serializer<DeadLetter> DEAD_LETTER_VALUES = Topics.ACQUISITIONS_DLQ.valueSerde().serializer();

    private final GatewaySettings settings;
    private final GatewayMetrics metrics;
    private final Consumer<Throwable> onFatal;
    private final Clock clock;
    private final FolderWatcher watcher;
    private final CompletionTracker tracker;
    private final PublishJournal journal;
    private final LocalDirectoryBlobStore blobStore;
    private final ClaimCheck claimCheck;
    private final StainPreparer preparer;
    private final PublishedCheck check;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService workers;
    private final Thread loop;
    private final AtomicInteger incomplete = new AtomicInteger();
    private FolderOutcomes outcomes;
    private volatile boolean closing;
    private volatile boolean folderAccessible;
    private boolean folderLost;
    private volatile boolean running;
    private volatile Throwable failure;
    private long nextRescan;
    private long nextProgress;
    private long publishedSinceProgress;

    private HotFolderGateway(GatewaySettings settings, MeterRegistry meters, Consumer<Throwable> onFatal,
                             Clock clock) throws IOException, BlobStoreException {
        this.settings = settings;
        this.metrics = new GatewayMetrics(meters);
        this.onFatal = onFatal;
        this.clock = clock;
        Files.createDirectories(settings.watchDir());
        this.watcher = new FolderWatcher(settings.watchDir());
        this.tracker = new CompletionTracker(settings.watchDir(), settings.naming(), settings.tempSuffixes(),
                settings.quietPeriod(), settings.atomicWrites(), new TrackerEvents());
        metrics.incompleteFiles(incomplete::get);
        this.journal = PublishJournal.open(settings.stateDir().resolve(PublishJournal.FILE_NAME));
        this.blobStore = new LocalDirectoryBlobStore(settings.blobRoot());
        this.claimCheck = new ClaimCheck(blobStore, settings.inlineLimit());
        this.preparer = new StainPreparer(settings.watchDir(), claimCheck, DecodeLimits.defaults(),
                settings.naming().omeChannelNames(), settings.maxFileBytes(), settings.truncatedGrace(),
                settings.instrumentId(), clock);
        this.check = new PublishedCheck(settings.kafkaClient());
        this.producer = new KafkaProducer<>(producerProperties(settings.kafkaClient()), new StringSerializer(),
                new ByteArraySerializer());
        this.workers = Executors.newFixedThreadPool(settings.workers(), daemon("gateway-worker"));
        this.loop = new Thread(this::run, "gateway-loop");
    }

    /**
     * Opens the journal, the blob store and the Kafka producer and starts the loop.
     *
     * @param onFatal called once, from the loop thread, when the loop stops on an unexpected error
     * @throws IOException        if the folder, its state folder or the journal cannot be created or read
     * @throws BlobStoreException if the blob store's root cannot be created
     */
    public static HotFolderGateway start(GatewaySettings settings, MeterRegistry meters, Consumer<Throwable> onFatal)
            throws IOException, BlobStoreException {
        HotFolderGateway gateway = new HotFolderGateway(settings, meters, onFatal, Clock.systemUTC());
        gateway.running = true;
        gateway.loop.start();
        return gateway;
    }

    /** The settings it runs with. */
    public GatewaySettings settings() {
        return settings;
    }

    /** Its meters. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Whether the loop runs (started, not stopped, not failed). */
    public boolean running() {
        return running;
    }

    /** Why the loop stopped, if it stopped on an error. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether the last listing of the folder succeeded and the folder is writable (files are moved out of it). */
    public boolean folderAccessible() {
        return folderAccessible && Files.isWritable(settings.watchDir());
    }

    /** Files waiting to be complete. */
    public int incompleteFiles() {
        return incomplete.get();
    }

    /** The producer's client settings, for a readiness check that asks the same cluster. */
    public Map<String, Object> kafkaClient() {
        return settings.kafkaClient();
    }

    /** Stops the loop after the batch in progress, then closes the producer, the journal and the watch. */
    @Override
    public void close() {
        closing = true;
        try {
            loop.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        try {
            journal.close();
            watcher.close();
        } catch (IOException e) {
            LOG.warn("closing the gateway: {}", e.toString());
        }
    }

    private void run() {
        try {
            outcomes = new FolderOutcomes(settings.watchDir());
            LOG.info("watching {} for {} (journal {}, {} intent(s) to check against the topic)",
                    settings.watchDir().toAbsolutePath(), settings.naming().regex(),
                    settings.stateDir().resolve(PublishJournal.FILE_NAME), journal.pending().size());
            forgetFilesThatLeft();
            while (!closing) {
                long now = System.nanoTime();
                if (now >= nextRescan) {
                    rescan(now);
                }
                FolderWatcher.Events events = watcher.poll(settings.checkInterval());
                now = System.nanoTime();
                for (String name : events.names()) {
                    tracker.observe(name, now);
                }
                if (events.overflow()) {
                    nextRescan = now;
                }
                List<Ready> ready = tracker.poll(now, settings.batchSize());
                if (!ready.isEmpty()) {
                    publish(ready);
                }
                incomplete.set(tracker.incomplete());
                if (journal.sizeBytes() > COMPACT_ABOVE_BYTES) {
                    journal.compact();
                }
                progress(now);
            }
        } catch (Throwable error) {
            failure = error;
            LOG.error("the gateway's loop stopped: {}", error.toString(), error);
            running = false;
            onFatal.accept(error);
            return;
        }
        running = false;
    }

    /**
     * At start-up: what the journal holds about files no longer in the folder, or about an earlier version of a file
     * that was written again since (another acquisition id), is of no more use.
     */
    private void forgetFilesThatLeft() throws IOException {
        Set<String> names;
        try {
            names = watcher.list();
        } catch (IOException e) {
            return; // the rescan reports it and readiness says so
        }
        Map<String, String> known = new HashMap<>(journal.published());
        journal.pending().forEach(intent -> known.put(intent.acquisitionId(), intent.fileName()));
        known.forEach((id, name) -> {
            if (!names.contains(name) || !currentIds(name).contains(id)) {
                journal.forget(id);
            }
        });
        journal.compact();
    }

    /** The acquisition ids the file of that name has now, none if it cannot be read or its name is not valid. */
    private List<String> currentIds(String name) {
        try {
            StainFile file = settings.naming().parse(name);
            if (file == null) {
                return List.of();
            }
            BasicFileAttributes attributes = Files.readAttributes(settings.watchDir().resolve(name),
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return AcquisitionIds.of(file, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (IOException | NamingPattern.InvalidNameException e) {
            return List.of();
        }
    }

    private void rescan(long now) {
        nextRescan = now + settings.rescanInterval().toNanos();
        Set<String> names;
        try {
            if (!watcher.watching()) {
                watcher.register();
            }
            names = watcher.list();
        } catch (IOException e) {
            if (!folderLost) {
                LOG.warn("cannot watch or list {}: {}; retrying every {}", settings.watchDir(), e.toString(),
                        settings.rescanInterval());
            }
            folderLost = true;
            folderAccessible = false;
            return;
        }
        if (folderLost) {
            LOG.info("{} can be listed again: watching it", settings.watchDir().toAbsolutePath());
            folderLost = false;
        }
        folderAccessible = true;
        for (String name : names) {
            tracker.observe(name, now);
        }
        tracker.retainListed(names, now);
    }

    /** One batch of complete files, in the order the class comment gives. */
    private void publish(List<Ready> ready) throws IOException, InterruptedException {
        long now = System.nanoTime();
        List<Ready> fresh = new ArrayList<>();
        Map<Intent, Ready> unresolved = new LinkedHashMap<>();
        for (Ready file : ready) {
            if (file.file() == null) {
                fresh.add(file);
                continue;
            }
            List<String> ids = StainPreparer.acquisitionIds(file);
            List<Intent> intents = ids.stream().map(journal::pending).filter(Objects::nonNull).toList();
            if (ids.stream().allMatch(journal::isPublished)) {
                alreadyPublished(file, ids);
            } else if (!intents.isEmpty()) {
                intents.forEach(intent -> unresolved.put(intent, file));
            } else {
                fresh.add(file);
            }
        }
        if (!unresolved.isEmpty()) {
            fresh.addAll(resolve(unresolved, now));
        }

        List<Ok> toSend = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        for (Prepared prepared : prepareAll(fresh)) {
            String name = prepared.ready().name();
            if (prepared instanceof Ok ok) {
                toSend.add(ok);
            } else if (prepared instanceof Refused r) {
                refused.add(r);
            } else if (prepared instanceof NotYet notYet) {
                LOG.debug("{} is not complete yet: {}", name, notYet.why());
                tracker.retry(name, System.nanoTime(), true);
            } else if (prepared instanceof Gone) {
                tracker.done(name);
                metrics.vanished();
                LOG.info("{} disappeared before it could be published", name);
            } else if (prepared instanceof Retry retry) {
                retryLater(name, retry.why());
            }
        }

        int partitions;
        try {
            partitions = toSend.isEmpty() ? 0 : producer.partitionsFor(Topics.ACQUISITIONS.name()).size();
        } catch (KafkaException e) {
            toSend.forEach(ok -> retryLater(ok.ready().name(), "no partitions from the broker: " + e.getMessage()));
            toSend.clear();
            partitions = 0;
        }
        // a record of a file already marked (the rest of an OME-TIFF whose other records went out before a crash)
        // is not sent again
        long timestamp = clock.millis();
        List<Intent> intents = new ArrayList<>();
        List<Acquisition> records = new ArrayList<>();
        for (Ok ok : toSend) {
            for (Acquisition acquisition : ok.acquisitions()) {
                if (!journal.isPublished(acquisition.getAcquisitionId())) {
                    String key = acquisition.getSampleId();
                    intents.add(new Intent(acquisition.getAcquisitionId(), ok.ready().name(), key,
                            partition(key, partitions), timestamp));
                    records.add(acquisition);
                }
            }
        }
        journal.recordIntents(intents);

        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Intent intent = intents.get(i);
            sent.add(send(Topics.ACQUISITIONS.name(), intent.partition(), intent.timestamp(), intent.sampleId(),
                    ACQUISITION_VALUES.serialize(Topics.ACQUISITIONS.name(), records.get(i))));
        }
        List<Future<RecordMetadata>> deadLettered = new ArrayList<>();
        for (Refused r : refused) {
            deadLettered.add(deadLetter(r));
        }
        producer.flush();

        Map<String, String> acknowledged = new LinkedHashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            String error = outcome(sent.get(i));
            if (error == null) {
                acknowledged.put(intents.get(i).acquisitionId(), intents.get(i).fileName());
            } else {
                errors.putIfAbsent(intents.get(i).fileName(), error);
            }
        }
        journal.recordPublished(acknowledged);
        long acknowledgedAt = System.nanoTime();
        for (Ok ok : toSend) {
            Ready file = ok.ready();
            String error = errors.get(file.name());
            if (error != null) {
                retryLater(file.name(), "the broker did not acknowledge it: " + error);
            } else if (moveToDone(file, StainPreparer.acquisitionIds(file))) {
                metrics.published(Duration.ofNanos(acknowledgedAt - file.completeAt()),
                        Duration.ofNanos(file.completeAt() - file.firstSeen()));
                publishedSinceProgress++;
                LOG.debug("published {} as {} record(s) of {}", file.name(), ok.acquisitions().size(),
                        file.file().sampleId());
            }
        }
        for (int i = 0; i < refused.size(); i++) {
            Refused r = refused.get(i);
            String error = outcome(deadLettered.get(i));
            if (error == null) {
                fail(r);
            } else {
                retryLater(r.ready().name(), "the broker did not acknowledge its dead letter: " + error);
            }
        }
    }

    /**
     * Intents without a mark: found on the topic → marked; a file whose records are then all marked is moved, the
     * others are returned, to send what is not marked.
     */
    private List<Ready> resolve(Map<Intent, Ready> unresolved, long now) throws IOException {
        Set<Ready> files = new LinkedHashSet<>(unresolved.values());
        Set<String> found;
        try {
            found = check.published(unresolved.keySet(), CHECK_TIMEOUT);
        } catch (KafkaException e) {
            files.forEach(file -> retryLater(file.name(), "cannot check the topic for it: " + e.getMessage()));
            return List.of();
        }
        Map<String, String> marks = new LinkedHashMap<>();
        unresolved.forEach((intent, file) -> {
            if (found.contains(intent.acquisitionId())) {
                marks.put(intent.acquisitionId(), file.name());
            }
        });
        journal.recordPublished(marks);
        List<Ready> toSend = new ArrayList<>();
        for (Ready file : files) {
            List<String> ids = StainPreparer.acquisitionIds(file);
            if (ids.stream().allMatch(journal::isPublished)) {
                alreadyPublished(file, ids);
            } else {
                toSend.add(file);
            }
        }
        LOG.info("checked {} record(s) of {} file(s) sent before a restart but not marked: {} on the topic, {} file(s) "
                + "with records to send", unresolved.size(), files.size(), marks.size(), toSend.size());
        return toSend;
    }

    private List<Prepared> prepareAll(List<Ready> files) throws InterruptedException {
        List<Callable<Prepared>> tasks = new ArrayList<>();
        files.forEach(file -> tasks.add(() -> preparer.prepare(file)));
        List<Prepared> prepared = new ArrayList<>();
        if (tasks.size() == 1) {
            prepared.add(preparer.prepare(files.get(0)));
            return prepared;
        }
        for (Future<Prepared> future : workers.invokeAll(tasks)) {
            try {
                prepared.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("preparing a file failed unexpectedly", e.getCause());
            }
        }
        return prepared;
    }

    private Future<RecordMetadata> send(String topic, Integer partition, Long timestamp, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value));
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Future<RecordMetadata> deadLetter(Refused r) {
        String key = r.ready().file() == null ? null : r.ready().file().sampleId();
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReason(r.reason())
                .setDetail(r.ready().name() + ": " + r.detail())
                .setSourceTopic("hot-folder:" + r.ready().name())
                .setOriginalKey(key)
                .setService(SERVICE)
                .setFailedAt(clock.instant());
        if (r.bytes() != null) {
            if (claimCheck.travelsInline(r.bytes().length)) {
                letter.setPayload(ByteBuffer.wrap(r.bytes()));
            } else {
                try {
                    letter.setPayloadRef(blobStore.put(r.bytes()));
                } catch (BlobStoreException e) {
                    LOG.warn("{}: dead-lettered without its bytes, the blob store refused them: {}", r.ready().name(),
                            e.getMessage());
                }
            }
        }
        return send(Topics.ACQUISITIONS_DLQ.name(), null, null, key,
                DEAD_LETTER_VALUES.serialize(Topics.ACQUISITIONS_DLQ.name(), letter.build()));
    }

    private void fail(Refused r) throws IOException {
        String name = r.ready().name();
        try {
            outcomes.failed(name, r.reason().name(), r.detail(), clock.instant());
        } catch (NoSuchFileException e) {
            LOG.info("{} disappeared after it was dead-lettered", name);
        }
        tracker.done(name);
        metrics.failed(r.reason());
        LOG.warn("{} cannot be published: {}: {}; moved to {}/ and dead-lettered on {}", name, r.reason(), r.detail(),
                FolderOutcomes.FAILED, Topics.ACQUISITIONS_DLQ.name());
    }

    private void alreadyPublished(Ready file, List<String> ids) {
        if (moveToDone(file, ids)) {
            metrics.alreadyPublished();
            LOG.info("{} was published before a restart ({}): moved to {}/ without sending it again", file.name(),
                    String.join(", ", ids), FolderOutcomes.DONE);
        }
    }

    /** Moves a published file to done/; on failure it stays marked and is moved at its next turn. */
    private boolean moveToDone(Ready file, List<String> ids) {
        try {
            outcomes.published(file.name());
        } catch (NoSuchFileException e) {
            LOG.info("{} disappeared after it was published", file.name());
        } catch (IOException e) {
            retryLater(file.name(), "published, but cannot be moved to " + FolderOutcomes.DONE + "/: " + e);
            return false;
        }
        ids.forEach(journal::forget);
        tracker.done(file.name());
        return true;
    }

    private void retryLater(String name, String why) {
        metrics.retry();
        LOG.warn("{}: {}; trying again in {}", name, why, settings.retryBackoff());
        tracker.retry(name, System.nanoTime() + settings.retryBackoff().toNanos(), false);
    }

    private void progress(long now) {
        if (now >= nextProgress) {
            if (publishedSinceProgress > 0) {
                LOG.info("published {} file(s) in the last {} s; {} waiting to be complete", publishedSinceProgress,
                        PROGRESS_EVERY.toSeconds(), tracker.incomplete());
            }
            publishedSinceProgress = 0;
            nextProgress = now + PROGRESS_EVERY.toNanos();
        }
    }

    /** The error message of a send, or null once acknowledged. */
    private static String outcome(Future<RecordMetadata> future) throws InterruptedException {
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    /** The default partitioner's choice for a key, made here so the journal knows where the record goes. */
    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static Map<String, Object> producerProperties(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>();
        // tunable defaults first, then the operator's settings, then what the guarantees rest on
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, SERVICE);
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Math.max(Topics.ACQUISITIONS.maxMessageBytes(), Topics.ACQUISITIONS_DLQ.maxMessageBytes()));
        return props;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private final class TrackerEvents implements CompletionTracker.Listener {

        @Override
        public void seen(String name) {
            metrics.seen();
        }

        @Override
        public void ignored(String name, String why) {
            metrics.ignored();
            LOG.info("ignoring {}: {}", name, why);
        }

        @Override
        public void vanished(String name) {
            metrics.vanished();
            LOG.info("{} disappeared before it was complete", name);
        }
    }
}
