package io.tunet.results.database;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.tunet.results.security.Secrets;

/**
 * The embedded server's three passwords, kept in a properties file beside its data folder
 * ({@code .tunet/postgres} → {@code .tunet/postgres.credentials}), readable by the service's user only. A
 * missing file or entry is generated (192 random bits) and written back; nothing is ever logged.
 *
 * @param superuserPassword {@code superuser.password}: set by initdb, needed to start the server
 * @param ownerPassword {@code owner.password}: applied at every start
 * @param runtimePassword {@code runtime.password}: applied at every start
 */
public record DatabaseCredentials(String superuserPassword, String ownerPassword, String runtimePassword) {

    /** The credentials file of the server with data in {@code dataDir}: a sibling, since initdb wants an empty folder. */
    public static Path fileFor(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        return dir.resolveSibling(dir.getFileName() + ".credentials");
    }

    /** Reads {@code file}, generating and saving whatever is missing. */
    public static DatabaseCredentials loadOrCreate(Path file) {
        Properties properties = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
            }
            boolean changed = false;
            for (String key : new String[] {"superuser.password", "owner.password", "runtime.password"}) {
                String value = properties.getProperty(key, "").strip();
                if (value.isEmpty()) {
                    properties.setProperty(key, Secrets.random());
                    changed = true;
                }
            }
            if (changed) {
                writeOwnerOnly(file, properties);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the embedded PostgreSQL credentials " + file, e);
        }
        return new DatabaseCredentials(properties.getProperty("superuser.password").strip(),
                properties.getProperty("owner.password").strip(), properties.getProperty("runtime.password").strip());
    }

    /** Owner-only and replaced in one rename ({@link Secrets#writeOwnerOnly}). */
    private static void writeOwnerOnly(Path file, Properties properties) throws IOException {
        StringWriter text = new StringWriter();
        properties.store(text, "embedded PostgreSQL passwords (results-sink); edit owner/runtime and restart to rotate"
                + " them");
        Secrets.writeOwnerOnly(file, text.toString());
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[passwords hidden]";
    }
}
