package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static io.tunet.gateway.StainFiles.count;
import static io.tunet.gateway.StainFiles.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.gateway.folder.StainFile;
import io.tunet.gateway.journal.PublishJournal;
import io.tunet.gateway.journal.PublishJournal.Intent;
import io.tunet.gateway.publish.AcquisitionIds;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.OmeTiffFixtures;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/**
 * The crash windows, each set up exactly as a process killed inside it leaves them (the file still in the folder,
 * the journal as synced, the topic as acknowledged), then a gateway started on them.
 */
@WithKafka
class GatewayRecoveryTest {

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
    void shouldSendEachFileOnceWhateverWindowTheLastProcessStoppedIn(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        Files.createDirectories(settings.watchDir());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sentNotMarked = "sent-not-marked-" + run;
        String intentOnly = "intent-only-" + run;
        String markedNotMoved = "marked-not-moved-" + run;
        Intent sent = stoppedAfterIntent(settings, sentNotMarked);
        Intent unsent = stoppedAfterIntent(settings, intentOnly);
        Intent marked = stoppedAfterIntent(settings, markedNotMoved);
        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            // the broker acknowledged this one; the process died before it wrote the mark
            producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), sent.partition(), sent.timestamp(),
                    sent.sampleId(), acquisition(sent))).get();
            // this one was acknowledged and marked; the process died before it moved the file
            producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), marked.partition(), marked.timestamp(),
                    marked.sampleId(), acquisition(marked))).get();
        }
        try (PublishJournal journal = PublishJournal.open(journalFile(settings))) {
            journal.recordPublished(Map.of(marked.acquisitionId(), marked.fileName()));
        }

        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });

        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        await(() -> count(done) == 3, Duration.ofSeconds(60), "all three files in done/", () -> count(done));
        Set<String> keys = Set.of(sentNotMarked, intentOnly, markedNotMoved);
        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, keys, 4,
                Duration.ofSeconds(3));
        assertThat(StainFiles.perStain(records)).containsOnly(
                Map.entry(sentNotMarked + "/RED_MICROTUBULES", 1L),
                Map.entry(intentOnly + "/RED_MICROTUBULES", 1L),
                Map.entry(markedNotMoved + "/RED_MICROTUBULES", 1L));
        assertThat(gateway.metrics().alreadyPublishedCount()).as("found in the journal or on the topic").isEqualTo(2.0);
        assertThat(gateway.metrics().publishedCount()).as("sent now: only the one that never was").isEqualTo(1.0);
        assertThat(records).filteredOn(r -> r.key().equals(intentOnly)).singleElement()
                .satisfies(r -> assertThat(r.value().getAcquisitionId()).isEqualTo(unsent.acquisitionId()));
        try (PublishJournal journal = PublishJournal.open(journalFile(settings))) {
            assertThat(journal.pending()).as("nothing left to resolve").isEmpty();
        }
    }

    @Test
    void shouldSendEachStainOfAnOmeTiffOnceWhenAProcessStoppedWithSomeOfItsRecordsOut(TestBroker broker)
            throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        Files.createDirectories(settings.watchDir());
        String sampleId = "ome-" + UUID.randomUUID().toString().substring(0, 8);
        String name = sampleId + ".ome.tif";
        Path file = settings.watchDir().resolve(name);
        OmeTiffFixtures.write(file, "uint8", 16, 16, List.of("red", "green", "blue", "yellow"));
        StainFile stainFile = settings.naming().parse(name);
        List<String> ids = AcquisitionIds.of(stainFile, Files.size(file),
                Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS));
        int partition = Utils.toPositive(Utils.murmur2(sampleId.getBytes(StandardCharsets.UTF_8)))
                % Topics.ACQUISITIONS.partitions();
        List<Intent> intents = new ArrayList<>();
        for (String id : ids) {
            intents.add(new Intent(id, name, sampleId, partition, System.currentTimeMillis()));
        }
        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS);
             PublishJournal journal = PublishJournal.open(journalFile(settings))) {
            journal.recordIntents(intents);
            // red and green were acknowledged, red was marked, then the process died; blue and yellow never went out
            for (int i = 0; i < 2; i++) {
                Intent intent = intents.get(i);
                producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), intent.partition(), intent.timestamp(),
                        sampleId, acquisition(intent, AcquisitionIds.OME_STAINS.get(i)))).get();
            }
            journal.recordPublished(Map.of(intents.get(0).acquisitionId(), name));
        }

        gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { });

        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        await(() -> count(done) == 1, Duration.ofSeconds(60), "the file in done/", () -> count(done));
        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, Set.of(sampleId), 5,
                Duration.ofSeconds(3));
        assertThat(StainFiles.perStain(records)).containsOnly(
                Map.entry(sampleId + "/RED_MICROTUBULES", 1L), Map.entry(sampleId + "/GREEN_PROTEIN", 1L),
                Map.entry(sampleId + "/BLUE_NUCLEUS", 1L), Map.entry(sampleId + "/YELLOW_ER", 1L));
        assertThat(records).extracting(r -> r.value().getAcquisitionId()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(gateway.metrics().publishedCount()).as("the file, once its last two stains went out")
                .isEqualTo(1.0);
        try (PublishJournal journal = PublishJournal.open(journalFile(settings))) {
            assertThat(journal.pending()).as("nothing left to resolve").isEmpty();
        }
    }

    /** Writes a red stain file and the synced intent a process writes just before it sends the file's record. */
    private static Intent stoppedAfterIntent(GatewaySettings settings, String sampleId) throws Exception {
        String name = name(sampleId, Stain.RED_MICROTUBULES);
        Path file = settings.watchDir().resolve(name);
        Files.write(file, StainFiles.png(sampleId, Stain.RED_MICROTUBULES, 32));
        String id = AcquisitionIds.of(name, Files.size(file),
                Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS));
        int partition = Utils.toPositive(Utils.murmur2(sampleId.getBytes(StandardCharsets.UTF_8)))
                % Topics.ACQUISITIONS.partitions();
        Intent intent = new Intent(id, name, sampleId, partition, System.currentTimeMillis());
        try (PublishJournal journal = PublishJournal.open(journalFile(settings))) {
            journal.recordIntents(List.of(intent));
        }
        return intent;
    }

    private static Acquisition acquisition(Intent intent) throws Exception {
        return acquisition(intent, Stain.RED_MICROTUBULES);
    }

    private static Acquisition acquisition(Intent intent, Stain stain) throws Exception {
        return Acquisition.newBuilder().setAcquisitionId(intent.acquisitionId()).setSampleId(intent.sampleId())
                .setPlate("HOTFOLDER").setWell("A01").setField(1).setStain(stain)
                .setImage(Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(32).setHeight(32).setBitDepth(8)
                        .setContent(ByteBuffer.wrap(StainFiles.png(intent.sampleId(), Stain.RED_MICROTUBULES, 32)))
                        .build())
                .setInstrumentId("microscope-gateway").setAcquiredAt(Instant.now()).build();
    }

    private static Path journalFile(GatewaySettings settings) {
        return settings.stateDir().resolve(PublishJournal.FILE_NAME);
    }
}
