package io.tunet.results;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.tunet.results.ingest.ResultsStore;
import io.tunet.schemas.topics.Topic;
import io.tunet.testkit.TestBroker;

/** Test helpers around the running sink: publish, wait until it has committed everything, read tables. */
final class Sink {

    static final String GROUP = "results-sink";

    private Sink() {
    }

    static <V> void publish(Topic<String, V> topic, List<V> values, Function<V, String> key) {
        try (KafkaProducer<String, V> producer = TestBroker.shared().producer(topic)) {
            for (V value : values) {
                producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value));
            }
            producer.flush();
        }
    }

    /** Waits until the sink's group has committed the end offset of every partition it reads. */
    static void awaitCaughtUp(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = TestBroker.shared().admin()) {
            List<String> topics = ResultsStore.TOPICS.stream().map(Topic::name).toList();
            while (true) {
                Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(topics).allTopicNames().get().values()
                        .stream().flatMap(d -> d.partitions().stream()
                                .map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                boolean caughtUp = ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
                if (caughtUp) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the sink did not catch up within " + timeout + "; ends " + ends
                            + ", committed " + committed);
                }
                Thread.sleep(200);
            }
        }
    }

    /** How many records a topic has had: the sum of its partitions' end offsets. */
    static long records(Topic<?, ?> topic) throws Exception {
        try (Admin admin = TestBroker.shared().admin()) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic.name())).allTopicNames().get()
                    .get(topic.name()).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic.name(), p.partition()),
                            p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /** Every row of a table as text, in primary-key order (binary columns as their length and hash). */
    static List<String> rows(DataSource dataSource, String table, String orderBy) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    row.append(meta.getColumnName(i)).append('=').append(value instanceof byte[] bytes
                            ? "bytes[" + bytes.length + "]#" + Arrays.hashCode(bytes) : String.valueOf(value)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static long count(DataSource dataSource, String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
