package io.tunet.core.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;

/** Creates models of a {@link NetworkSpec} on the PyTorch engine, the engine used for training. */
public final class Networks {

    /** The DJL engine that trains the networks. */
    public static final String TRAINING_ENGINE = "PyTorch";

    private Networks() {
    }

    /** The weight initialiser used for every network (biases zero, batch-norm scale one). */
    public static Initializer weightInitializer() {
        return new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);
    }

    /**
     * A new PyTorch-engine model holding a freshly initialised block of {@code spec}, weights drawn after
     * seeding the engine with {@code seed}. The caller closes the model.
     */
    public static Model newInitializedModel(NetworkSpec spec, long seed) {
        Engine.getEngine(TRAINING_ENGINE).setRandomSeed((int) seed);
        Model model = newModel(spec);
        Block block = model.getBlock();
        block.setInitializer(weightInitializer(), Parameter.Type.WEIGHT);
        block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(spec, 1));
        return model;
    }

    /** A new PyTorch-engine model on the CPU holding an uninitialised block of {@code spec}. */
    public static Model newModel(NetworkSpec spec) {
        return newModel(spec, Device.cpu());
    }

    /**
     * A new PyTorch-engine model on {@code device} holding an uninitialised block of {@code spec} (a trainer
     * initialises it). Named explicitly: without a device, DJL puts a model on the engine's default device, the
     * first GPU wherever one is visible, whatever the caller meant.
     */
    public static Model newModel(NetworkSpec spec, Device device) {
        Model model = Model.newInstance(spec.architecture().id(), device, TRAINING_ENGINE);
        model.setBlock(spec.newBlock());
        return model;
    }

    /** Shape of a batch of {@code batchSize} images for {@code spec}. */
    public static Shape inputShape(NetworkSpec spec, int batchSize) {
        return new Shape(batchSize, TunetConfig.INPUT_CHANNELS, spec.inputSize(), spec.inputSize());
    }
}
