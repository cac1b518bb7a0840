package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static io.tunet.gateway.StainFiles.count;
import static io.tunet.gateway.StainFiles.files;
import static io.tunet.gateway.StainFiles.inlineBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.gateway.folder.NamingPattern;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.OmeTiffFixtures;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** Multi-channel OME-TIFF files (written by tifffile) dropped into the watched folder, against the real test broker. */
@WithKafka
class GatewayOmeTiffTest {

    @TempDir
    Path temp;

    private HotFolderGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldPublishTheFourChannelsOfAnOmeTiffOnceAsFourSixteenBitStains(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = "ome-" + UUID.randomUUID().toString().substring(0, 8);
        // channels in another order than the stains', and a fifth the line does not use
        drop(settings, id + ".ome.tif", "uint16", List.of("yellow", "Brightfield", "blue", "red", "green"));

        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(60));

        assertThat(records).hasSize(4);
        Map<Stain, Integer> page = Map.of(Stain.YELLOW_ER, 0, Stain.BLUE_NUCLEUS, 2, Stain.RED_MICROTUBULES, 3,
                Stain.GREEN_PROTEIN, 4);
        for (ConsumerRecord<String, Acquisition> record : records) {
            Acquisition a = record.value();
            assertThat(record.key()).isEqualTo(id);
            assertThat(a.getImage().getFormat()).isEqualTo(ImageFormat.PNG);
            assertThat(a.getImage().getBitDepth()).as("kept at full depth").isEqualTo(16);
            assertThat(a.getMetadata()).containsEntry("source.file", id + ".ome.tif");
            assertPixels(a, page.get(a.getStain()), 65536);
        }
        assertThat(records).extracting(r -> r.value().getStain()).containsExactlyInAnyOrder(Stain.RED_MICROTUBULES,
                Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER);
        assertThat(records).extracting(r -> r.value().getAcquisitionId()).doesNotHaveDuplicates();
        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        await(() -> count(done) == 1, Duration.ofSeconds(10), "the file in done/", () -> count(done));
        assertThat(files(settings.watchDir())).isEmpty();
        assertThat(gateway.metrics().publishedCount()).as("one file").isEqualTo(1.0);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 5, Duration.ofSeconds(2))).as("nothing more")
                .hasSize(4);
    }

    @Test
    void shouldNameSampleAndStainsThroughTheConfiguredPatternAndMapping(TestBroker broker) throws Exception {
        String plate = "P" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        GatewaySettings settings = StainFiles.settings(temp, broker).withNaming(NamingPattern.of(
                NamingPattern.HPA_REGEX, "DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow",
                "(?<id>(?<plate>[A-Z0-9]+)_(?<well>[A-P][0-9]{2})_f(?<field>[0-9]+))\\.ome\\.tiff", "unused", "unused",
                0));
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = plate + "_B07_f3";
        drop(settings, id + ".ome.tiff", "uint8", List.of("Calreticulin", "DAPI", "Tubulin", "GFP"));

        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(60));

        assertThat(records).hasSize(4);
        Map<Stain, Integer> page = Map.of(Stain.YELLOW_ER, 0, Stain.BLUE_NUCLEUS, 1, Stain.RED_MICROTUBULES, 2,
                Stain.GREEN_PROTEIN, 3);
        for (ConsumerRecord<String, Acquisition> record : records) {
            Acquisition a = record.value();
            assertThat(a.getPlate()).isEqualTo(plate);
            assertThat(a.getWell()).isEqualTo("B07");
            assertThat(a.getField()).isEqualTo(3);
            assertThat(a.getImage().getBitDepth()).isEqualTo(8);
            assertPixels(a, page.get(a.getStain()), 256);
        }
    }

    @Test
    void shouldMoveAnOmeTiffWhoseChannelsNameNoStainToFailedWithItsReasonAndDeadLetterIt(TestBroker broker)
            throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = "bad-ome-" + UUID.randomUUID().toString().substring(0, 8);
        drop(settings, id + ".ome.tif", "uint8", List.of("DAPI", "GFP", "Tubulin", "Calreticulin"));

        List<ConsumerRecord<String, DeadLetter>> letters = broker.readKeys(Topics.ACQUISITIONS_DLQ, Set.of(id), 1,
                Duration.ofSeconds(30));

        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNSUPPORTED_IMAGE);
        assertThat(letter.getDetail()).contains(id + ".ome.tif", "no channel maps to the red stain", "\"DAPI\"");
        Path failed = settings.watchDir().resolve(FolderOutcomes.FAILED);
        await(() -> count(failed) == 2, Duration.ofSeconds(10), "the file and its reason in failed/",
                () -> count(failed));
        assertThat(Files.readString(failed.resolve(id + ".ome.tif" + FolderOutcomes.REASON_SUFFIX)))
                .contains("reason: UNSUPPORTED_IMAGE", "no channel maps to the red stain");
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 1, Duration.ofSeconds(1))).isEmpty();

        String next = "after-bad-ome-" + UUID.randomUUID().toString().substring(0, 8);
        drop(settings, next + ".ome.tif", "uint8", List.of("red", "green", "blue", "yellow"));
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(next), 4, Duration.ofSeconds(30))).hasSize(4);
    }

    /** Writes an OME-TIFF with tifffile outside the folder, then renames it in, as acquisition software does. */
    private void drop(GatewaySettings settings, String name, String dtype, List<String> channels) throws Exception {
        Path staged = Files.createDirectories(temp.resolve("staging")).resolve(name);
        OmeTiffFixtures.write(staged, dtype, 48, 40, channels);
        Files.move(staged, settings.watchDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void assertPixels(Acquisition acquisition, int page, int modulo) throws Exception {
        Raster raster = ImageIO.read(new ByteArrayInputStream(inlineBytes(acquisition))).getRaster();
        assertThat(raster.getWidth()).isEqualTo(48);
        assertThat(raster.getHeight()).isEqualTo(40);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                if (raster.getSample(x, y, 0) != OmeTiffFixtures.value(page, y, x, modulo)) {
                    throw new AssertionError(acquisition.getStain() + " at (" + x + ", " + y + "): "
                            + raster.getSample(x, y, 0) + ", expected " + OmeTiffFixtures.value(page, y, x, modulo)
                            + " from page " + page);
                }
            }
        }
    }
}
