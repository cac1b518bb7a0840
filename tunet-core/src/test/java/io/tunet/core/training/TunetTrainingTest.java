package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.schemas.HpaClasses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TunetTrainingTest {

    private static final int SIZE = 32;
    private static final TunetConfig TINY = new TunetConfig(SIZE, 16, 2, 0.1f, false);

    @TempDir
    static Path shared;

    private static TrainingData data;

    @BeforeAll
    static void writeDirectory() throws Exception {
        Path dir = TinyHpaDirectory.write(shared.resolve("hpa"), 18, 64, 1);
        data = TrainingData.load(HpaDirectory.open(dir), 0.3,
                SampleCache.open(shared.resolve("cache"), SIZE, ThresholdMethod.OTSU), done -> { });
    }

    private static TrainingOptions.Builder quick(Path out) {
        return TrainingOptions.builder().setOutputDirectory(out).optBatchSize(4).optProgress(false).optSeed(3);
    }

    @Test
    void shouldTrainTinyTunetToDecreasingLossAndExportOnnxThatMatchesPyTorch(@TempDir Path out) throws Exception {
        TrainingResult result = TunetTraining.train(NetworkSpec.tunet(TINY), data,
                quick(out).optEpochs(4).optPatience(4).optLearningRate(3e-3f).optAugment(false).build());

        List<TrainingResult.EpochStats> history = result.history();
        assertEquals(4, history.size());
        assertTrue(history.stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.validationLoss())));
        assertTrue(history.get(3).trainLoss() < history.get(0).trainLoss(),
                "training loss did not decrease: " + history);
        assertTrue(result.onnxMaxDifference() < 1e-4, "ONNX differs from PyTorch by " + result.onnxMaxDifference());
        assertTrue(Files.size(result.onnxModel()) > 0 && Files.exists(result.checkpoint()));
        assertEquals(HpaClasses.COUNT, result.thresholds().length);
        assertTrue(result.validation().meanDice() >= 0 && result.validation().meanDice() <= 1,
                "mask Dice against the true masks: " + result.validation().meanDice());
        try (OnnxTunet onnx = OnnxTunet.load(result.onnxModel())) {
            assertArrayEquals(result.thresholds(), onnx.metadata().thresholds());
            assertEquals(SIZE, onnx.metadata().inputSize());
        }
        assertCheckpointReproducesTheExport(result, out);

        TrainingResult warm = TunetTraining.train(NetworkSpec.tunet(TINY), data, quick(out.resolve("warm"))
                .optEpochs(1).optLearningRate(1e-4f).optAugment(false).optInitialWeights(result.checkpoint()).build());
        assertTrue(warm.history().get(0).trainLoss() < history.get(0).trainLoss(),
                "a warm start should begin where the first run ended: " + warm.history() + " vs " + history);
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> TunetTraining.train(NetworkSpec.resnet34(TINY), data, quick(out.resolve("mismatch"))
                        .optEpochs(1).optLearningRate(1e-4f).optInitialWeights(result.checkpoint()).build()));
        assertTrue(mismatch.getMessage().contains("cannot warm-start"), mismatch.getMessage());
    }

    private static void assertCheckpointReproducesTheExport(TrainingResult result, Path out) throws Exception {
        try (Model model = TunetTraining.loadCheckpoint(result.checkpoint())) {
            Path again = OnnxExporter.export(model.getBlock(), OnnxModelMetadata.untuned("tunet", "2", SIZE),
                    out.resolve("again.onnx"));
            float[][] images = {data.validation().get(0).image()};
            try (OnnxTunet first = OnnxTunet.load(result.onnxModel()); OnnxTunet second = OnnxTunet.load(again);
                    OnnxTunet.Session a = first.newSession(); OnnxTunet.Session b = second.newSession()) {
                assertArrayEquals(a.predict(images).probabilities()[0], b.predict(images).probabilities()[0], 1e-6f);
            }
        }
    }

    @Test
    void shouldReportPhasesStepsWithEtaAndEpochsAndStopWhenCancelled(@TempDir Path out) throws Exception {
        List<String> phases = new ArrayList<>();
        List<TrainingListener.StepProgress> steps = new ArrayList<>();
        List<TrainingResult.EpochStats> epochs = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void phase(String phase) {
                phases.add(phase);
            }

            @Override
            public void step(StepProgress progress) {
                steps.add(progress);
            }

            @Override
            public void epoch(TrainingResult.EpochStats stats) {
                epochs.add(stats);
            }
        };
        TrainingResult result = TunetTraining.train(NetworkSpec.tunet(TINY), data, quick(out).optEpochs(2)
                .optPatience(2).optLearningRate(1e-3f).optAugment(false).optModelName("screening")
                .optListener(listener).build());

        int stepsPerEpoch = (data.train().size() + 3) / 4;
        assertEquals(List.of("training", "fitting thresholds and exporting"), phases);
        assertEquals(2 * stepsPerEpoch, steps.size());
        assertEquals(new TrainingListener.StepProgress(2, 2, stepsPerEpoch, stepsPerEpoch, steps.get(steps.size() - 1)
                .loss(), 0), steps.get(steps.size() - 1), "the last step leaves nothing to wait for");
        assertTrue(steps.get(0).etaSeconds() > 0 && Double.isFinite(steps.get(0).loss()), steps.get(0).toString());
        assertEquals(result.history(), epochs);
        assertEquals("screening.onnx", result.onnxModel().getFileName().toString());
        try (OnnxTunet onnx = OnnxTunet.load(result.onnxModel())) {
            assertEquals("screening", onnx.metadata().modelName());
        }

        AtomicBoolean cancel = new AtomicBoolean();
        Path cancelled = out.resolve("cancelled");
        TrainingCancelledException e = assertThrows(TrainingCancelledException.class, () -> TunetTraining.train(
                NetworkSpec.tunet(TINY), data, quick(cancelled).optEpochs(2).optLearningRate(1e-3f)
                        .optListener(new TrainingListener() {
                            @Override
                            public void step(StepProgress progress) {
                                cancel.set(progress.step() == 2);
                            }
                        }).optCancellation(cancel::get).build()));
        assertTrue(e.getMessage().contains("epoch 1, step 3"), e.getMessage());
        assertFalse(Files.exists(cancelled.resolve("tunet.onnx")), "a cancelled run must not export a model");
    }

    @Test
    void shouldStopAfterTheStepLimitThenValidateAndExportAsAfterTheLastEpoch(@TempDir Path out) throws Exception {
        List<TrainingListener.StepProgress> steps = new ArrayList<>();
        int stepsPerEpoch = (data.train().size() + 3) / 4;
        int limit = stepsPerEpoch + 1; // one step into the second epoch

        TrainingResult result = TunetTraining.train(NetworkSpec.tunet(TINY), data, quick(out).optEpochs(5)
                .optMaxSteps(limit).optLearningRate(1e-3f).optAugment(false).optListener(new TrainingListener() {
                    @Override
                    public void step(StepProgress progress) {
                        steps.add(progress);
                    }
                }).build());

        assertEquals(limit, steps.size());
        assertEquals(2, result.history().size(), "the partial second epoch is validated like a whole one");
        assertFalse(result.stoppedEarly(), "a step limit is not early stopping");
        assertTrue(Double.isFinite(result.history().get(1).trainLoss()), result.history().toString());
        try (OnnxTunet onnx = OnnxTunet.load(result.onnxModel())) {
            assertEquals(SIZE, onnx.metadata().inputSize());
        }
    }

    @Test
    void shouldRunThePaperPresetThroughTheSamePathAtASmallSize(@TempDir Path out) throws Exception {
        NetworkSpec paper = NetworkSpec.tunet(TunetConfig.PAPER.withInputSize(SIZE));
        List<TrainingListener.StepProgress> steps = new ArrayList<>();
        TrainingResult result = TunetTraining.train(paper, data, quick(out).optEpochs(1).optMaxSteps(2)
                .optLearningRate(1e-4f).optListener(new TrainingListener() {
                    @Override
                    public void step(StepProgress progress) {
                        steps.add(progress);
                    }
                }).build());

        assertEquals(2, steps.size());
        assertTrue(steps.stream().allMatch(s -> Double.isFinite(s.loss())), steps.toString());
        assertTrue(result.onnxMaxDifference() < 1e-3, "ONNX differs from PyTorch by " + result.onnxMaxDifference());
        assertEquals(paper, TunetTraining.checkpointSpec(result.checkpoint()));
    }

    @Test
    void shouldTrainResNet34BaselineThroughTheSameHarness(@TempDir Path out) {
        TrainingResult result = TunetTraining.train(NetworkSpec.resnet34(TINY), data,
                quick(out).optEpochs(2).optLearningRate(1e-3f).build());
        assertEquals(2, result.history().size());
        assertTrue(Double.isNaN(result.validation().meanDice()), "the baseline has no masks to score");
        assertTrue(result.onnxMaxDifference() < 1e-4);
    }

    @ParameterizedTest
    @EnumSource(value = NetworkSpec.Architecture.class, names = {"INCEPTIONV3", "INCEPTIONRESNETV2"})
    void shouldTrainInceptionBaselinesThroughTheSameHarness(NetworkSpec.Architecture architecture,
            @TempDir Path out) throws Exception {
        TrainingResult result = TunetTraining.train(new NetworkSpec(architecture, TINY), data,
                quick(out).optEpochs(3).optPatience(3).optLearningRate(1e-3f).optAugment(false).build());
        List<TrainingResult.EpochStats> history = result.history();
        assertEquals(3, history.size());
        assertTrue(history.stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.validationLoss())),
                history.toString());
        assertTrue(history.get(2).trainLoss() < history.get(0).trainLoss(), "training loss did not decrease: " + history);
        assertTrue(Double.isNaN(result.validation().meanDice()), "the baseline has no masks to score");
        assertTrue(result.onnxMaxDifference() < 1e-4, "ONNX differs from PyTorch by " + result.onnxMaxDifference());
        assertEquals(architecture.id() + ".onnx", result.onnxModel().getFileName().toString());
        assertEquals(new NetworkSpec(architecture, TINY), TunetTraining.checkpointSpec(result.checkpoint()));
        try (OnnxTunet onnx = OnnxTunet.load(result.onnxModel())) {
            assertFalse(onnx.hasMasks());
        }
    }

    @Test
    void rangeTestShouldChooseARateBelowTheDivergencePoint(@TempDir Path out) {
        LearningRateSearch search = LearningRateSearch.run(NetworkSpec.tunet(TINY), data,
                quick(out).optRangeTestSteps(12).build());
        float[] rates = search.rates();
        assertTrue(rates.length >= 4, Arrays.toString(rates));
        for (int i = 1; i < rates.length; i++) {
            assertTrue(rates[i] > rates[i - 1]);
        }
        assertTrue(search.chosen() >= LearningRateSearch.MIN_RATE && search.chosen() < rates[rates.length - 1],
                search.toString());
    }

    @Test
    void shouldStopAtTheFirstNonFiniteLossNamingEpochAndStep(@TempDir Path out) {
        TrainingData.Sample good = data.train().get(0);
        float[] poisoned = good.image().clone();
        Arrays.fill(poisoned, Float.NaN);
        TrainingData.Sample bad = new TrainingData.Sample("bad", poisoned, good.proteinMask(), good.labels(), null);
        TrainingData broken = new TrainingData(SampleSet.of(List.of(bad)), data.validation(), SIZE);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> TunetTraining.train(
                NetworkSpec.tunet(TINY), broken, quick(out).optEpochs(1).optLearningRate(1e-3f).build()));
        assertTrue(e.getMessage().contains("epoch 1, step 1"), e.getMessage());
        assertFalse(Files.exists(out.resolve("tunet.onnx")), "a failed run must not export a model");
    }
}
