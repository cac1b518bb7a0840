package io.tunet.results.drift;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a drift result is about: a plate, or an instrument or a cell line over the recent window. */
public enum DriftScope {
    PLATE("plate", "p.plate"),
    INSTRUMENT("instrument", "s.instrument_id"),
    CELL_LINE("cell_line", "s.cell_line");

    private final String key;
    private final String column;

    DriftScope(String key, String column) {
        this.key = key;
        this.column = column;
    }

    /** The name in the API and in {@code drift_results.scope}. */
    public String key() {
        return key;
    }

    /** The column (of {@code predictions p} joined with {@code samples s}) that names the scope's key. */
    String column() {
        return column;
    }

    /** The scope of an API name ({@code plate}, {@code instrument}, {@code cell_line}). */
    public static Optional<DriftScope> of(String name) {
        return Arrays.stream(values()).filter(s -> s.key.equals(name)).findFirst();
    }

    /** The API names, for messages. */
    public static List<String> names() {
        return Arrays.stream(values()).map(DriftScope::key).toList();
    }
}
