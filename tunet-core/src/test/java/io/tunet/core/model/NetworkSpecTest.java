package io.tunet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

    @Test
    void propertiesShouldReadBackEveryField() {
        NetworkSpec spec = NetworkSpec.tunet(new TunetConfig(64, 8, 3, 0.1f, true));
        assertEquals(spec, NetworkSpec.fromProperties(spec.toProperties()));
        NetworkSpec plain = NetworkSpec.resnet34(TunetConfig.CPU);
        assertEquals(plain, NetworkSpec.fromProperties(plain.toProperties()));
    }

    /** Checkpoints written before the gate existed describe a network without it. */
    @Test
    void aDescriptionWithoutTheGateShouldBeUngated() {
        Properties old = NetworkSpec.tunet(TunetConfig.CPU.withGatedMasks(true)).toProperties();
        old.remove("gatedMasks");
        assertFalse(NetworkSpec.fromProperties(old).config().gatedMasks());
    }

    @Test
    void aBaselineShouldRefuseGatedMasks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.resnet34(TunetConfig.CPU.withGatedMasks(true)));
        assertEquals("gated masks are TUNet's; resnet34 has no masks", e.getMessage());
    }

    @Test
    void anInvalidGateShouldBeRefusedByName() {
        Properties bad = NetworkSpec.tunet(TunetConfig.CPU).toProperties();
        bad.setProperty("gatedMasks", "yes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.fromProperties(bad));
        assertTrue(e.getMessage().contains("gatedMasks is 'yes'"), e.getMessage());
    }
}
