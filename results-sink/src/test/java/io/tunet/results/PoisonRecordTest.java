package io.tunet.results;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/**
 * A record PostgreSQL refuses while it is up (text with U+0000, which PostgreSQL's text cannot hold, in the key and
 * the sample id) is tried the configured number of times, goes to {@code results-dlq} with its coordinates, and the
 * records behind it are stored. Before, the sink could not even record the failure (the incident carried the same
 * key), took that for a database outage, and replayed the record forever while nothing behind it was stored.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class PoisonRecordTest {

    private static final String PLATE = "PLATE-POISON";
    private static final String POISON = "poison-\0-1";
    private static final int AFTER = 6;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldDeadLetterARecordTheDatabaseRefusesAndStoreTheRecordsBehindIt() throws Exception {
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        double deadLettered = metric("results_records_dead_lettered_total", "topic=\"classifications\"");
        double outages = metric("results_database_outages_total", "");
        Classification poison = Fixtures.classification(POISON, PLATE, "A01", 1, 3, 0.9f, List.of(3));
        RecordMetadata where;
        try (KafkaProducer<String, Classification> producer = TestBroker.shared().producer(Topics.CLASSIFICATIONS)) {
            where = producer.send(new ProducerRecord<>(Topics.CLASSIFICATIONS.name(), POISON, poison)).get();
        }
        Sink.publish(Topics.CLASSIFICATIONS, IntStream.range(0, AFTER)
                .mapToObj(i -> Fixtures.classification("poison-after-" + i, PLATE, "A0" + (i + 2), 1, i, 0.9f,
                        List.of(i)))
                .toList(), Classification::getSampleId);

        Sink.awaitCaughtUp(Duration.ofSeconds(90));

        assertThat(Sink.count(dataSource, "SELECT count(*) FROM predictions WHERE plate = ?", PLATE)).isEqualTo(AFTER);
        List<ConsumerRecord<String, DeadLetter>> letters = TestBroker.shared().read(Topics.RESULTS_DLQ, 1,
                Duration.ofSeconds(30), r -> r.value().getSourceTopic().equals(Topics.CLASSIFICATIONS.name())
                        && r.value().getSourcePartition() == where.partition()
                        && r.value().getSourceOffset() == where.offset());
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letters.get(0).key()).isEqualTo(POISON);
        assertThat(letter.getOriginalKey()).isEqualTo(POISON);
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(letter.getService()).isEqualTo("results-sink");
        assertThat(letter.getDetail()).startsWith("not stored after 3 attempts");
        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(Topics.CLASSIFICATIONS.valueSerde().serializer()
                .serialize(Topics.CLASSIFICATIONS.name(), poison)));
        // read back from results-dlq like any dead letter, so the dashboard's incidents show it
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DEAD_LETTER' "
                + "AND source_topic = 'results-dlq' AND sample_id = ? AND detail LIKE ?", "poison-\\u0000-1",
                "%(from classifications-" + where.partition() + "@" + where.offset() + ")")).isEqualTo(1);
        assertThat(metric("results_records_dead_lettered_total", "topic=\"classifications\"")).isEqualTo(deadLettered + 1);
        assertThat(metric("results_database_outages_total", "")).isEqualTo(outages);
    }

    /** A counter's value on {@code /q/metrics} (the series whose labels include {@code labels}); 0 before it counts. */
    static double metric(String name, String labels) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
        while (m.find()) {
            if (labels.isEmpty() || m.group(1) != null && m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
