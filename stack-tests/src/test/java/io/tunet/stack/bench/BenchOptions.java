package io.tunet.stack.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A benchmark's {@code key=value} arguments over its defaults; an unknown key or a bare word stops it with the list
 * of keys it takes.
 */
final class BenchOptions {

    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    static BenchOptions parse(String[] args, Map<String, String> defaults) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !values.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; expected " + values.keySet());
            }
            values.put(kv[0], kv[1]);
        }
        return new BenchOptions(values);
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no option " + key + "; options are " + values.keySet());
        }
        return value;
    }

    int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
