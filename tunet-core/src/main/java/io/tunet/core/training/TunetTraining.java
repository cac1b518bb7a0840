package io.tunet.core.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import io.tunet.core.augment.Augmenter;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.onnx.TunetPrediction;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains TUNet or the ResNet34 baseline on the PyTorch engine with the paper's recipe (§4): Adam, a
 * learning-rate range test (unless a rate is given), cosine annealing with warm restarts, augmentation,
 * early stopping on validation loss (the weights of the best epoch are kept), per-class thresholds fitted
 * on validation, and an ONNX export whose output is checked against PyTorch before it is returned.
 *
 * <p>The validation scores of the result are not taken at the thresholds fitted on those same samples,
 * which would flatter them: they come from 2-fold cross-fitting ({@link Evaluation#fitAndCrossScore}): the
 * validation samples at even positions are decided at thresholds fitted on those at odd positions and the
 * other way round, and the pooled out-of-fold decisions are scored. The thresholds stored with the model
 * are fitted on the whole validation split. The per-epoch validation macro-F1 is at 0.5 and fits nothing.
 *
 * <p>Hooks for a service that runs it: {@link TrainingOptions#listener()} hears every phase, step (loss, ETA)
 * and epoch; {@link TrainingOptions#cancellation()} is checked before every step; {@link
 * TrainingOptions#initialWeights()} starts from a checkpoint (warm start).
 *
 * <pre>{@code
 * TrainingResult result = TunetTraining.train(NetworkSpec.tunet(TunetConfig.CPU),
 *         TrainingData.load(HpaDirectory.open(dir), 0.1, SampleCache.open(cacheRoot, 128, ThresholdMethod.OTSU),
 *                 done -> { }),
 *         TrainingOptions.builder().setOutputDirectory(out).build());
 * }</pre>
 */
public final class TunetTraining {

    private static final Logger LOG = LoggerFactory.getLogger(TunetTraining.class);
    private static final double MIN_IMPROVEMENT = 1e-4;
    /** Batches built ahead of the training step (each {@code B × 5 × S × S} floats). */
    private static final int PREFETCH_DEPTH = 2;

    /** File beside the checkpoints that describes their network ({@link NetworkSpec#toProperties()}). */
    public static final String NETWORK_FILE = "network.properties";

    private TunetTraining() {
    }

    /**
     * Runs a training.
     *
     * @throws NonFiniteLossException at the first NaN or infinite loss, naming epoch, step and rate
     * @throws TrainingCancelledException when the cancellation check turns true; nothing is exported
     * @throws IllegalArgumentException if the data's size differs from the network's input size
     * @throws UncheckedIOException if the output directory cannot be written or the warm-start checkpoint
     *     cannot be read
     */
    public static TrainingResult train(NetworkSpec spec, TrainingData data, TrainingOptions options) {
        if (data.size() != spec.inputSize()) {
            throw new IllegalArgumentException("data has size " + data.size() + " but the network expects "
                    + spec.inputSize());
        }
        LearningRateSearch search = null;
        float peakRate = options.learningRate();
        TrainingListener listener = options.listener();
        if (options.searchLearningRate()) {
            listener.phase("learning-rate range test");
            search = LearningRateSearch.run(spec, data, options);
            peakRate = search.chosen();
            LOG.info("learning-rate range test chose {}", String.format(Locale.ROOT, "%.2e", peakRate));
        }
        int batchSize = options.batchSize();
        EpochOrder epochOrder = EpochOrder.of(options.sampling(), data.train());
        int stepsPerEpoch = (epochOrder.length() + batchSize - 1) / batchSize;
        CosineWarmRestarts schedule = new CosineWarmRestarts(peakRate, peakRate * options.minLearningRateFactor(),
                options.restartEpochs() * stepsPerEpoch, 2);
        SplittableRandom rng = new SplittableRandom(options.seed());
        Augmenter augmenter = options.augment() ? Augmenter.defaults() : null;
        Engine.getEngine(Networks.TRAINING_ENGINE).setRandomSeed((int) options.seed());

        List<TrainingResult.EpochStats> history = new ArrayList<>();
        try (Model model = Networks.newModel(spec, options.device());
                Trainer trainer = TrainingStep.newTrainer(model, spec,
                        TrainingStep.lossFor(spec, options),
                        schedule, batchSize)) {
            if (options.initialWeights() != null) {
                warmStart(model, spec, options.initialWeights());
            }
            LOG.info("training on {}", model.getBlock().getParameters().get(0).getValue().getArray().getDevice());
            listener.phase("training");
            listener.started(options.epochs(), stepsPerEpoch);
            long loopStart = System.nanoTime();
            double bestLoss = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            Map<String, float[]> bestWeights = null;
            long trainingNanos = 0;
            long trainedSamples = 0;
            int step = 0;
            boolean stepLimitReached = false;
            for (int epoch = 1; epoch <= options.epochs() && !stepLimitReached; epoch++) {
                long epochStart = System.nanoTime();
                int[] order = TrainingStep.wholeBatches(epochOrder.next(rng), batchSize);
                double lossSum = 0;
                int seen = 0;
                List<float[]> trainProbabilities = new ArrayList<>();
                List<boolean[]> trainTruth = new ArrayList<>();
                try (ProgressBar bar = progressBar(options, "epoch " + epoch + "/" + options.epochs(), order.length);
                        BatchPrefetcher batches = new BatchPrefetcher(data.train(), order, batchSize, spec.hasMasks(),
                                augmenter, rng, data.size(), PREFETCH_DEPTH)) {
                    for (int inEpoch = 1; ; inEpoch++) {
                        if (options.cancellation().getAsBoolean()) {
                            throw new TrainingCancelledException("cancelled at epoch " + epoch + ", step " + inEpoch);
                        }
                        Batch batch = nextBatch(batches);
                        if (batch == null) {
                            break;
                        }
                        TrainingStep.Outcome outcome;
                        try (NDManager manager = trainer.getManager().newSubManager()) {
                            outcome = TrainingStep.run(trainer, batch.inputs(manager), batch.labels(manager));
                        } catch (NonFiniteLossException e) {
                            throw new NonFiniteLossException(String.format(Locale.ROOT,
                                    "training stopped: %s at epoch %d, step %d, learning rate %.3e (DESIGN §7: "
                                            + "libtorch convolution-backward NaN, or a rate too high)",
                                    e.getMessage(), epoch, inEpoch, schedule.getNewValue(step + 1)));
                        }
                        step++;
                        seen += batch.count();
                        lossSum += outcome.loss() * batch.count();
                        for (int i = 0; i < batch.count(); i++) {
                            trainProbabilities.add(Arrays.copyOfRange(outcome.probabilities(),
                                    i * HpaClasses.COUNT, (i + 1) * HpaClasses.COUNT));
                            trainTruth.add(batch.truth(i));
                        }
                        if (bar != null) {
                            bar.stepBy(batch.count());
                            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", outcome.loss()));
                        }
                        double perStep = (System.nanoTime() - loopStart) / 1e9 / step;
                        int remaining = (options.epochs() - epoch) * stepsPerEpoch + (stepsPerEpoch - inEpoch);
                        listener.step(new TrainingListener.StepProgress(epoch, options.epochs(), inEpoch,
                                stepsPerEpoch, outcome.loss(), perStep * remaining));
                        if (options.maxSteps() > 0 && step >= options.maxSteps()) {
                            stepLimitReached = true;
                            LOG.info("step limit of {} reached in epoch {}", options.maxSteps(), epoch);
                            break;
                        }
                    }
                }
                trainingNanos += System.nanoTime() - epochStart;
                trainedSamples += seen;
                Validation validation = validate(trainer, spec, data, batchSize);
                if (!Double.isFinite(validation.loss())) {
                    throw new NonFiniteLossException(String.format(Locale.ROOT,
                            "training stopped: validation loss is %s after epoch %d", validation.loss(), epoch));
                }
                double trainF1 = Evaluation.macroF1AtHalf(trainProbabilities.toArray(float[][]::new),
                        trainTruth.toArray(boolean[][]::new));
                TrainingResult.EpochStats stats = new TrainingResult.EpochStats(epoch, lossSum / seen,
                        trainF1, validation.loss(), validation.macroF1AtHalf(), schedule.getNewValue(step),
                        (System.nanoTime() - epochStart) / 1e9);
                history.add(stats);
                listener.epoch(stats);
                LOG.info(String.format(Locale.ROOT,
                        "epoch %d: train loss %.4f, macro-F1 %.3f; validation loss %.4f, macro-F1 %.3f (%.1f s)",
                        epoch, stats.trainLoss(), stats.trainMacroF1(), stats.validationLoss(),
                        stats.validationMacroF1(), stats.seconds()));
                if (validation.loss() < bestLoss - MIN_IMPROVEMENT) {
                    bestLoss = validation.loss();
                    bestEpoch = epoch;
                    bestWeights = snapshot(model);
                } else if (epoch - bestEpoch >= options.patience()) {
                    break;
                }
            }
            restore(model, bestWeights);
            listener.phase("fitting thresholds and exporting");
            boolean stoppedEarly = !stepLimitReached && history.size() < options.epochs();
            Path checkpoint = saveCheckpoint(model, spec, bestEpoch, options.outputDirectory());

            Evaluation.BatchModel pytorch = images -> TrainingStep.predict(trainer, spec, images);
            Evaluation.Scores scores = Evaluation.score(data.validation(), data.size(), batchSize, pytorch);
            // the thresholds kept are fitted on the whole split; the reported scores are cross-fitted
            Evaluation.Report report = Evaluation.fitAndCrossScore(scores, options.thresholdStrategy().fit());
            float[] thresholds = report.thresholds();

            String name = options.modelName() != null ? options.modelName() : spec.architecture().id();
            OnnxModelMetadata metadata = OnnxModelMetadata.untuned(name, options.modelVersion(), spec.inputSize())
                    .withThresholds(thresholds);
            Path onnx = OnnxExporter.export(model.getBlock(), metadata, options.outputDirectory().resolve(name + ".onnx"));
            double parity = onnxDifference(onnx, data.validation(), batchSize, pytorch);
            return new TrainingResult(spec, search, peakRate, history, bestEpoch, stoppedEarly, report, onnx,
                    checkpoint, parity, trainedSamples / (trainingNanos / 1e9));
        }
    }

    private static void warmStart(Model model, NetworkSpec spec, Path checkpoint) {
        try {
            NetworkSpec trained = checkpointSpec(checkpoint);
            if (!trained.equals(spec)) {
                throw new IllegalArgumentException("cannot warm-start " + spec + " from " + checkpoint
                        + ", a checkpoint of " + trained);
            }
            // Copied into the existing arrays: the trainer's parameter store holds those, not the Parameters.
            try (Model source = loadCheckpoint(checkpoint)) {
                restore(model, snapshot(source));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private record Validation(double loss, double macroF1AtHalf) {
    }

    private static Batch nextBatch(BatchPrefetcher batches) {
        try {
            return batches.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingCancelledException("interrupted while waiting for the next batch");
        }
    }

    private static Validation validate(Trainer trainer, NetworkSpec spec, TrainingData data, int batchSize) {
        SampleSet samples = data.validation();
        double lossSum = 0;
        float[][] probabilities = new float[samples.size()][];
        boolean[][] truth = new boolean[samples.size()][];
        for (int start = 0; start < samples.size(); start += batchSize) {
            List<TrainingData.Sample> chunk = samples.load(start, Math.min(samples.size(), start + batchSize));
            Batch batch = Batch.of(chunk, data.size(), spec.hasMasks(), null, null);
            // run at the whole batch's shape (see TrainingStep.wholeBatches), scored on the chunk's rows only
            Batch padded = chunk.size() == batchSize ? batch
                    : Batch.of(Evaluation.padded(chunk, batchSize), data.size(), spec.hasMasks(), null, null);
            try (NDManager manager = trainer.getManager().newSubManager()) {
                NDList predictions = rows(trainer.evaluate(padded.inputs(manager)), chunk.size());
                lossSum += trainer.getLoss().evaluate(batch.labels(manager), predictions).getFloat() * chunk.size();
                float[] p = Activation.sigmoid(predictions.get(0)).toFloatArray();
                for (int i = 0; i < chunk.size(); i++) {
                    probabilities[start + i] = Arrays.copyOfRange(p, i * HpaClasses.COUNT, (i + 1) * HpaClasses.COUNT);
                    truth[start + i] = chunk.get(i).truth();
                }
            }
        }
        return new Validation(lossSum / samples.size(), Evaluation.macroF1AtHalf(probabilities, truth));
    }

    /** The first {@code count} rows of every array in {@code list}. */
    private static NDList rows(NDList list, int count) {
        NDList rows = new NDList(list.size());
        for (NDArray array : list) {
            rows.add(array.getShape().get(0) == count ? array : array.get("0:" + count));
        }
        return rows;
    }

    private static double onnxDifference(Path onnx, SampleSet samples, int batchSize,
            Evaluation.BatchModel pytorch) {
        // a whole batch, also from a validation split smaller than one (see TrainingStep.wholeBatches)
        float[][] images = Evaluation.padded(samples.load(0, Math.min(samples.size(), batchSize)), batchSize).stream()
                .map(TrainingData.Sample::image).toArray(float[][]::new);
        TunetPrediction expected = pytorch.predict(images);
        try (OnnxTunet model = OnnxTunet.load(onnx); OnnxTunet.Session session = model.newSession()) {
            TunetPrediction actual = session.predict(images);
            double max = maxDifference(expected.probabilities(), actual.probabilities());
            if (expected.hasMasks()) {
                max = Math.max(max, maxDifference(expected.masks(), actual.masks()));
            }
            return max;
        }
    }

    private static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    private static ProgressBar progressBar(TrainingOptions options, String task, int samples) {
        if (!options.progress()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(samples).setUnit(" img", 1)
                .setStyle(ProgressBarStyle.ASCII).showSpeed(new DecimalFormat("0.0")).build();
    }

    private static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            weights.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
        }
        return weights;
    }

    private static void restore(Model model, Map<String, float[]> weights) {
        if (weights == null) {
            return;
        }
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            NDArray array = parameter.getValue().getArray();
            array.set(FloatBuffer.wrap(weights.get(parameter.getKey())));
        }
    }

    private static Path saveCheckpoint(Model model, NetworkSpec spec, int epoch, Path outputDirectory) {
        Path directory = outputDirectory.resolve("checkpoints");
        try {
            Files.createDirectories(directory);
            model.setProperty("Epoch", Integer.toString(epoch));
            model.save(directory, spec.architecture().id());
            try (var out = Files.newOutputStream(directory.resolve(NETWORK_FILE))) {
                spec.toProperties().store(out, "network of the checkpoints in this folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + directory, e);
        }
        return directory.resolve(String.format(Locale.ROOT, "%s-%04d.params", spec.architecture().id(), epoch));
    }

    /**
     * Loads a checkpoint written by a training run (the {@code .params} file; the network is described by
     * {@value #NETWORK_FILE} beside it) into a new PyTorch-engine model. The caller closes the model.
     *
     * @throws IOException if the checkpoint or its description cannot be read or do not fit together
     */
    public static Model loadCheckpoint(Path checkpoint) throws IOException {
        Model model = Networks.newInitializedModel(checkpointSpec(checkpoint), 0);
        try {
            loadWeights(model, checkpoint);
        } catch (IOException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The network a checkpoint was trained for, from {@value #NETWORK_FILE} beside it.
     *
     * @throws IOException if the description is missing or invalid
     */
    public static NetworkSpec checkpointSpec(Path checkpoint) throws IOException {
        Path description = checkpoint.toAbsolutePath().getParent().resolve(NETWORK_FILE);
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(description)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IOException("cannot read " + description + " (the network of checkpoint " + checkpoint + ")", e);
        }
        try {
            return NetworkSpec.fromProperties(properties);
        } catch (IllegalArgumentException e) {
            throw new IOException(description + ": " + e.getMessage(), e);
        }
    }

    private static void loadWeights(Model model, Path checkpoint) throws IOException {
        String file = checkpoint.getFileName().toString();
        if (!file.matches(".+-\\d{4}\\.params")) {
            throw new IOException(checkpoint + " is not a checkpoint file (<name>-<epoch>.params)");
        }
        String prefix = file.substring(0, file.length() - "-0000.params".length());
        String epoch = file.substring(prefix.length() + 1, prefix.length() + 5);
        try {
            model.load(checkpoint.toAbsolutePath().getParent(), prefix, Map.of("epoch", epoch));
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException("cannot load checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }
}
