package io.tunet.training.offline;

import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TunetTraining;
import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.training.registry.CheckpointArchive;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import io.tunet.training.registry.ModelSigner;
import io.tunet.training.registry.ModelVersions;
import io.tunet.training.reference.ReferenceProfiler;
import io.tunet.training.service.KafkaClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes a model trained offline the line's first champion: scores it on a held-out HPA-layout directory (at the
 * thresholds stored in the ONNX file, fitted on the training run's own validation split, so the scores are on
 * samples that neither training nor thresholds saw), stores its ONNX file and checkpoint in the blob store and
 * publishes it to {@code models} as CANDIDATE then PROMOTED, with the caller's statement of what it was trained
 * on as the reason. Only into an empty registry: once a model name has versions, the service's own runs and
 * gate decide, and this command changes nothing (exit status 4).
 */
@Command(name = "publish-first", mixinStandardHelpOptions = true,
        description = "Publish an offline-trained model as the first champion of an empty model registry.")
final class PublishFirst implements Callable<Integer> {

    /** Exit status when the registry already holds versions of the model. */
    static final int ALREADY_PUBLISHED = 4;

    @Option(names = "--model", required = true, description = "The ONNX file (thresholds in its metadata)")
    Path model;

    @Option(names = "--checkpoint", required = true,
            description = "Its checkpoint (<arch>-<epoch>.params with network.properties beside it), for warm starts")
    Path checkpoint;

    @Option(names = "--evaluate-on", required = true,
            description = "Held-out HPA-layout directory to score it on (not its training data)")
    Path heldOut;

    @Option(names = "--cache", description = "Sample cache folder (default " + SampleCache.DEFAULT_ROOT_TEXT + ")")
    Path cache;

    @Option(names = "--training-set-size", required = true, description = "How many samples it was trained on")
    int trainingSetSize;

    @Option(names = "--trained-on", required = true,
            description = "What it was trained on, in words; shown with the version on the dashboard")
    String trainedOn;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @Option(names = "--blob-root", required = true, description = "The blob store the services share")
    Path blobRoot;

    @Option(names = "--model-name", defaultValue = "tunet")
    String modelName;

    @Option(names = "--signing-key-id", defaultValue = "training",
            description = "Id of the signing key; the key itself (base64) comes from the environment variable "
                    + "TRAINING_SIGNING_KEY, as for the service, never from the command line (default ${DEFAULT-VALUE})")
    String signingKeyId;

    @Override
    public Integer call() {
        try {
            return publish();
        } catch (OfflineInputException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private int publish() throws OfflineInputException {
        Map<String, Object> client = KafkaClientProperties.of(bootstrapServers, Map.of());
        ModelRegistryView registry = ModelRegistryView.load(modelName, client, Duration.ofSeconds(30));
        if (registry.newestVersion() > 0) {
            System.err.printf(Locale.ROOT, "models already holds %s v%d; a first model goes only into an empty "
                    + "registry (retrain through the training service instead)%n", modelName, registry.newestVersion());
            return ALREADY_PUBLISHED;
        }
        NetworkSpec spec;
        try {
            spec = TunetTraining.checkpointSpec(checkpoint);
        } catch (IOException e) {
            throw new OfflineInputException(e.getMessage());
        }
        Evaluation.Report report;
        float[] thresholds;
        ReferenceProfile reference;
        try (OnnxTunet onnx = OnnxTunet.load(model); OnnxTunet.Session session = onnx.newSession()) {
            if (onnx.metadata().inputSize() != spec.inputSize()) {
                throw new OfflineInputException(model + " takes " + onnx.metadata().inputSize() + "² but checkpoint "
                        + checkpoint + " is a network for " + spec.inputSize() + "²");
            }
            thresholds = onnx.metadata().thresholds();
            HpaDirectory directory = HpaDirectory.open(heldOut);
            SampleSet samples = TrainingData.loadAll(directory,
                    SampleCache.open(cache == null ? SampleCache.defaultRoot() : cache, spec.inputSize(),
                            ThresholdMethod.OTSU));
            Evaluation.Scores scores = Evaluation.score(samples, spec.inputSize(), 8, session::predict);
            report = Evaluation.report(scores, thresholds);
            reference = reference(directory, scores, thresholds);
        } catch (DatasetException | IOException e) {
            throw new OfflineInputException("--evaluate-on " + heldOut + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OfflineInputException("interrupted while profiling " + heldOut);
        }
        try {
            byte[] onnxBytes = Files.readAllBytes(model);
            LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(blobRoot);
            BlobRef onnxRef = blobs.put(onnxBytes);
            BlobRef checkpointRef = blobs.put(CheckpointArchive.pack(checkpoint));
            String snapshot = "offline:" + onnxRef.getSha256().substring(0, 16);
            ModelVersions.Trained trained = new ModelVersions.Trained(spec, onnxRef, checkpointRef, thresholds,
                    report.metrics(), report.meanDice(), report.samples(), trainingSetSize, snapshot);
            String scored = String.format(Locale.ROOT, "scored on %d held-out fields of %s: %s", report.samples(),
                    heldOut.getFileName(), report.metrics().summary());
            Instant now = Instant.now();
            String key = System.getenv("TRAINING_SIGNING_KEY");
            ModelSigner signer = key == null || key.isBlank() ? ModelSigner.NONE : ModelSigner.of(signingKeyId, key);
            ModelVersion candidate = signer.apply(ModelVersions.of(modelName, 1, trained, null, ModelStatus.CANDIDATE,
                    null, now));
            candidate.setReference(reference);
            ModelVersion promoted = ModelVersion.newBuilder(candidate).setStatus(ModelStatus.PROMOTED)
                    .setStatusReason("first model, trained offline on " + trainedOn + "; " + scored).build();
            try (ModelPublisher publisher = new ModelPublisher(client, "publish-first-" + modelName)) {
                publisher.publish(List.of(candidate, promoted));
            }
            System.out.printf(Locale.ROOT, "published %s v1 as the first champion, %s, drift reference of %s (%s)%n",
                    modelName, signer.keyId() == null ? "unsigned" : "signed with key " + signer.keyId(),
                    reference == null ? "none" : reference.getFields() + " fields", scored);
            return 0;
        } catch (IOException | BlobStoreException e) {
            throw new OfflineInputException("cannot store " + model + " or its checkpoint in " + blobRoot + ": "
                    + e.getMessage());
        }
    }

    /**
     * The drift reference: QC of at most {@value ReferenceProfiler#MAX_FIELDS} held-out fields and the model's
     * predictions on all of them.
     */
    private ReferenceProfile reference(HpaDirectory directory, Evaluation.Scores scores, float[] thresholds)
            throws InterruptedException {
        Map<String, ReferenceProfiler.Field> fields = new HashMap<>();
        for (HpaEntry entry : directory.entries()) {
            fields.put(entry.id(), () -> directory.decodeStains(entry));
        }
        return ReferenceProfiler.profile(fields, scores.probabilities(), thresholds,
                "held-out fields of " + heldOut.getFileName());
    }
}
