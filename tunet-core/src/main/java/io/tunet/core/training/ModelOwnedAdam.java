package io.tunet.core.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adam;
import java.util.Map;
import java.util.function.Function;

/**
 * DJL's Adam, with its moment vectors owned by the model's manager so that closing the model frees them.
 *
 * <p>DJL 0.36's {@code Optimizer.withDefaultState} makes each parameter's first and second moment with {@code
 * zerosLike()} and then {@code detach()}es it from every manager; nothing closes it afterwards, so every trainer
 * left twice its parameters behind in native memory (about 28 MB per run of the cpu preset at 64², measured with
 * {@code TrainingMemoryBenchmark}): the training service grew by that much with every retraining run (issue #18).
 * The update itself stays Adam's, so training computes exactly what it did.
 */
final class ModelOwnedAdam extends Adam {

    private final NDManager owner;

    ModelOwnedAdam(Adam.Builder builder, NDManager owner) {
        super(builder);
        this.owner = owner;
    }

    @Override
    protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> state, String key, Device device,
            Function<String, NDArray> defaultFunction) {
        NDArray moment = super.withDefaultState(state, key, device, defaultFunction);
        if (moment.getManager() != owner) {
            moment.attach(owner);
        }
        return moment;
    }
}
