package io.tunet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.NamingPattern;
import io.tunet.gateway.folder.StainFile;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

@WithKafka
class GatewayNamingTest {

    /** A plate-well-field scheme with the instrument's own channel names, as many screening microscopes write. */
    static final String PLATE_REGEX =
            "(?<id>(?<plate>[A-Za-z0-9-]+)_(?<well>[A-P][0-9]{2})_f(?<field>[0-9]+))_(?<stain>[A-Za-z0-9]+)\\.tiff?";
    static final String PLATE_STAINS = "DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow";

    @TempDir
    Path temp;

    @Test
    void shouldReadTheHpaLayoutByDefault() throws Exception {
        NamingPattern hpa = NamingPattern.hpa("P", "A01", 1);

        assertThat(hpa.parse("5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0_yellow.png")).isEqualTo(new StainFile(
                "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0_yellow.png", "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0",
                Stain.YELLOW_ER, "P", "A01", 1));
        assertThat(hpa.parse("a_b_red.TIF").sampleId()).as("the last _stain wins; any case of extension")
                .isEqualTo("a_b");
        assertThat(hpa.parse("x_green.jpeg").stain()).isEqualTo(Stain.GREEN_PROTEIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x_red.png.part", "x_purple.png", "x_red.gif", "x_red", "notes.txt", "_red.png"})
    void shouldNotTakeOtherNamesForStainFiles(String name) throws Exception {
        assertThat(NamingPattern.hpa("P", "A01", 1).parse(name)).isNull();
    }

    @Test
    void shouldReadPlateWellFieldAndChannelNamesFromAConfiguredPattern() throws Exception {
        NamingPattern pattern = NamingPattern.of(PLATE_REGEX, PLATE_STAINS, "unused", "unused", 0);

        assertThat(pattern.parse("PLATE1_B07_f3_DAPI.tif")).isEqualTo(
                new StainFile("PLATE1_B07_f3_DAPI.tif", "PLATE1_B07_f3", Stain.BLUE_NUCLEUS, "PLATE1", "B07", 3));
        assertThat(pattern.parse("PLATE1_B07_f3_gfp.tiff").stain()).as("channel names in any case")
                .isEqualTo(Stain.GREEN_PROTEIN);
        assertThat(pattern.parse("PLATE1_B07_f3_Brightfield.tif")).as("a channel the line does not use").isNull();
    }

    @Test
    void shouldRefuseANameThatMatchesButCannotNameAnAcquisition() {
        NamingPattern anything = NamingPattern.of("(?<id>.+)_(?<stain>red|green|blue|yellow)\\.png",
                NamingPattern.HPA_STAINS, "P", "A01", 1);

        assertThatThrownBy(() -> anything.parse("..secret_red.png"))
                .isInstanceOf(NamingPattern.InvalidNameException.class).hasMessageContaining("not a safe name");
    }

    @Test
    void shouldRefuseAPatternOrMappingThatCannotWork() {
        assertThatThrownBy(() -> NamingPattern.of("(?<stain>red)\\.png", NamingPattern.HPA_STAINS, "P", "A", 1))
                .hasMessageContaining("(?<id>");
        assertThatThrownBy(() -> NamingPattern.of("(?<id>[a-z]+_(?<stain>red)", NamingPattern.HPA_STAINS, "P", "A", 1))
                .hasMessageContaining("does not compile");
        assertThatThrownBy(() -> NamingPattern.of(PLATE_REGEX, "DAPI=blue,GFP=green,Tubulin=red", "P", "A", 1))
                .hasMessageContaining("YELLOW_ER");
        assertThatThrownBy(() -> NamingPattern.of(PLATE_REGEX, "DAPI=cyan", "P", "A", 1))
                .hasMessageContaining("'cyan' is not a stain");
    }

    @Test
    void shouldPublishTiffFieldsNamedByAConfiguredPattern(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker)
                .withNaming(NamingPattern.of(PLATE_REGEX, PLATE_STAINS, "unused", "unused", 0));
        String plate = "P" + UUID.randomUUID().toString().substring(0, 8);
        String sampleId = plate + "_B07_f3";
        Files.createDirectories(settings.watchDir());
        for (String channel : List.of("DAPI", "GFP", "Tubulin", "Calreticulin")) {
            Files.write(settings.watchDir().resolve(sampleId + "_" + channel + ".tif"), tiff(48, channel.length()));
        }
        Files.write(settings.watchDir().resolve(sampleId + "_Brightfield.tif"), tiff(48, 1));

        try (HotFolderGateway gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { })) {
            List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS,
                    Set.of(sampleId), 5, Duration.ofSeconds(30));

            assertThat(records).hasSize(4);
            assertThat(StainFiles.perStain(records)).containsOnlyKeys(sampleId + "/RED_MICROTUBULES",
                    sampleId + "/GREEN_PROTEIN", sampleId + "/BLUE_NUCLEUS", sampleId + "/YELLOW_ER");
            assertThat(records).allSatisfy(r -> {
                assertThat(r.value().getPlate()).isEqualTo(plate);
                assertThat(r.value().getWell()).isEqualTo("B07");
                assertThat(r.value().getField()).isEqualTo(3);
                assertThat(r.value().getImage().getFormat()).isEqualTo(ImageFormat.TIFF);
            });
            assertThat(settings.watchDir().resolve(sampleId + "_Brightfield.tif")).as("not a stain: left alone")
                    .exists();
        }
    }

    private static byte[] tiff(int size, int seed) throws Exception {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.getRaster().setSample(x, y, 0, (x * seed + y * 7) % 256);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "tiff", bytes)).as("a TIFF writer is installed").isTrue();
        return bytes.toByteArray();
    }
}
