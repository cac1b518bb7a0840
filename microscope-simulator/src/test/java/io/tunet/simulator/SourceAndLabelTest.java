package io.tunet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.label.LabelPublisher;
import io.tunet.simulator.source.HpaDirectorySource;
import io.tunet.simulator.source.SourceException;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

@WithKafka
class SourceAndLabelTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameTheMissingStainFile() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "Id,Target\nabc,0\n");
        Files.write(dir.resolve("abc_red.png"), new byte[] {1});

        assertThatThrownBy(() -> HpaDirectorySource.open(dir)).isInstanceOf(SourceException.class)
                .hasMessageContaining("abc_green.png");
    }

    @Test
    void shouldRefuseAnUnreadableImage() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "Id,Target\nabc,0\n");
        for (String stain : List.of("red", "green", "blue", "yellow")) {
            Files.write(dir.resolve("abc_" + stain + ".png"), "not a png at all".getBytes());
        }
        assertThatThrownBy(() -> HpaDirectorySource.open(dir).read("abc")).isInstanceOf(SourceException.class)
                .hasMessageContaining("unreadable image").hasMessageContaining("abc_");
    }

    @Test
    void shouldRefuseIdsThatCouldNameOtherDirectories() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "Id,Target\n../../etc/passwd,0\n");
        assertThatThrownBy(() -> HpaDirectorySource.open(dir)).isInstanceOf(SourceException.class)
                .hasMessageContaining("is not a safe file name stem");
    }

    @Test
    void shouldRefuseALabelOutsideTheClasses() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "Id,Target\nabc,0 28\n");
        assertThatThrownBy(() -> HpaDirectorySource.open(dir)).isInstanceOf(SourceException.class)
                .hasMessageContaining("line 2").hasMessageContaining("28");
    }

    @Test
    void labelCommandPublishesTheChosenFractionAsCuratorFeedback(TestBroker broker) throws Exception {
        String prefix = "L" + System.nanoTime() + "-";
        StringBuilder csv = new StringBuilder("Id,Target\n");
        for (int i = 0; i < 200; i++) {
            csv.append(prefix).append(i).append(',').append(i % 25).append(' ').append(25).append('\n');
        }
        Path file = dir.resolve("labels.csv");
        Files.writeString(file, csv);

        int published;
        try (KafkaProducer<String, LabelFeedback> producer = broker.producer(Topics.FEEDBACK)) {
            published = new LabelPublisher(producer, Clock.systemUTC(), "curator:test").publish(file, 0.25, new SplittableRandom(9));
        }
        List<ConsumerRecord<String, LabelFeedback>> read = broker.read(Topics.FEEDBACK, published, Duration.ofSeconds(30),
                r -> r.key().startsWith(prefix));

        assertThat(published).isBetween(30, 70);
        assertThat(read).hasSize(published);
        assertThat(read).allSatisfy(r -> {
            LabelFeedback feedback = r.value();
            int row = Integer.parseInt(feedback.getSampleId().substring(prefix.length()));
            assertThat(feedback.getLabels()).containsExactly(row % 25, 25);
            assertThat(feedback.getSource()).isEqualTo(FeedbackSource.CURATOR);
            assertThat(feedback.getLabelledBy()).isEqualTo("curator:test");
        });
    }

    @Test
    void labelCommandRefusesABadLabelBeforePublishingAnything(TestBroker broker) throws Exception {
        String first = "bad-" + System.nanoTime();
        Path file = dir.resolve("labels.csv");
        Files.writeString(file, "Id,Target\n" + first + ",1\nb,x\n");
        try (KafkaProducer<String, LabelFeedback> producer = broker.producer(Topics.FEEDBACK)) {
            assertThatThrownBy(() -> new LabelPublisher(producer, Clock.systemUTC(), "c").publish(file, 1.0, new SplittableRandom(1)))
                    .isInstanceOf(SourceException.class).hasMessageContaining("line 3").hasMessageContaining("'x'");
        }
        assertThat(broker.readKeys(Topics.FEEDBACK, Set.of(first), 1, Duration.ofSeconds(3))).isEmpty();
    }
}
