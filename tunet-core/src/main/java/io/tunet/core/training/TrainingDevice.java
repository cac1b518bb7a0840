package io.tunet.core.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.tunet.core.model.Networks;
import java.util.Locale;

/** Names of the devices a network can train on, checked against what the PyTorch engine sees. */
public final class TrainingDevice {

    private TrainingDevice() {
    }

    /**
     * {@code cpu}, {@code gpu} (the first GPU) or {@code gpuN} (GPU N, from 0).
     *
     * @throws IllegalArgumentException for another name, or a GPU the engine does not see (the CPU build of
     *     pytorch-native sees none), naming the problem
     */
    public static Device parse(String name) {
        String value = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (value.equals("gpu")) {
            index = 0;
        } else if (value.matches("gpu[0-9]{1,3}")) {
            index = Integer.parseInt(value.substring(3));
        } else {
            throw new IllegalArgumentException("device must be cpu, gpu or gpuN, got '" + name + "'");
        }
        int visible = Engine.getEngine(Networks.TRAINING_ENGINE).getGpuCount();
        if (index >= visible) {
            throw new IllegalArgumentException("device " + value + ": PyTorch sees " + (visible == 0 ? "no GPU"
                    : visible + " GPU(s), gpu0 to gpu" + (visible - 1)) + " (a CUDA build of pytorch-native must be "
                    + "on the class path, with a driver for it: tunet-core README, \"Training on a GPU\")");
        }
        return Device.gpu(index);
    }
}
