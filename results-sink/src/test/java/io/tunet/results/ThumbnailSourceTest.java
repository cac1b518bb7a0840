package io.tunet.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.results.database.EmbeddedDatabase;
import io.tunet.results.ingest.ResultsStore;
import io.tunet.results.ingest.Thumbnails;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Classification;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Thumbnail;
import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestDirectories;

/**
 * Where a sample's thumbnail comes from, against real PostgreSQL: the Classification's when inference sent one
 * (the stains are not read, in either order of the two records), the stains decoded here for writers that send
 * none.
 */
class ThumbnailSourceTest {

    private static final Path DATA_DIR = Path.of("target", "postgres-thumbnail-test");
    private static final byte[] SENT = "a PNG made by inference".getBytes(StandardCharsets.UTF_8);
    private static EmbeddedDatabase database;

    @TempDir
    Path blobDir;

    private Thumbnails fromStains;
    private ResultsStore store;
    private long offset;

    @BeforeAll
    static void startAndMigrate() {
        TestDirectories.deleteRecursively(DATA_DIR);
        database = EmbeddedDatabase.start(DATA_DIR, 0);
        Flyway.configure().dataSource(database.jdbcUrl(), EmbeddedDatabase.OWNER, database.ownerPassword())
                .locations("classpath:db/migration").placeholders(Map.of("runtime_role", EmbeddedDatabase.RUNTIME))
                .load().migrate();
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void newStore() throws Exception {
        fromStains = new Thumbnails(new LocalDirectoryBlobStore(blobDir), 192);
        store = new ResultsStore(fromStains);
    }

    @Test
    void shouldStoreTheClassificationsThumbnailWhenItArrivesBeforeTheSample() throws Exception {
        store(Topics.CLASSIFICATIONS, withThumbnail(classification("first-c")));
        store(Topics.SAMPLES, withAbsentStains("first-c"));

        assertThat(thumbnail("first-c")).isEqualTo(SENT);
        assertThat(incidents("first-c")).isZero();
        assertThat(assembled("first-c")).isTrue();
    }

    @Test
    void shouldStoreTheClassificationsThumbnailWhenTheSampleArrivesFirst() throws Exception {
        store(Topics.CLASSIFICATIONS, withThumbnail(classification("earlier")));

        store(Topics.SAMPLES, withAbsentStains("first-s"));
        assertThat(thumbnail("first-s")).as("left to the classification").isNull();
        store(Topics.CLASSIFICATIONS, withThumbnail(classification("first-s")));

        assertThat(thumbnail("first-s")).isEqualTo(SENT);
        assertThat(incidents("first-s")).as("the stains, absent from the blob store, were never read").isZero();
    }

    @Test
    void shouldDecodeTheStainsForAClassificationWrittenWithoutAThumbnail() throws Exception {
        Sample sample = Fixtures.sample("old-c", "PLATE-THUMB", "A01");
        store(Topics.CLASSIFICATIONS, classification("old-c"));
        store(Topics.SAMPLES, sample);

        assertThat(thumbnail("old-c")).isEqualTo(fromStains.composite(sample));
    }

    @Test
    void shouldDecodeTheStainsWhenTheLastClassificationCameWithoutAThumbnail() throws Exception {
        Sample sample = Fixtures.sample("old-s", "PLATE-THUMB", "A01");
        store(Topics.CLASSIFICATIONS, classification("old-earlier"));

        store(Topics.SAMPLES, sample);
        store(Topics.CLASSIFICATIONS, classification("old-s"));

        assertThat(thumbnail("old-s")).isEqualTo(fromStains.composite(sample));
    }

    @Test
    void shouldKeepTheThumbnailItHasWhenTheOtherRecordArrives() throws Exception {
        Sample sample = Fixtures.sample("kept", "PLATE-THUMB", "A01");
        store(Topics.SAMPLES, sample);
        store(Topics.CLASSIFICATIONS, withThumbnail(classification("kept")));

        assertThat(thumbnail("kept")).as("decoded on arrival, before any classification after a start")
                .isEqualTo(fromStains.composite(sample));
    }

    @Test
    void shouldReportASampleLeftWithoutAThumbnail() throws Exception {
        store(Topics.CLASSIFICATIONS, withThumbnail(classification("missing-earlier")));
        store(Topics.SAMPLES, withAbsentStains("missing"));
        assertThat(incidents("missing")).as("its stains were not read").isZero();

        store(Topics.CLASSIFICATIONS, classification("missing"));

        assertThat(thumbnail("missing")).isNull();
        assertThat(incidents("missing")).isEqualTo(1);
        assertThat(incidentReason("missing")).isEqualTo("NOT_SENT");
    }

    private static Classification classification(String sampleId) {
        return Fixtures.classification(sampleId, "PLATE-THUMB", "A01", 1, 3, 0.9f, List.of(3));
    }

    private static Classification withThumbnail(Classification classification) {
        return Classification.newBuilder(classification).setThumbnail(Thumbnail.newBuilder()
                .setPng(ByteBuffer.wrap(SENT)).setWidth(192).setHeight(192).build()).build();
    }

    /** A sample whose four stains are blob references the blob store does not have: reading one fails. */
    private static Sample withAbsentStains(String sampleId) {
        Image absent = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(2048).setHeight(2048).setBitDepth(16)
                .setContent(BlobRef.newBuilder().setUri("blob:sha256/ab/" + "ab".repeat(32))
                        .setSha256("ab".repeat(32)).setSize(8_000_000L).build())
                .build();
        return Sample.newBuilder(Fixtures.sample(sampleId, "PLATE-THUMB", "A01")).setRed(absent).setGreen(absent)
                .setBlue(absent).setYellow(absent).build();
    }

    private <V> void store(Topic<String, V> topic, V value) throws SQLException {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            store.store(c, new ConsumerRecord<>(topic.name(), 0, offset++, "key", bytes));
            c.commit();
        }
    }

    private static byte[] thumbnail(String sampleId) throws SQLException {
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement("SELECT thumbnail FROM samples WHERE sample_id = ?")) {
            s.setString(1, sampleId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("a row for " + sampleId).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    private static boolean assembled(String sampleId) throws SQLException {
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement("SELECT assembled_at IS NOT NULL FROM samples WHERE sample_id = ?")) {
            s.setString(1, sampleId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static long incidents(String sampleId) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM incidents WHERE sample_id = ? AND kind = 'THUMBNAIL_UNAVAILABLE'")) {
            s.setString(1, sampleId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String incidentReason(String sampleId) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                "SELECT reason FROM incidents WHERE sample_id = ? AND kind = 'THUMBNAIL_UNAVAILABLE'")) {
            s.setString(1, sampleId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static Connection connection() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.RUNTIME, database.runtimePassword());
    }
}
