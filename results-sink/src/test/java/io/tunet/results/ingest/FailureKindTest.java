package io.tunet.results.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

/** Which failures are the database's (pause, no attempt counted) and which a record's (attempts, then results-dlq). */
class FailureKindTest {

    @Test
    void shouldTakeConnectionResourceShutdownAndRollbackErrorsForTheDatabasesFault() {
        assertThat(ResultsConsumer.databaseRefusal(new SQLException("Connection refused", "08001"))).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new SQLException("could not extend file: No space left", "53100")))
                .isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new SQLException("terminating connection due to administrator "
                + "command", "57P01"))).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new SQLTransientConnectionException("timeout"))).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new IllegalStateException("wrapped",
                new SQLException("An I/O error occurred while sending to the backend.", "08006")))).isTrue();
    }

    @Test
    void shouldTakeARefusedValueOrAFaultInTheSinkForTheRecordsFault() {
        SQLException nul = new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");
        assertThat(ResultsConsumer.databaseRefusal(nul)).isFalse();
        assertThat(ResultsConsumer.refusedValue(nul)).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(duplicate)).isFalse();
        assertThat(ResultsConsumer.refusedValue(duplicate)).isTrue();
        assertThat(ResultsConsumer.databaseRefusal(new IllegalArgumentException("a bug on one record"))).isFalse();
        assertThat(ResultsConsumer.refusedValue(new IllegalArgumentException("a bug on one record"))).isFalse();
    }
}
