package io.tunet.inference.model;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.core.onnx.OnnxModelException;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.model.ModelRefusedException.Reason;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.provenance.ModelSignatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model this service serves now. Versions arrive from the {@code models} topic ({@link #offer}) or, for
 * a first start, from a file ({@link #loadFile}); a newer PROMOTED version is fetched from the blob store
 * (sha256 verified), checked and warmed up while the current one keeps serving, then swapped in atomically.
 * A version that fails any check is refused: logged, counted, and the current model stays. Versions move
 * forward, except when the serving version is withdrawn (RETIRED or REJECTED after its promotion,
 * {@link #withdraw}): then the newest earlier PROMOTED version that loads serves instead.
 *
 * <p>Beside the champion it may hold a shadow ({@link #shadow(Optional)}, issue #19 §3): a CANDIDATE version newer
 * than the champion, verified, loaded and warmed up exactly like a champion, which the pipeline also runs on a
 * fraction of the samples without serving its answers. Nothing about a shadow ever changes the champion: a shadow
 * that fails a check is logged, counted and not tried again, and a new champion drops a shadow no longer newer than
 * it (a shadowed version that is PROMOTED is loaded again by {@link #offer}, the champion's own path).
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** What {@link #offer} did with a version. */
    public enum Outcome {
        /** The version serves from now on. */
        SWAPPED,
        /** Not for this service: another model name, not PROMOTED, or not newer than the current version. */
        IGNORED,
        /** It failed a check; the current model keeps serving. */
        REFUSED
    }

    private final String modelName;
    private final BlobStore blobs;
    private final ModelLoader loader;
    private final LoadMarkers markers;
    private final InferenceMetrics metrics;
    private final Map<String, byte[]> trustedKeys;
    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final AtomicReference<ServingModel> shadow = new AtomicReference<>();
    /**
     * Versions refused as shadows for good: their file, signature and checks will not change (under {@link #lock}).
     */
    private final Set<Long> refusedShadows = new HashSet<>();
    /**
     * The newest candidate, when it was refused as a shadow because its file could not be read (the blob store away
     * for a moment), with the {@link System#nanoTime()} from which it is tried again; only the newest candidate is
     * ever tried again, so there is at most one (null: none; under {@link #lock}).
     */
    private ShadowRetry shadowRetry;
    private Duration shadowRetryDelay = Duration.ofMinutes(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition modelArrived = lock.newCondition();

    /**
     * @param modelName the model name to follow; versions of other names are ignored
     * @param blobs where ONNX files of model versions live
     * @param loader loads and checks ONNX files
     * @param markers where the version being loaded is remembered across a crash
     * @param metrics where refusals and the active version are reported
     */
    public ModelRegistry(String modelName, BlobStore blobs, ModelLoader loader, LoadMarkers markers,
                         InferenceMetrics metrics) {
        this(modelName, blobs, loader, markers, metrics, Map.of());
    }

    /**
     * A registry that loads a version from the registry only when its signature verifies with one of
     * {@code trustedKeys} (key id → key); an empty map checks no signatures.
     */
    public ModelRegistry(String modelName, BlobStore blobs, ModelLoader loader, LoadMarkers markers,
                         InferenceMetrics metrics, Map<String, byte[]> trustedKeys) {
        this.trustedKeys = Map.copyOf(trustedKeys);
        this.modelName = modelName;
        this.blobs = blobs;
        this.loader = loader;
        this.markers = markers;
        this.metrics = metrics;
    }

    /** The model name this registry follows. */
    public String modelName() {
        return modelName;
    }

    /** The model serving now, if any. */
    public Optional<ServingModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** Waits until a model serves; returns whether one does. */
    public boolean awaitModel(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (current.get() == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                modelArrived.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves the model version if it is PROMOTED, of this registry's name, newer than the current version,
     * and passes every check.
     */
    public Outcome offer(ModelVersion version) {
        if (!modelName.equals(version.getModelName()) || version.getStatus() != ModelStatus.PROMOTED) {
            return Outcome.IGNORED;
        }
        lock.lock();
        try {
            ServingModel serving = current.get();
            if (serving != null && version.getVersion() <= serving.version()) {
                return Outcome.IGNORED;
            }
            String label = version.getModelName() + " v" + version.getVersion();
            try {
                ServingModel next = fetchAndLoad(version, label);
                swap(next);
                return Outcome.SWAPPED;
            } catch (ModelRefusedException e) {
                refuse(e);
                return Outcome.REFUSED;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops serving {@code withdrawn} if it is the version serving now (it was RETIRED or REJECTED after its
     * promotion): the first of {@code fallbacks} (PROMOTED versions of this model, newest first, older ones
     * included) that passes every check serves instead. With none that loads, the withdrawn version keeps
     * serving, so the line is never left without a model, and that is logged as an error.
     *
     * @return SWAPPED when a fallback serves now, IGNORED when {@code withdrawn} was not serving, REFUSED when
     *         no fallback loaded
     */
    public Outcome withdraw(ModelVersion withdrawn, List<ModelVersion> fallbacks) {
        lock.lock();
        try {
            ServingModel serving = current.get();
            if (!modelName.equals(withdrawn.getModelName()) || serving == null
                    || serving.version() != withdrawn.getVersion()) {
                return Outcome.IGNORED;
            }
            for (ModelVersion fallback : fallbacks) {
                if (fallback.getVersion() == withdrawn.getVersion() || fallback.getStatus() != ModelStatus.PROMOTED
                        || !modelName.equals(fallback.getModelName())) {
                    continue;
                }
                try {
                    ServingModel next = fetchAndLoad(fallback, fallback.getModelName() + " v" + fallback.getVersion());
                    LOG.warn("{} v{} was {}: rolling back to v{}", modelName, withdrawn.getVersion(),
                            withdrawn.getStatus(), fallback.getVersion());
                    swap(next);
                    return Outcome.SWAPPED;
                } catch (ModelRefusedException e) {
                    refuse(e);
                }
            }
            LOG.error("{} v{} was {}, but no earlier PROMOTED version loads: it keeps serving", modelName,
                    withdrawn.getVersion(), withdrawn.getStatus());
            return Outcome.REFUSED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves the ONNX file at {@code file} (a first start before the registry has promoted anything). Its
     * version is the one in the file's metadata, or {@code version} when given. A newer model already
     * serving is kept.
     *
     * @return the model serving after the call
     * @throws ModelRefusedException if the file fails a check; nothing changes then
     */
    public ServingModel loadFile(Path file, OptionalLong version) throws ModelRefusedException {
        lock.lock();
        try {
            long resolved = version.isPresent() ? version.getAsLong() : versionInFile(file);
            ServingModel next = load(file, modelName, resolved, OptionalInt.empty(), null);
            ServingModel serving = current.get();
            if (serving != null && resolved <= serving.version()) {
                LOG.info("{} is version {}, not newer than {}: keeping the current model", file, resolved, serving);
                next.release();
                return serving;
            }
            swap(next);
            return next;
        } catch (ModelRefusedException e) {
            refuse(e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** The version shadowed now, if any. */
    public Optional<ServingModel> shadow() {
        return Optional.ofNullable(shadow.get());
    }

    /**
     * Makes {@code candidate} the shadow: a CANDIDATE of this registry's model, newer than the champion and with the
     * champion's input size (the shadow runs on the tensors decoded for the champion), loaded like a champion.
     * Anything else, or no candidate, ends the current shadow, which closes once no batch uses it. A candidate that
     * fails a check, or whose load fails in any other way, is logged and counted ({@code
     * inference_shadow_models_refused_total}), the previous shadow is ended, and the version is not tried again by
     * this process, except one whose file could not be read ({@code BLOB_UNAVAILABLE}), tried again after a minute
     * ({@link #shadowRetryDue}); the champion is never touched.
     *
     * @return SWAPPED when {@code candidate} is the shadow from now on, IGNORED when nothing was loaded (it is the
     *         shadow already, or it is not to be shadowed), REFUSED when it failed a check
     */
    public Outcome shadow(Optional<ModelVersion> candidate) {
        lock.lock();
        try {
            ServingModel serving = current.get();
            ModelVersion version = candidate.orElse(null);
            if (version == null || serving == null || !modelName.equals(version.getModelName())
                    || version.getStatus() != ModelStatus.CANDIDATE || version.getVersion() <= serving.version()) {
                endShadow("it is no longer the newest CANDIDATE newer than the champion "
                        + (serving == null ? "(none)" : serving));
                shadowRetry = null;
                return Outcome.IGNORED;
            }
            if (shadowRetry != null && shadowRetry.version() != version.getVersion()) {
                shadowRetry = null;
            }
            ServingModel shadowed = shadow.get();
            if (shadowed != null && shadowed.version() == version.getVersion()
                    || refusedShadows.contains(version.getVersion())
                    || shadowRetry != null && !shadowRetry.due()) {
                return Outcome.IGNORED;
            }
            String label = version.getModelName() + " v" + version.getVersion();
            try {
                if (version.getInputSize() != serving.inputSize()) {
                    throw new ModelRefusedException(Reason.WRONG_SIGNATURE, label + " takes " + version.getInputSize()
                            + "² inputs and the champion " + serving.inputSize() + "²: a shadow runs on the tensors "
                            + "decoded for the champion, never decodes a sample again", null);
                }
                ServingModel next = fetchAndLoad(version, label);
                endShadow("replaced by " + next);
                shadow.set(next);
                shadowRetry = null;
                metrics.shadowVersion(next.version());
                LOG.info("shadowing {} beside the champion {}: its verdicts go to classifications-shadow only", next,
                        serving);
                return Outcome.SWAPPED;
            } catch (ModelRefusedException e) {
                return refuseShadow(version, label, serving, e.reason(), e.getMessage());
            } catch (RuntimeException e) {
                // an unexpected failure of the loader must not reach the follower: it would stop following models
                return refuseShadow(version, label, serving, Reason.INVALID_MODEL, e.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    private Outcome refuseShadow(ModelVersion version, String label, ServingModel serving, Reason reason,
            String why) {
        String retry = "";
        if (reason == Reason.BLOB_UNAVAILABLE) {
            shadowRetry = new ShadowRetry(version.getVersion(), System.nanoTime() + shadowRetryDelay.toNanos());
            retry = "; tried again in " + shadowRetryDelay.toSeconds() + " s";
        } else {
            shadowRetry = null;
            refusedShadows.add(version.getVersion());
        }
        endShadow("its successor " + label + " was refused");
        metrics.shadowRefused(reason.name());
        LOG.error("not shadowing {} (the champion {} serves on, unaffected): {}{}", label, serving, why, retry);
        return Outcome.REFUSED;
    }

    /** Whether a shadow refused for an unreadable file is due to be tried again (the follower then asks again). */
    public boolean shadowRetryDue() {
        lock.lock();
        try {
            return shadowRetry != null && shadowRetry.due();
        } finally {
            lock.unlock();
        }
    }

    /** How long a shadow refused for an unreadable file waits before it is tried again (one minute; tests). */
    void retryShadowsAfter(Duration delay) {
        lock.lock();
        try {
            shadowRetryDelay = delay;
        } finally {
            lock.unlock();
        }
    }

    /** A candidate refused for an unreadable file, tried again from {@code atNanos} ({@link System#nanoTime()}). */
    private record ShadowRetry(long version, long atNanos) {

        boolean due() {
            return System.nanoTime() - atNanos >= 0;
        }
    }

    /** Ends the shadow, if any; it closes once the last batch running on it gives its reference back. */
    private void endShadow(String why) {
        ServingModel ended = shadow.getAndSet(null);
        if (ended != null) {
            metrics.shadowVersion(0);
            LOG.info("no longer shadowing {}: {}", ended, why);
            ended.release();
        }
    }

    private ServingModel fetchAndLoad(ModelVersion version, String label) throws ModelRefusedException {
        if (!trustedKeys.isEmpty()) {
            ModelSignatures.Check check = ModelSignatures.verify(version, trustedKeys);
            if (check != ModelSignatures.Check.VALID) {
                throw new ModelRefusedException(Reason.UNTRUSTED, label + ": signature " + switch (check) {
                    case UNSIGNED -> "missing (the training service runs without training.signing.key?)";
                    case UNKNOWN_KEY -> "by key '" + ModelSignatures.keyId(version) + "', which is not among the "
                            + "trusted keys " + trustedKeys.keySet();
                    default -> "does not match the version's content (tampered, or another key under id '"
                            + ModelSignatures.keyId(version) + "')";
                }, null);
            }
        }
        byte[] bytes;
        try {
            bytes = blobs.get(version.getOnnx());
        } catch (BlobStoreException e) {
            Reason reason = e.reason() == BlobStoreException.Reason.CHECKSUM_MISMATCH
                    ? Reason.CHECKSUM_MISMATCH : Reason.BLOB_UNAVAILABLE;
            throw new ModelRefusedException(reason, label + ": " + e.getMessage(), e);
        }
        float[] thresholds = new float[version.getThresholds().size()];
        for (int c = 0; c < thresholds.length; c++) {
            thresholds[c] = version.getThresholds().get(c);
        }
        Path file = null;
        try {
            file = Files.createTempFile("tunet-" + version.getVersion() + "-", ".onnx");
            Files.write(file, bytes);
            return load(file, version.getModelName(), version.getVersion(), OptionalInt.of(version.getInputSize()),
                    thresholds);
        } catch (IOException e) {
            throw new ModelRefusedException(Reason.BLOB_UNAVAILABLE, label + ": cannot stage the ONNX file: "
                    + e.getMessage(), e);
        } finally {
            deleteStaged(file);
        }
    }

    /** Loads through {@link ModelLoader} with a {@link LoadMarkers} marker around the load. */
    private ServingModel load(Path file, String name, long version, OptionalInt inputSize, float[] thresholds)
            throws ModelRefusedException {
        if (markers.crashedBefore(name, version)) {
            throw new ModelRefusedException(Reason.CRASHED_AT_LOAD, name + " v" + version + ": an earlier process "
                    + "died while loading it; delete " + markers.marker(name, version) + " to try it again", null);
        }
        markers.loading(name, version);
        try {
            return loader.load(file, name, version, inputSize, thresholds);
        } finally {
            markers.loaded(name, version);
        }
    }

    private static long versionInFile(Path file) throws ModelRefusedException {
        String version;
        try (OnnxTunet onnx = OnnxTunet.load(file)) {
            version = onnx.metadata().version();
        } catch (OnnxModelException e) {
            throw new ModelRefusedException(Reason.INVALID_MODEL, file + ": " + e.getMessage(), e);
        }
        try {
            return Long.parseLong(version.strip());
        } catch (NumberFormatException e) {
            throw new ModelRefusedException(Reason.INVALID_MODEL, file + " has version '" + version
                    + "', not a number: set inference.model.version", e);
        }
    }

    private void swap(ServingModel next) {
        ServingModel previous = current.getAndSet(next);
        metrics.activeModel(next.version());
        Placement placement = next.placement();
        metrics.placement(placement.device().toString(), placement.requested().toString(), placement.fallback(),
                placement.nodesPerProvider());
        modelArrived.signalAll();
        LOG.info("serving {} (was {})", next, previous == null ? "none" : previous);
        if (previous != null) {
            previous.release();
        }
        ServingModel shadowed = shadow.get();
        if (shadowed != null && (shadowed.version() <= next.version() || shadowed.inputSize() != next.inputSize())) {
            endShadow("the champion is " + next + " now");
        }
    }

    private void refuse(ModelRefusedException e) {
        metrics.modelRefused(e.reason().name());
        ServingModel serving = current.get();
        LOG.error("refused model version, still serving {}: {}", serving == null ? "none" : serving, e.getMessage());
    }

    private static void deleteStaged(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete staged model file {}: {}", file, e.getMessage());
        }
    }

    /** Gives back the registry's references to the current model and the shadow (each closes once no batch uses it). */
    @Override
    public void close() {
        ServingModel shadowed = shadow.getAndSet(null);
        if (shadowed != null) {
            shadowed.release();
        }
        ServingModel serving = current.getAndSet(null);
        if (serving != null) {
            serving.release();
        }
    }
}
