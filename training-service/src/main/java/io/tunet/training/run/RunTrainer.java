package io.tunet.training.run;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import io.tunet.core.augment.Augmenter;
import io.tunet.core.loss.FocalLoss;
import io.tunet.core.loss.TunetLoss;
import io.tunet.core.masks.GroundTruthMasks;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.thresholds.ThresholdFitter;
import io.tunet.core.training.CosineWarmRestarts;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.LearningRateSearch;
import io.tunet.core.training.NonFiniteLossException;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingOptions;
import io.tunet.core.training.TrainingResult;
import io.tunet.core.training.TrainingStep;
import io.tunet.core.training.TunetTraining;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * tunet-core's training recipe ({@link TunetTraining}: Adam, range test unless a rate is given, cosine annealing
 * with warm restarts, augmentation, early stopping on validation loss keeping the best epoch, max-F1
 * thresholds on validation, verified ONNX export) with what a service needs on top: progress per step, a
 * cancellation check between steps, and a warm start from given weights (the champion's).
 */
public final class RunTrainer {

    private static final Logger LOG = Logger.getLogger(RunTrainer.class);
    private static final double MIN_IMPROVEMENT = 1e-4;

    private RunTrainer() {
    }

    /**
     * Reads the weights of a checkpoint written by a run, if it describes the same network as {@code spec}.
     *
     * @return parameter name → values, or null when the checkpoint is of another network
     * @throws IOException if the checkpoint cannot be read
     */
    public static Map<String, float[]> readWeights(Path checkpoint, NetworkSpec spec) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(checkpoint.toAbsolutePath().getParent().resolve(TunetTraining.NETWORK_FILE))) {
            properties.load(in);
        }
        if (!NetworkSpec.fromProperties(properties).equals(spec)) {
            return null;
        }
        try (Model model = TunetTraining.loadCheckpoint(checkpoint)) {
            return snapshot(model);
        }
    }

    /**
     * Trains {@code spec} on {@code data}.
     *
     * @param initialWeights weights to start from (a warm start), or null for a fresh initialisation
     * @param modelName name written into the exported model's metadata
     * @param version version written into the exported model's metadata
     * @param out directory for the checkpoint and the ONNX file
     * @param cancelled checked before every step; when true the run stops with {@link RunCancelledException}
     * @throws NonFiniteLossException at the first NaN or infinite loss
     */
    public static TrainedModel train(NetworkSpec spec, TrainingData data, TrainerSettings settings,
            Map<String, float[]> initialWeights, String modelName, long version, Path out,
            ProgressListener listener, BooleanSupplier cancelled) {
        if (data.size() != spec.inputSize()) {
            throw new IllegalArgumentException("data has size " + data.size() + " but the network expects "
                    + spec.inputSize());
        }
        float peakRate = settings.learningRate();
        if (Float.isNaN(peakRate)) {
            listener.phase("learning-rate range test");
            peakRate = LearningRateSearch.run(spec, data, TrainingOptions.builder().setOutputDirectory(out)
                    .optBatchSize(settings.batchSize()).optSeed(settings.seed()).optProgress(false).build()).chosen();
        }
        int batchSize = settings.batchSize();
        int stepsPerEpoch = (data.train().size() + batchSize - 1) / batchSize;
        CosineWarmRestarts schedule = new CosineWarmRestarts(peakRate, peakRate * 0.01f, 2 * stepsPerEpoch, 2);
        SplittableRandom rng = new SplittableRandom(settings.seed());
        Augmenter augmenter = settings.augment() ? Augmenter.defaults() : null;
        Engine.getEngine(Networks.TRAINING_ENGINE).setRandomSeed((int) settings.seed());

        List<TrainingResult.EpochStats> history = new ArrayList<>();
        try (Model model = Networks.newModel(spec);
                Trainer trainer = TrainingStep.newTrainer(model, spec, TrainingStep.lossFor(spec,
                        TunetLoss.DEFAULT_ALPHA, new FocalLoss(FocalLoss.DEFAULT_GAMMA, null)), schedule, batchSize)) {
            if (initialWeights != null) {
                restore(model, initialWeights);
            }
            listener.phase("training");
            listener.started(settings.epochs(), stepsPerEpoch);
            double bestLoss = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            Map<String, float[]> bestWeights = null;
            long trainingNanos = 0;
            long trainedSamples = 0;
            int step = 0;
            for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                List<TrainingData.Sample> order = TrainingStep.shuffled(data.train(), rng);
                double lossSum = 0;
                List<float[]> trainProbabilities = new ArrayList<>();
                List<boolean[]> trainTruth = new ArrayList<>();
                for (int start = 0, inEpoch = 1; start < order.size(); start += batchSize, inEpoch++) {
                    if (cancelled.getAsBoolean()) {
                        throw new RunCancelledException("cancelled at epoch " + epoch + ", step " + inEpoch);
                    }
                    List<TrainingData.Sample> chunk = order.subList(start, Math.min(order.size(), start + batchSize));
                    float[][] batch = batch(chunk, data.size(), spec.hasMasks(), augmenter, rng);
                    TrainingStep.Outcome outcome;
                    try (NDManager manager = trainer.getManager().newSubManager()) {
                        outcome = TrainingStep.run(trainer, inputs(manager, batch[0], chunk.size(), data.size()),
                                labels(manager, batch, chunk.size(), data.size()));
                    } catch (NonFiniteLossException e) {
                        throw new NonFiniteLossException(String.format(Locale.ROOT,
                                "training stopped: %s at epoch %d, step %d, learning rate %.3e (DESIGN §7)",
                                e.getMessage(), epoch, inEpoch, schedule.getNewValue(step)));
                    }
                    step++;
                    lossSum += outcome.loss() * chunk.size();
                    for (int i = 0; i < chunk.size(); i++) {
                        trainProbabilities.add(Arrays.copyOfRange(outcome.probabilities(), i * HpaClasses.COUNT,
                                (i + 1) * HpaClasses.COUNT));
                        trainTruth.add(chunk.get(i).truth());
                    }
                    listener.step(epoch, inEpoch, outcome.loss());
                }
                trainingNanos += System.nanoTime() - epochStart;
                trainedSamples += order.size();
                double[] validation = validate(trainer, spec, data, batchSize);
                TrainingResult.EpochStats stats = new TrainingResult.EpochStats(epoch, lossSum / order.size(),
                        Evaluation.macroF1AtHalf(trainProbabilities.toArray(float[][]::new), trainTruth.toArray(boolean[][]::new)),
                        validation[0], validation[1], schedule.getNewValue(step), (System.nanoTime() - epochStart) / 1e9);
                history.add(stats);
                listener.epoch(stats);
                LOG.infof("epoch %d/%d: train loss %.4f, macro-F1 %.3f; validation loss %.4f, macro-F1 %.3f (%.1f s)",
                        epoch, settings.epochs(), stats.trainLoss(), stats.trainMacroF1(), stats.validationLoss(),
                        stats.validationMacroF1(), stats.seconds());
                if (validation[0] < bestLoss - MIN_IMPROVEMENT) {
                    bestLoss = validation[0];
                    bestEpoch = epoch;
                    bestWeights = snapshot(model);
                } else if (epoch - bestEpoch >= settings.patience()) {
                    break;
                }
            }
            if (bestWeights != null) {
                restore(model, bestWeights);
            }
            listener.phase("fitting thresholds and exporting");
            Path checkpoint = saveCheckpoint(model, spec, bestEpoch, out);
            Evaluation.Scores scores = Evaluation.score(data.validation(), data.size(), batchSize,
                    images -> TrainingStep.predict(trainer, spec, images));
            float[] thresholds = ThresholdFitter.maxF1(scores.probabilities(), scores.truth());
            Evaluation.Report report = Evaluation.report(scores, thresholds);
            OnnxModelMetadata metadata = OnnxModelMetadata.untuned(modelName, Long.toString(version), spec.inputSize())
                    .withThresholds(thresholds);
            Path onnx = OnnxExporter.export(model.getBlock(), metadata, out.resolve(modelName + "-" + version + ".onnx"));
            return new TrainedModel(history, bestEpoch, peakRate, report, onnx, checkpoint,
                    trainedSamples / Math.max(1e-9, trainingNanos / 1e9));
        }
    }

    /** Images {@code [B·4·S·S]}, class targets {@code [B·28]} and (for TUNet) weak mask targets {@code [B·28·S·S]}. */
    private static float[][] batch(List<TrainingData.Sample> samples, int size, boolean withMasks, Augmenter augmenter,
            SplittableRandom rng) {
        int plane = size * size;
        int n = samples.size();
        float[] images = new float[n * 4 * plane];
        float[] classes = new float[n * HpaClasses.COUNT];
        float[] masks = withMasks ? new float[n * HpaClasses.COUNT * plane] : null;
        for (int i = 0; i < n; i++) {
            TrainingData.Sample sample = samples.get(i);
            float[] image = sample.image();
            byte[] mask = sample.proteinMask();
            if (augmenter != null) {
                float[] maskValues = new float[mask.length];
                for (int p = 0; p < mask.length; p++) {
                    maskValues[p] = mask[p];
                }
                Augmenter.Augmented augmented = augmenter.apply(image, 4, maskValues, 1, size, rng);
                image = augmented.image();
                mask = new byte[plane];
                for (int p = 0; p < plane; p++) {
                    mask[p] = augmented.masks()[p] > 0.5f ? (byte) 1 : 0;
                }
            }
            System.arraycopy(image, 0, images, i * 4 * plane, 4 * plane);
            for (int label : sample.labels()) {
                classes[i * HpaClasses.COUNT + label] = 1;
            }
            if (withMasks) {
                float[] targets = GroundTruthMasks.targets(mask, sample.labels(), HpaClasses.COUNT);
                System.arraycopy(targets, 0, masks, i * HpaClasses.COUNT * plane, HpaClasses.COUNT * plane);
            }
        }
        return new float[][] {images, classes, masks};
    }

    private static NDList inputs(NDManager manager, float[] images, int count, int size) {
        return new NDList(manager.create(images, new Shape(count, 4, size, size)));
    }

    private static NDList labels(NDManager manager, float[][] batch, int count, int size) {
        NDArray classes = manager.create(batch[1], new Shape(count, HpaClasses.COUNT));
        if (batch[2] == null) {
            return new NDList(classes);
        }
        return new NDList(classes, manager.create(batch[2], new Shape(count, HpaClasses.COUNT, size, size)));
    }

    /** Mean validation loss and macro-F1 at 0.5. */
    private static double[] validate(Trainer trainer, NetworkSpec spec, TrainingData data, int batchSize) {
        List<TrainingData.Sample> samples = data.validation();
        double lossSum = 0;
        float[][] probabilities = new float[samples.size()][];
        boolean[][] truth = new boolean[samples.size()][];
        for (int start = 0; start < samples.size(); start += batchSize) {
            List<TrainingData.Sample> chunk = samples.subList(start, Math.min(samples.size(), start + batchSize));
            float[][] batch = batch(chunk, data.size(), spec.hasMasks(), null, null);
            try (NDManager manager = trainer.getManager().newSubManager()) {
                NDList predictions = trainer.evaluate(inputs(manager, batch[0], chunk.size(), data.size()));
                lossSum += trainer.getLoss().evaluate(labels(manager, batch, chunk.size(), data.size()), predictions)
                        .getFloat() * chunk.size();
                float[] p = Activation.sigmoid(predictions.get(0)).toFloatArray();
                for (int i = 0; i < chunk.size(); i++) {
                    probabilities[start + i] = Arrays.copyOfRange(p, i * HpaClasses.COUNT, (i + 1) * HpaClasses.COUNT);
                    truth[start + i] = chunk.get(i).truth();
                }
            }
        }
        return new double[] {lossSum / samples.size(), Evaluation.macroF1AtHalf(probabilities, truth)};
    }

    private static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            weights.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
        }
        return weights;
    }

    private static void restore(Model model, Map<String, float[]> weights) {
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            float[] values = weights.get(parameter.getKey());
            NDArray array = parameter.getValue().getArray();
            if (values == null || values.length != array.size()) {
                throw new IllegalArgumentException("initial weights do not fit parameter " + parameter.getKey());
            }
            array.set(FloatBuffer.wrap(values));
        }
    }

    private static Path saveCheckpoint(Model model, NetworkSpec spec, int epoch, Path out) {
        Path directory = out.resolve("checkpoints");
        try {
            Files.createDirectories(directory);
            model.setProperty("Epoch", Integer.toString(epoch));
            model.save(directory, spec.architecture().id());
            try (var stream = Files.newOutputStream(directory.resolve(TunetTraining.NETWORK_FILE))) {
                spec.toProperties().store(stream, "network of the checkpoints in this folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + directory, e);
        }
        return directory.resolve(String.format(Locale.ROOT, "%s-%04d.params", spec.architecture().id(), epoch));
    }
}
