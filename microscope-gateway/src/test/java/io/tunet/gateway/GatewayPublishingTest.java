package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static io.tunet.gateway.StainFiles.count;
import static io.tunet.gateway.StainFiles.files;
import static io.tunet.gateway.StainFiles.inlineBytes;
import static io.tunet.gateway.StainFiles.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** The gateway in this JVM on a real folder, against the real test broker. */
@WithKafka
class GatewayPublishingTest {

    @TempDir
    Path temp;

    private HotFolderGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String id(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldPublishTheFourStainsOfAFieldAsFourAcquisitions(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = id("field");
        Map<Stain, byte[]> written = StainFiles.writeField(settings.watchDir(), id, 64);

        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(60));

        assertThat(records).hasSize(4);
        for (ConsumerRecord<String, Acquisition> record : records) {
            Acquisition a = record.value();
            assertThat(record.key()).isEqualTo(id);
            assertThat(a.getSampleId()).isEqualTo(id);
            assertThat(inlineBytes(a)).as("the file's bytes, unchanged").isEqualTo(written.get(a.getStain()));
            assertThat(a.getImage().getFormat()).isEqualTo(ImageFormat.PNG);
            assertThat(a.getImage().getWidth()).isEqualTo(64);
            assertThat(a.getImage().getBitDepth()).isEqualTo(8);
            assertThat(a.getPlate()).isEqualTo("HOTFOLDER");
            assertThat(a.getInstrumentId()).isEqualTo("microscope-gateway");
            assertThat(a.getMetadata()).containsEntry("source.file", name(id, a.getStain()));
            GrayImage decoded = ImageCodec.decode(inlineBytes(a), io.tunet.imaging.DecodeLimits.defaults());
            assertThat(decoded.width()).isEqualTo(64);
        }
        assertThat(records).extracting(r -> r.value().getStain()).containsExactlyInAnyOrder(Stain.RED_MICROTUBULES,
                Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER);
        await(() -> count(settings.watchDir().resolve(FolderOutcomes.DONE)) == 4, Duration.ofSeconds(10),
                "the four files in done/", () -> count(settings.watchDir().resolve(FolderOutcomes.DONE)));
        assertThat(files(settings.watchDir())).isEmpty();
        assertThat(gateway.metrics().publishedCount()).isEqualTo(4.0);
    }

    @Test
    void shouldClaimCheckStainsAboveTheInlineLimit(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker).withInlineLimit(1000);
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = id("large");
        Map<Stain, byte[]> written = StainFiles.writeField(settings.watchDir(), id, 64);

        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(60));

        assertThat(records).hasSize(4);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(settings.blobRoot());
        for (ConsumerRecord<String, Acquisition> record : records) {
            assertThat(record.value().getImage().getContent()).isInstanceOf(BlobRef.class);
            assertThat(blobs.get((BlobRef) record.value().getImage().getContent()))
                    .isEqualTo(written.get(record.value().getStain()));
        }
    }

    @Test
    void shouldPublishAFileStillBeingWrittenOnceAndComplete(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker).withQuietPeriod(Duration.ofSeconds(1));
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = id("slow");
        byte[] red = StainFiles.png(id, Stain.RED_MICROTUBULES, 96);
        byte[] green = StainFiles.png(id, Stain.GREEN_PROTEIN, 96);
        Path folder = settings.watchDir();
        try (OutputStream redOut = Files.newOutputStream(folder.resolve(name(id, Stain.RED_MICROTUBULES)));
             OutputStream greenOut = Files.newOutputStream(folder.resolve(name(id, Stain.GREEN_PROTEIN)))) {
            redOut.write(red, 0, red.length / 2);
            redOut.flush();
            greenOut.write(green, 0, green.length / 2);
            greenOut.flush();
            // red pauses for less than the quiet period: the size and time checks keep it waiting
            Thread.sleep(600);
            redOut.write(red, red.length / 2, red.length - red.length / 2);
            redOut.flush();
            // green pauses for longer: it looks complete, but its PNG has no end yet, and it was written recently
            Thread.sleep(2500);
            greenOut.write(green, green.length / 2, green.length - green.length / 2);
        }

        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 2, Duration.ofSeconds(30))).hasSize(2);
        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 3,
                Duration.ofSeconds(2));

        assertThat(records).as("one record per file, nothing for the half-written states").hasSize(2);
        for (ConsumerRecord<String, Acquisition> record : records) {
            byte[] expected = record.value().getStain() == Stain.RED_MICROTUBULES ? red : green;
            assertThat(inlineBytes(record.value())).isEqualTo(expected);
        }
        assertThat(gateway.metrics().failedCount(DeadLetterReason.UNREADABLE_IMAGE)).isZero();
    }

    @Test
    void shouldPublishAFileRenamedIntoPlaceAtOnceAndNeverItsTemporaryName(TestBroker broker) throws Exception {
        // a quiet period far longer than the test: only the rename can make the file complete in time
        GatewaySettings settings = StainFiles.settings(temp, broker).withQuietPeriod(Duration.ofMinutes(5));
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = id("renamed");
        byte[] bytes = StainFiles.png(id, Stain.BLUE_NUCLEUS, 64);
        Path partial = settings.watchDir().resolve(name(id, Stain.BLUE_NUCLEUS) + ".part");
        Files.write(partial, Arrays.copyOf(bytes, bytes.length / 2));
        Thread.sleep(500);
        Files.write(partial, bytes);
        Files.move(partial, settings.watchDir().resolve(name(id, Stain.BLUE_NUCLEUS)), StandardCopyOption.ATOMIC_MOVE);

        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 1,
                Duration.ofSeconds(10));

        assertThat(records).hasSize(1);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 2, Duration.ofSeconds(1))).hasSize(1);
        assertThat(inlineBytes(records.get(0).value())).isEqualTo(bytes);
    }

    @Test
    void shouldCountAFileThatDisappearsBeforeItIsCompleteAndCarryOn(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker).withQuietPeriod(Duration.ofSeconds(2));
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String gone = id("gone");
        Path file = settings.watchDir().resolve(name(gone, Stain.RED_MICROTUBULES));
        Files.write(file, StainFiles.png(gone, Stain.RED_MICROTUBULES, 64));
        await(() -> gateway.metrics().seenCount() == 1.0, Duration.ofSeconds(10), "the file seen",
                () -> gateway.metrics().seenCount());
        Files.delete(file);
        await(() -> gateway.metrics().vanishedCount() == 1.0, Duration.ofSeconds(10), "the file counted as vanished",
                () -> gateway.metrics().vanishedCount());

        String next = id("after");
        StainFiles.writeField(settings.watchDir(), next, 32);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(next), 4, Duration.ofSeconds(30))).hasSize(4);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(gone), 1, Duration.ofSeconds(1))).isEmpty();
        assertThat(gateway.running()).isTrue();
        assertThat(gateway.metrics().publishedCount()).isEqualTo(4.0);
    }

    @Test
    void shouldMoveAFileThatIsNotAnImageToFailedWithItsReasonAndDeadLetterIt(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });
        String id = id("text");
        byte[] text = "Acquisition log, not an image\n".getBytes(StandardCharsets.UTF_8);
        Files.write(settings.watchDir().resolve(name(id, Stain.GREEN_PROTEIN)), text);

        List<ConsumerRecord<String, DeadLetter>> letters = broker.readKeys(Topics.ACQUISITIONS_DLQ, Set.of(id), 1,
                Duration.ofSeconds(30));

        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNSUPPORTED_IMAGE);
        assertThat(letter.getService()).isEqualTo("microscope-gateway");
        assertThat(letter.getOriginalKey()).isEqualTo(id);
        assertThat(letter.getDetail()).contains(name(id, Stain.GREEN_PROTEIN)).contains("not PNG, TIFF or JPEG");
        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(text));
        Path failed = settings.watchDir().resolve(FolderOutcomes.FAILED);
        await(() -> count(failed) == 2, Duration.ofSeconds(10), "the file and its reason in failed/",
                () -> count(failed));
        assertThat(failed.resolve(name(id, Stain.GREEN_PROTEIN))).hasBinaryContent(text);
        assertThat(Files.readString(failed.resolve(name(id, Stain.GREEN_PROTEIN) + FolderOutcomes.REASON_SUFFIX)))
                .contains("reason: UNSUPPORTED_IMAGE").contains("not PNG, TIFF or JPEG");
        assertThat(gateway.metrics().failedCount(DeadLetterReason.UNSUPPORTED_IMAGE)).isEqualTo(1.0);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 1, Duration.ofSeconds(1))).isEmpty();

        String next = id("after-text");
        StainFiles.writeField(settings.watchDir(), next, 32);
        assertThat(broker.readKeys(Topics.ACQUISITIONS, Set.of(next), 4, Duration.ofSeconds(30))).hasSize(4);
    }
}
