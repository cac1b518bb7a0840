package io.tunet.stack.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A docker-compose file read the way the Compose specification defines its elements, reduced to what the
 * checks need: services with their build, environment, mounts, dependencies and health check, and the
 * declared named volumes. Both the short and the long syntax of each element are understood; anything
 * else is refused with a message naming the element.
 */
final class ComposeFile {

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private final Map<String, Service> services;
    private final Set<String> declaredVolumes;
    private final Set<String> interpolatedVariables;

    private ComposeFile(Map<String, Service> services, Set<String> declaredVolumes, Set<String> interpolatedVariables) {
        this.services = services;
        this.declaredVolumes = declaredVolumes;
        this.interpolatedVariables = interpolatedVariables;
    }

    /** Reads a compose file from disk. */
    static ComposeFile read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses compose YAML; {@code origin} names it in errors. A fragment with only {@code services:} (an
     * override file) is accepted.
     */
    static ComposeFile parse(String yaml, String origin) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Map<String, Object> root = map(document, origin);
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services"), origin + ": services").forEach((name, definition) ->
                services.put(name, Service.parse(name, map(definition, origin + ": service " + name))));
        Set<String> volumes = root.containsKey("volumes")
                ? new LinkedHashSet<>(map(root.get("volumes"), origin + ": volumes").keySet())
                : Set.of();
        Set<String> variables = new LinkedHashSet<>();
        Matcher m = INTERPOLATION.matcher(yaml);
        while (m.find()) {
            variables.add(m.group(1));
        }
        return new ComposeFile(services, volumes, variables);
    }

    Map<String, Service> services() {
        return services;
    }

    Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + name + "' in the compose file; it has " + services.keySet());
        }
        return service;
    }

    Set<String> declaredVolumes() {
        return declaredVolumes;
    }

    /** Variables the file takes from the host's environment or .env ({@code ${NAME}}, {@code ${NAME:-default}}). */
    Set<String> interpolatedVariables() {
        return interpolatedVariables;
    }

    /** One service. {@code build} is empty for a service that runs a published image. */
    record Service(String name, Optional<Build> build, Map<String, String> environment, List<Mount> mounts,
                   Map<String, String> dependsOn, List<String> healthcheck) {

        static Service parse(String name, Map<String, Object> definition) {
            String where = "service " + name;
            return new Service(name, parseBuild(definition.get("build"), where),
                    parseEnvironment(definition.get("environment"), where),
                    parseMounts(definition.get("volumes"), where),
                    parseDependsOn(definition.get("depends_on"), where),
                    parseHealthcheck(definition.get("healthcheck"), where));
        }

        /** The named volume mounted at {@code target}, if any. */
        Optional<String> volumeAt(String target) {
            return mounts.stream().filter(m -> m.named() && m.target().equals(target)).map(Mount::source).findFirst();
        }
    }

    /** A build: context directory and Dockerfile path relative to it. */
    record Build(String context, String dockerfile) {
    }

    /** A mount: a named volume, or a bind mount of a host path (source starting with {@code .}, {@code /} or {@code $}). */
    record Mount(String source, String target) {

        boolean named() {
            return !(source.startsWith(".") || source.startsWith("/") || source.startsWith("$") || source.startsWith("~"));
        }
    }

    private static Optional<Build> parseBuild(Object value, String where) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String context) {
            return Optional.of(new Build(context, "Dockerfile"));
        }
        Map<String, Object> build = map(value, where + ": build");
        Object context = build.getOrDefault("context", ".");
        Object dockerfile = build.getOrDefault("dockerfile", "Dockerfile");
        return Optional.of(new Build(String.valueOf(context), String.valueOf(dockerfile)));
    }

    private static Map<String, String> parseEnvironment(Object value, String where) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (value == null) {
            return environment;
        }
        if (value instanceof List<?> entries) {
            for (Object entry : entries) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                environment.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
            return environment;
        }
        map(value, where + ": environment").forEach((k, v) -> environment.put(k, v == null ? "" : String.valueOf(v)));
        return environment;
    }

    private static List<Mount> parseMounts(Object value, String where) {
        List<Mount> mounts = new ArrayList<>();
        if (value == null) {
            return mounts;
        }
        if (!(value instanceof List<?> entries)) {
            throw new IllegalArgumentException(where + ": volumes must be a list, found " + value);
        }
        for (Object entry : entries) {
            if (entry instanceof String text) {
                // a host path may itself hold "${VAR:-./x}": split on the first colon after any interpolation
                int end = text.startsWith("${") ? text.indexOf('}') + 1 : 0;
                int colon = text.indexOf(':', end);
                if (colon < 0) {
                    throw new IllegalArgumentException(where + ": anonymous volume '" + text + "' is not shared or kept");
                }
                String target = text.substring(colon + 1);
                int mode = target.indexOf(':');
                mounts.add(new Mount(text.substring(0, colon), mode < 0 ? target : target.substring(0, mode)));
            } else {
                Map<String, Object> mount = map(entry, where + ": volume");
                mounts.add(new Mount(String.valueOf(mount.get("source")), String.valueOf(mount.get("target"))));
            }
        }
        return mounts;
    }

    private static Map<String, String> parseDependsOn(Object value, String where) {
        Map<String, String> dependsOn = new LinkedHashMap<>();
        if (value == null) {
            return dependsOn;
        }
        if (value instanceof List<?> names) {
            names.forEach(n -> dependsOn.put(String.valueOf(n), "service_started"));
            return dependsOn;
        }
        map(value, where + ": depends_on").forEach((service, spec) -> dependsOn.put(service,
                String.valueOf(map(spec, where + ": depends_on " + service).getOrDefault("condition", "service_started"))));
        return dependsOn;
    }

    private static List<String> parseHealthcheck(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        Object test = map(value, where + ": healthcheck").get("test");
        if (test instanceof List<?> words) {
            return words.stream().map(String::valueOf).toList();
        }
        if (test instanceof String command) {
            return List.of("CMD-SHELL", command);
        }
        throw new IllegalArgumentException(where + ": healthcheck has no test");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a mapping, found " + value);
        }
        return (Map<String, Object>) map;
    }
}
