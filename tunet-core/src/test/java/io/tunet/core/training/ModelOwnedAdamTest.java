package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import io.tunet.imaging.hpa.HpaDirectory;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelOwnedAdamTest {

    private static final int SIZE = 32;

    @Test
    void shouldFreeEveryMomentVectorWhenTheModelCloses(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.tunet(new TunetConfig(SIZE, 16, 2, 0.1f, false));
        TrainingData data = TrainingData.load(HpaDirectory.open(TinyHpaDirectory.write(dir.resolve("hpa"), 4, 64, 1)),
                0.25, SampleCache.open(dir.resolve("cache"), SIZE, ThresholdMethod.OTSU), done -> { });
        Batch batch = Batch.of(data.train().load(0, 2), SIZE, spec.hasMasks(), null, null);

        List<NDArray> moments;
        int parameters;
        try (Model model = Networks.newModel(spec, Device.cpu())) {
            Optimizer adam = TrainingStep.adam(model, Tracker.fixed(1e-3f));
            try (Trainer trainer = TrainingStep.newTrainer(model, spec, TrainingStep.defaultLossFor(spec),
                    adam, 2)) {
                parameters = (int) model.getBlock().getParameters().values().stream()
                        .filter(Parameter::requiresGradient).count();
                try (NDManager manager = trainer.getManager().newSubManager()) {
                    TrainingStep.run(trainer, batch.inputs(manager), batch.labels(manager));
                }
            }
            moments = adamState(adam);
            assertEquals(2 * parameters, moments.size(), "a first and a second moment per trained parameter");
            // DJL's own Adam detaches each moment from every manager, so nothing would ever free it
            assertTrue(moments.stream().allMatch(m -> m.getManager() == model.getNDManager()),
                    "every moment belongs to the model");
        }

        assertTrue(moments.stream().allMatch(NDArray::isReleased), "every moment is freed with the model");
    }

    /** Adam's moment vectors, from its private state maps (DJL offers no other way to reach them). */
    @SuppressWarnings("unchecked")
    private static List<NDArray> adamState(Optimizer optimizer) throws ReflectiveOperationException {
        List<NDArray> state = new ArrayList<>();
        for (String name : List.of("means", "variances")) {
            Field field = Adam.class.getDeclaredField(name);
            field.setAccessible(true);
            ((Map<String, Map<Device, NDArray>>) field.get(optimizer)).values()
                    .forEach(perDevice -> state.addAll(perDevice.values()));
        }
        return state;
    }
}
