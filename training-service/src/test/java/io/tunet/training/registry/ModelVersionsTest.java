package io.tunet.training.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import org.junit.jupiter.api.Test;

class ModelVersionsTest {

    /** Gated and ungated TUNets compute different masks, so the registry (and the dashboard) tells them apart. */
    @Test
    void architectureShouldNameTheNetworkAndItsGate() {
        assertEquals("tunet/in128-w16-d4", ModelVersions.architecture(NetworkSpec.tunet(TunetConfig.CPU)));
        assertEquals("tunet/in128-w16-d4-gated",
                ModelVersions.architecture(NetworkSpec.tunet(TunetConfig.CPU.withGatedMasks(true))));
        assertEquals("resnet34/in64-w16-d4", ModelVersions.architecture(NetworkSpec.resnet34(
                TunetConfig.CPU.withInputSize(64))));
    }
}
