package io.tunet.inference.pipeline;

import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.metrics.InferenceMetrics.Stage;
import io.tunet.inference.model.ModelRegistry;
import io.tunet.inference.model.ServingModel;
import io.tunet.imaging.StainComposite;
import io.tunet.imaging.qc.QcReport;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Sample;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples in, classifications and masks (and shadow records) out, at least once.
 *
 * <p>Threads: one consumer thread polls {@code samples} and owns the KafkaConsumer; decode threads turn
 * records into tensors; inference threads form batches (full at {@code batchMaxSize}, or {@code batchMaxWait}
 * after the first sample) and run them on the current model, each with its own ONNX Runtime session; the
 * Kafka producer publishes. Between the stages: a semaphore of {@code maxInFlight} permits (taken at
 * dispatch, given back when the broker acknowledged the sample's outputs) and a bounded queue of decoded
 * samples, so memory stays flat under overload: when permits run out the consumer pauses its partitions
 * and keeps polling, so it never exceeds {@code max.poll.interval.ms}.
 *
 * <p>Delivery: outputs are keyed by sample id and name the model version; an offset is committed only
 * after the outputs (or dead letter) of it and every earlier offset of its partition were acknowledged
 * ({@code acks=all}, idempotent producer). A crash replays at most the uncommitted samples; their outputs
 * overwrite the same keys. Samples that cannot be decoded go to {@code samples-dlq} with a reason.
 *
 * <p>Model failures: when the model throws an exception on a batch (an {@link Error} such as
 * {@link OutOfMemoryError} stops the pipeline at once), {@link Isolation} splits the batch in halves and runs them
 * again, down to single samples. Counting only the samples given to the model:
 * <ul>
 *   <li>a sample the model fails on alone, while it answers at least one other sample of the same batch, is bad
 *       data: it goes to {@code samples-dlq} (reason {@code OTHER}, a detail naming the sample, the model and the
 *       exception), is counted ({@code inference_samples_isolated_total}) and logged once at WARN, and its offset
 *       is done like any other; the batch's other samples are published as usual;
 *   <li>a failure that does not repeat on the halves (every sample answered) is logged, and the answers are
 *       published;
 *   <li>a batch the model answers no sample of (each failed alone) cannot tell bad samples from a broken model
 *       while it is small: it is held back whole (not published, not committed) and run again in the same
 *       thread's next batch, with fresh samples, until the model answers one of them (then the first rule applies)
 *       or the batch has {@link PipelineSettings#brokenModelBatch()} samples (a full batch, at least 2) and none
 *       is answered: that is a model problem, not bad data, and the pipeline stops as on any fatal error, with
 *       nothing of the batch published or committed.
 * </ul>
 *
 * <p>Samples that kill the process: a sample that ends the JVM (a native crash, an {@link OutOfMemoryError}) is
 * replayed first after the restart, since its offset was never committed. {@link CrashSuspects} counts, across
 * restarts, the samples the process died with; such a sample is worked on alone (nothing else in flight), and one the
 * process died with as often as the limit allows is dead-lettered ({@code OTHER}, the detail says how often) without
 * being worked on again.
 *
 * <p>Shadow models (issue #19 §3): when the registry holds a shadow and {@link PipelineSettings#shadowFraction()} is
 * above 0, the shadow also runs, after the champion, on the batch's answered samples that {@link ShadowSampling} picks,
 * with the same tensors; one {@code ShadowClassification} per such sample is sent with its Classification and masks,
 * and the sample is done only when all three were acknowledged. Nothing of the shadow reaches the served outputs, and
 * a shadow that throws, or a shadow record that cannot be published, is counted and logged without touching them.
 *
 * <p>Nothing is consumed until the {@link ModelRegistry} has a model.
 */
public final class InferencePipeline implements AutoCloseable {

    /** Name written into dead letters. */
    public static final String SERVICE = "inference-service";

    private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);
    private static final Duration IDLE = Duration.ofMillis(100);
    private static final Duration DRAIN = Duration.ofSeconds(15);

    private final PipelineSettings settings;
    private final ModelRegistry registry;
    private final SampleDecoder decoder;
    private final InferenceMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final OffsetTracker tracker = new OffsetTracker();
    private final CrashSuspects suspects;
    /** A suspect being worked on alone: nothing else is dispatched until it is done. */
    private final AtomicReference<Pending> alone = new AtomicReference<>();
    private final Semaphore inFlight;
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private final ExecutorService decodePool;
    private final BlockingQueue<Decoded> decoded;
    private final Object batchLock = new Object();
    private final PublishOrder publishOrder = new PublishOrder();
    private final Thread consumerThread;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean joined = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();

    /** A polled record and when it was polled. */
    private record Pending(TopicPartition partition, long offset, String key, byte[] value, long polledAt) {
    }

    /** A record with its decoded sample, input tensor, field QC and thumbnail (each null when it could not be made). */
    private record Decoded(Pending pending, Sample sample, float[] tensor, QcReport qc, StainComposite.Png thumbnail,
            long decodedAt) {
    }

    /** The model's answer for one sample: 28 probabilities and 28 mask planes. */
    private record Answer(float[] probabilities, float[] masks) {
    }

    /**
     * A batch run: the sends of its outputs and dead letters, to run in publish order, and the samples held back
     * for the next batch.
     */
    private record Processed(List<Runnable> sends, List<Decoded> heldBack) {
        static final Processed NOTHING = new Processed(List.of(), List.of());
    }

    /**
     * Creates the pipeline (clients connect lazily); {@link #start()} runs it.
     *
     * @param settings Kafka, batching and thread settings
     * @param registry the model serving now; samples are consumed only once it has one
     * @param decoder turns records into tensors
     * @param metrics where the pipeline reports
     * @param suspects the samples earlier processes died with (closed by {@link #close()})
     */
    public InferencePipeline(PipelineSettings settings, ModelRegistry registry, SampleDecoder decoder,
            InferenceMetrics metrics, CrashSuspects suspects) {
        this.settings = settings;
        this.suspects = suspects;
        this.registry = registry;
        this.decoder = decoder;
        this.metrics = metrics;
        this.consumer = new KafkaConsumer<>(consumerProperties(settings), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(producerProperties(settings), new StringSerializer(),
                new ByteArraySerializer());
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.decoded = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.decodePool = Executors.newFixedThreadPool(settings.decodeThreads(), named("decode"));
        this.consumerThread = new Thread(this::consume, "samples-consumer");
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(new Thread(this::infer, "inference-" + i));
        }
        metrics.inFlight(() -> settings.maxInFlight() - inFlight.availablePermits());
    }

    /**
     * The Kafka consumer configuration: records up to the topic's limit unless the client properties say
     * otherwise; manual commits, bounded polls and committed reads whatever they say.
     */
    static Map<String, Object> consumerProperties(PipelineSettings settings) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SAMPLES.maxMessageBytes());
        props.putAll(settings.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        // ingest writes samples in transactions: never classify a sample whose transaction aborted
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /**
     * The Kafka producer configuration: a short linger and requests as large as the largest output unless the
     * client properties say otherwise; acknowledged by every in-sync replica, idempotent retries whatever they say.
     */
    static Map<String, Object> producerProperties(PipelineSettings settings) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(Topics.SAMPLES_DLQ.maxMessageBytes(),
                Math.max(Topics.CLASSIFICATIONS.maxMessageBytes(), Topics.MASKS.maxMessageBytes())));
        props.putAll(settings.clientProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /** Starts the threads; consumption begins once the registry has a model. */
    public void start() {
        consumerThread.start();
        workers.forEach(Thread::start);
    }

    /** Whether the pipeline consumes: a model serves, the consumer joined its group, no fatal error. */
    public boolean ready() {
        return joined.get() && failure.get() == null && running.get();
    }

    /** The error that stopped the pipeline, if any (it then consumes nothing more and commits nothing more). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Completes, once, with the error that stopped the pipeline (on the thread that hit it); never completes when
     * the pipeline only closes.
     */
    public CompletionStage<Throwable> failed() {
        return failed.minimalCompletionStage();
    }

    /** Samples polled and not yet acknowledged. */
    public int inFlight() {
        return settings.maxInFlight() - inFlight.availablePermits();
    }

    /** Decoded samples waiting for a batch. */
    public int queued() {
        return decoded.size();
    }

    // ---- consumer thread -------------------------------------------------------------------------------

    private void consume() {
        try {
            while (consuming.get() && !registry.awaitModel(IDLE)) {
                LOG.debug("no model yet: not consuming");
            }
            if (!consuming.get()) {
                return;
            }
            consumer.subscribe(List.of(Topics.SAMPLES.name()), new Rebalance());
            long lastCommit = System.nanoTime();
            while (consuming.get() && failure.get() == null) {
                pauseWhileBacklogged();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(settings.pollTimeout())) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    tracker.register(partition, record.offset());
                    backlog.add(new Pending(partition, record.offset(), record.key(), record.value(), System.nanoTime()));
                }
                dispatch();
                if (System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
                    commit();
                    lastCommit = System.nanoTime();
                }
            }
            if (failure.get() == null) {
                drain();
            }
        } catch (WakeupException e) {
            LOG.debug("consumer woken up to stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail("the samples consumer failed", e);
        } finally {
            joined.set(false);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Pauses every assigned partition while records wait for permits; polling goes on regardless. */
    private void pauseWhileBacklogged() {
        if (!backlog.isEmpty()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void dispatch() {
        while (!backlog.isEmpty() && alone.get() == null) {
            Pending next = backlog.peek();
            int crashes = suspects.crashes(next.partition(), next.offset());
            if (crashes > 0 && inFlight() > 0) {
                return; // a suspect waits until nothing else is in flight
            }
            if (!inFlight.tryAcquire()) {
                return;
            }
            Pending pending = backlog.poll();
            if (suspects.condemned(pending.partition(), pending.offset())) {
                metrics.crashSuspectDeadLettered();
                deadLetter(pending, DeadLetterReason.OTHER, "the inference process died " + crashes
                        + " times while working on this sample; it is not worked on again");
                continue;
            }
            if (crashes > 0) {
                LOG.warn("sample {}@{} (key {}) was in the process when it died {} time(s): worked on alone",
                        pending.partition(), pending.offset(), pending.key(), crashes);
                alone.set(pending);
            }
            decodePool.execute(() -> decode(pending));
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
            } catch (KafkaException e) {
                // the samples behind these offsets are done; a lost commit only means they are replayed
                LOG.warn("offset commit failed, the samples will be replayed: {}", e.getMessage());
            }
        }
    }

    /** On a graceful stop: wait (bounded) for in-flight samples to be acknowledged, then commit them. */
    private void drain() {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (inFlight() > 0 && failure.get() == null && System.nanoTime() < deadline) {
            consumer.pause(consumer.assignment());
            consumer.poll(Duration.ZERO); // keeps group membership; returns nothing while paused
            sleepQuietly(IDLE);
        }
        commit();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit();
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // called on every completed join, also with no partitions (more instances than partitions)
            joined.set(true);
            LOG.info("consuming {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            tracker.forget(partitions);
            backlog.removeIf(p -> partitions.contains(p.partition()));
        }
    }

    // ---- decode threads --------------------------------------------------------------------------------

    private void decode(Pending pending) {
        long start = System.nanoTime();
        metrics.stage(Stage.QUEUE, start - pending.polledAt());
        try {
            suspects.begin(pending.partition(), pending.offset());
            Sample sample = decoder.parse(pending.partition().topic(), pending.value());
            ServingModel model = registry.current().orElseThrow(() -> new IllegalStateException("no model"));
            SampleDecoder.Decoded input = decoder.decode(sample, model.inputSize());
            if (input.qc() == null) {
                // QC is a report about the sample, not a condition for classifying it
                metrics.qcMissing();
                LOG.warn("sample {} ({}@{}) is classified without field QC: {}", sample.getSampleId(),
                        pending.partition(), pending.offset(), input.qcFailure());
            }
            if (input.thumbnail() == null) {
                // the results sink then makes the thumbnail from the stains itself
                metrics.thumbnailMissing();
                LOG.warn("sample {} ({}@{}) is classified without a thumbnail: {}", sample.getSampleId(),
                        pending.partition(), pending.offset(), input.thumbnailFailure());
            }
            long end = System.nanoTime();
            metrics.stage(Stage.DECODE, end - start);
            decoded.put(new Decoded(pending, sample, input.tensor(), input.qc(), input.thumbnail(), end));
        } catch (SampleRejectedException e) {
            deadLetter(pending, e.reason(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (CrashSuspects.JournalException e) {
            fail("the pipeline journal cannot be written", e);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure decoding {}@{}", pending.partition(), pending.offset(), e);
            deadLetter(pending, DeadLetterReason.OTHER, e.toString());
        }
    }

    // ---- inference threads -----------------------------------------------------------------------------

    private void infer() {
        ServingModel held = null;
        OnnxTunet.Session session = null;
        ShadowHold shadow = new ShadowHold();
        List<Decoded> heldBack = List.of();
        try {
            while (running.get()) {
                List<Decoded> batch;
                ServingModel model;
                long number;
                // Forming a batch and choosing its model under one lock keeps batch order and model order
                // the same, and PublishOrder keeps publishing in batch order: versions never go backwards.
                synchronized (batchLock) {
                    // samples held back (no answer, see the class comment) run again in place of fresh ones
                    List<Decoded> fresh = Batches.next(decoded, Math.max(1, settings.batchMaxSize() - heldBack.size()),
                            settings.batchMaxWait(), IDLE);
                    if (fresh.isEmpty()) {
                        continue;
                    }
                    batch = new ArrayList<>(heldBack);
                    batch.addAll(fresh);
                    model = holdCurrent(held);
                    shadow.hold(holdShadow(shadow.model));
                    number = publishOrder.issue();
                }
                if (model != held) {
                    if (session != null) {
                        session.close();
                        held.release();
                    }
                    session = model.newSession();
                    held = model;
                }
                Processed processed = Processed.NOTHING;
                try {
                    processed = process(batch, model, session, shadow);
                } catch (RuntimeException e) {
                    fail("inference failed on " + model, e);
                } catch (Error e) {
                    fail("inference failed on " + model, e);
                    throw e; // after an OutOfMemoryError this thread is in no state to run another batch
                }
                heldBack = processed.heldBack();
                publishOrder.awaitTurn(number);
                try {
                    processed.sends().forEach(Runnable::run);
                } finally {
                    publishOrder.done();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (session != null) {
                session.close();
                held.release();
            }
            shadow.close();
        }
    }

    /** The current model, with a reference held for this thread unless it is {@code held} already. */
    private ServingModel holdCurrent(ServingModel held) {
        while (true) {
            ServingModel current = registry.current().orElseThrow(() -> new IllegalStateException("no model"));
            if (current == held || current.acquire()) {
                return current;
            }
        }
    }

    /** The shadow model, with a reference held for this thread unless it is {@code held} already; null if none. */
    private ServingModel holdShadow(ServingModel held) {
        if (settings.shadowFraction() == 0) {
            return null;
        }
        while (true) {
            ServingModel shadow = registry.shadow().orElse(null);
            if (shadow == null || shadow == held || shadow.acquire()) {
                return shadow;
            }
        }
    }

    /**
     * One inference thread's hold on the shadow model: a reference, and its own session once it ran a batch. A shadow
     * is held only from one batch to the next, like the champion, and closes when the registry and every thread let go.
     */
    private static final class ShadowHold implements AutoCloseable {
        private ServingModel model;
        private OnnxTunet.Session session;

        /** Holds {@code next} (a reference already taken for it, or the model held now, or null) instead. */
        void hold(ServingModel next) {
            if (next != model) {
                close();
                model = next;
            }
        }

        /** This thread's session on the shadow model held now. */
        OnnxTunet.Session session() {
            if (session == null) {
                session = model.newSession();
            }
            return session;
        }

        @Override
        public void close() {
            if (session != null) {
                session.close();
                session = null;
            }
            if (model != null) {
                model.release();
                model = null;
            }
        }
    }

    /**
     * Runs one batch, isolating the samples the model fails on (see the class comment for the rule), and returns
     * the sends of its outputs and dead letters, and the samples to hold back for the next batch. Then the shadow
     * model, if any, runs on the batch's shadowed samples ({@link #shadowRecords}).
     *
     * @throws IllegalStateException if the model answered none of {@link PipelineSettings#brokenModelBatch()} samples
     */
    private Processed process(List<Decoded> batch, ServingModel model, OnnxTunet.Session session, ShadowHold shadow) {
        long start = System.nanoTime();
        int size = model.inputSize();
        List<Runnable> sends = new ArrayList<>(batch.size());
        List<Decoded> runnable = new ArrayList<>(batch.size());
        List<float[]> tensors = new ArrayList<>(batch.size());
        for (Decoded item : batch) {
            metrics.stage(Stage.QUEUE, start - item.decodedAt());
            float[] tensor = item.tensor();
            if (tensor.length != 4 * size * size) {
                // decoded for the previous model, whose input size differs
                try {
                    tensor = decoder.tensor(item.sample(), size);
                } catch (SampleRejectedException e) {
                    sends.add(() -> deadLetter(item.pending(), e.reason(), e.getMessage()));
                    continue;
                }
            }
            runnable.add(item);
            tensors.add(tensor);
        }
        if (runnable.isEmpty()) {
            return new Processed(sends, List.of());
        }
        long championStart = System.nanoTime();
        Isolation.Outcome<Answer> outcome = Isolation.run(tensors, images -> predict(session, images));
        long championNanos = System.nanoTime() - championStart;
        int answered = outcome.answered();
        if (answered == 0 && runnable.size() >= settings.brokenModelBatch()) {
            throw new IllegalStateException(model + " failed on every sample of a batch of " + runnable.size()
                    + ", each run alone: a model problem, not bad data", outcome.failures().get(0));
        }
        if (answered == 0) {
            LOG.info("{} answered no sample of its batch of {} {}: held back for the next batch, where answers to "
                    + "other samples tell bad samples from a broken model; the failure: {}", model, runnable.size(),
                    runnable.stream().map(d -> d.sample().getSampleId()).toList(), outcome.batchFailure().toString());
            return new Processed(sends, runnable);
        }
        if (outcome.batchFailure() != null && answered == runnable.size()) {
            LOG.warn("{} failed on a batch of {} but answered every part of it run again: outputs published; the "
                    + "failure was: {}", model, runnable.size(), outcome.batchFailure().toString());
        }
        long inferred = System.nanoTime();
        Instant now = Instant.now();
        List<SampleResults> served = new ArrayList<>(Collections.nCopies(runnable.size(), null));
        for (int i = 0; i < runnable.size(); i++) {
            Decoded item = runnable.get(i);
            RuntimeException failure = outcome.failures().get(i);
            if (failure != null) {
                String detail = model + " failed on sample " + item.sample().getSampleId() + " run alone (isolated "
                        + "from a batch of " + runnable.size() + ", " + answered + " answered): " + failure;
                sends.add(() -> {
                    metrics.sampleIsolated();
                    deadLetter(item.pending(), DeadLetterReason.OTHER, detail);
                });
                continue;
            }
            Answer answer = outcome.answers().get(i);
            double latencyMillis = (System.nanoTime() - item.pending().polledAt()) / 1e6;
            served.set(i, SampleResults.of(item.sample(), model, answer.probabilities(), answer.masks(),
                    settings.masks(), latencyMillis, now, item.qc(), item.thumbnail()));
        }
        metrics.stage(Stage.POSTPROCESS, System.nanoTime() - inferred);
        Map<Integer, ShadowClassification> shadowed = shadowRecords(runnable, tensors, served, model,
                championNanos / (double) runnable.size() / 1e6, shadow, now);
        for (int i = 0; i < runnable.size(); i++) {
            SampleResults results = served.get(i);
            if (results != null) {
                Pending pending = runnable.get(i).pending();
                ShadowClassification shadowRecord = shadowed.get(i);
                sends.add(() -> publish(pending, results, shadowRecord));
            }
        }
        return new Processed(sends, List.of());
    }

    /**
     * Runs the shadow model on the batch's samples the champion answered and {@link ShadowSampling} picks, on the
     * tensors the champion ran on, and returns their shadow records by index in the batch. A shadow failure costs the
     * shadow records of this batch only: logged, counted, and the champion's results are published as they are.
     *
     * @param championMillis the champion's model time on the batch per sample
     */
    private Map<Integer, ShadowClassification> shadowRecords(List<Decoded> runnable, List<float[]> tensors,
            List<SampleResults> served, ServingModel champion, double championMillis, ShadowHold shadow, Instant now) {
        ServingModel shadowModel = shadow.model;
        // the registry drops a shadow that is no longer newer than the champion; a batch may start before it does
        if (shadowModel == null || shadowModel.version() <= champion.version()
                || shadowModel.inputSize() != champion.inputSize()) {
            return Map.of();
        }
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < runnable.size(); i++) {
            if (served.get(i) != null && ShadowSampling.picks(runnable.get(i).sample().getSampleId(),
                    settings.shadowFraction())) {
                picked.add(i);
            }
        }
        if (picked.isEmpty()) {
            return Map.of();
        }
        float[][] images = new float[picked.size()][];
        for (int j = 0; j < images.length; j++) {
            images[j] = tensors.get(picked.get(j));
        }
        try {
            long start = System.nanoTime();
            TunetPrediction prediction;
            try {
                prediction = shadow.session().predict(images);
            } finally {
                metrics.shadowModel(System.nanoTime() - start);
            }
            if (prediction.batchSize() != images.length) {
                throw new IllegalStateException("the shadow gave " + prediction.batchSize() + " answers to "
                        + images.length + " samples");
            }
            double shadowMillis = (System.nanoTime() - start) / 1e6 / images.length;
            Map<Integer, ShadowClassification> records = new HashMap<>();
            for (int j = 0; j < images.length; j++) {
                int i = picked.get(j);
                records.put(i, ShadowResults.of(runnable.get(i).sample(), shadowModel, prediction.probabilities()[j],
                        shadowMillis, served.get(i).classification(), championMillis, now));
            }
            return records;
        } catch (RuntimeException e) {
            metrics.shadowFailed(picked.size());
            LOG.warn("shadow {} failed on {} sample(s) of a batch of {}: the champion {}'s results are published "
                    + "without shadow records for them: {}", shadowModel, picked.size(), runnable.size(), champion,
                    e.toString());
            return Map.of();
        }
    }

    /** One model call, timed and counted: per image its probabilities and mask planes. */
    private List<Answer> predict(OnnxTunet.Session session, List<float[]> images) {
        long start = System.nanoTime();
        try {
            TunetPrediction prediction = session.predict(images.toArray(new float[0][]));
            List<Answer> answers = new ArrayList<>(prediction.batchSize());
            for (int i = 0; i < prediction.batchSize(); i++) {
                answers.add(new Answer(prediction.probabilities()[i], prediction.masks()[i]));
            }
            return answers;
        } finally {
            metrics.stage(Stage.INFER, System.nanoTime() - start);
            metrics.batch(images.size());
        }
    }

    // ---- publishing ------------------------------------------------------------------------------------

    /**
     * Sends a sample's outputs and, if it was shadowed, its shadow record; the sample is done (its offset may be
     * committed) once all of them were acknowledged, so a replay after a crash redoes the shadow record too. A shadow
     * record that cannot be published is counted and logged, never a reason to stop the served line.
     */
    private void publish(Pending pending, SampleResults results, ShadowClassification shadowRecord) {
        long sent = System.nanoTime();
        AtomicInteger outstanding = new AtomicInteger(shadowRecord == null ? 2 : 3);
        Runnable acknowledgedOne = () -> {
            if (outstanding.decrementAndGet() == 0) {
                metrics.stage(Stage.PUBLISH, System.nanoTime() - sent);
                metrics.samplesDone(1);
                done(pending);
            }
        };
        Callback acknowledged = (metadata, error) -> {
            if (error != null) {
                fail("publishing the outputs of " + pending.partition() + "@" + pending.offset() + " failed", error);
            } else {
                acknowledgedOne.run();
            }
        };
        String key = results.classification().getSampleId();
        send(Topics.CLASSIFICATIONS, key, Topics.CLASSIFICATIONS.valueSerde().serializer()
                .serialize(Topics.CLASSIFICATIONS.name(), results.classification()), acknowledged);
        send(Topics.MASKS, key, Topics.MASKS.valueSerde().serializer()
                .serialize(Topics.MASKS.name(), results.masks()), acknowledged);
        if (shadowRecord != null) {
            Callback shadowAcknowledged = (metadata, error) -> {
                if (error != null) {
                    shadowNotPublished(key, error);
                } else {
                    metrics.shadowed(1);
                }
                acknowledgedOne.run();
            };
            try {
                producer.send(new ProducerRecord<>(Topics.CLASSIFICATIONS_SHADOW.name(), key,
                        Topics.CLASSIFICATIONS_SHADOW.valueSerde().serializer()
                                .serialize(Topics.CLASSIFICATIONS_SHADOW.name(), shadowRecord)), shadowAcknowledged);
            } catch (RuntimeException e) {
                shadowNotPublished(key, e);
                acknowledgedOne.run();
            }
        }
    }

    private void shadowNotPublished(String sampleId, Exception error) {
        metrics.shadowFailed(1);
        LOG.warn("the shadow record of sample {} was not published to {} (its served results are): {}", sampleId,
                Topics.CLASSIFICATIONS_SHADOW, error.toString());
    }

    private void deadLetter(Pending pending, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason.name());
        LOG.warn("sample {}@{} (key {}) to {}: {}", pending.partition(), pending.offset(), pending.key(),
                Topics.SAMPLES_DLQ, detail);
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .setSourceTopic(pending.partition().topic())
                .setSourcePartition(pending.partition().partition())
                .setSourceOffset(pending.offset())
                .setOriginalKey(pending.key())
                .setPayload(pending.value() == null ? null : ByteBuffer.wrap(pending.value()))
                .setService(SERVICE)
                .setFailedAt(Instant.now())
                .build();
        send(Topics.SAMPLES_DLQ, pending.key(), Topics.SAMPLES_DLQ.valueSerde().serializer()
                .serialize(Topics.SAMPLES_DLQ.name(), letter), (metadata, error) -> {
                    if (error != null) {
                        fail("publishing a dead letter for " + pending.partition() + "@" + pending.offset()
                                + " failed", error);
                    } else {
                        done(pending);
                    }
                });
    }

    private void send(Topic<String, ?> topic, String key, byte[] value, Callback callback) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value), callback);
        } catch (KafkaException e) {
            fail("cannot send to " + topic, e);
        }
    }

    private void done(Pending pending) {
        try {
            suspects.finish(pending.partition(), pending.offset());
        } catch (CrashSuspects.JournalException e) {
            fail("the pipeline journal cannot be written", e);
        }
        tracker.complete(pending.partition(), pending.offset());
        alone.compareAndSet(pending, null);
        inFlight.release();
    }

    private void fail(String what, Throwable error) {
        if (failure.compareAndSet(null, error)) {
            LOG.error("{}: the pipeline stops consuming and committing; restart to resume from the last commit",
                    what, error);
            failed.complete(error);
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------

    /**
     * Stops gracefully: no more polls, in-flight samples get up to 15 s to be acknowledged and committed,
     * then every thread stops and the clients close.
     */
    @Override
    public void close() {
        consuming.set(false);
        if (consumerThread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
        join(consumerThread, DRAIN.plusSeconds(10));
        running.set(false);
        decodePool.shutdownNow();
        workers.forEach(Thread::interrupt);
        workers.forEach(w -> join(w, Duration.ofSeconds(10)));
        try {
            decodePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        suspects.close();
    }

    private static void join(Thread thread, Duration timeout) {
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
