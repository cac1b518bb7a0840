package io.tunet.results.database;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

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

    private static final FileAttribute<?>[] OWNER_ONLY =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];

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
                    properties.setProperty(key, generate());
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

    private static String generate() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Replaced in one rename and created owner-only, so no other user ever can read it. */
    private static void writeOwnerOnly(Path file, Properties properties) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp", OWNER_ONLY);
        try {
            try (Writer writer = Files.newBufferedWriter(temporary)) {
                properties.store(writer, "embedded PostgreSQL passwords (results-sink); edit owner/runtime and restart"
                        + " to rotate them");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[passwords hidden]";
    }
}
