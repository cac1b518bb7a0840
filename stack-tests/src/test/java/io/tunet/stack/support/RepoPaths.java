package io.tunet.stack.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository, its built services and the shared data are, for tests run by Maven or by hand. */
public final class RepoPaths {

    private RepoPaths() {
    }

    /** The repository root: {@code tunet.repo.root} (set by the e2e profile) or the parent of the working dir. */
    public static Path root() {
        String configured = System.getProperty("tunet.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("bin/kafka-local"))) {
            throw new IllegalStateException("not the repository root (no bin/kafka-local): " + root);
        }
        return root;
    }

    /** {@code ../shared} next to the repository, or {@code tunet.shared.dir}. */
    public static Path shared() {
        String configured = System.getProperty("tunet.shared.dir");
        return (configured != null ? Path.of(configured) : root().resolve("../shared")).toAbsolutePath().normalize();
    }

    /** The packaged Quarkus application of a service module, which must have been built. */
    public static Path quarkusRunJar(String module) {
        Path jar = root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B package -DskipTests)");
        }
        return jar;
    }

    /** A fresh folder under this module's {@code target/}. */
    public static Path target(String name) {
        return Path.of("target").toAbsolutePath().resolve(name);
    }
}
