package io.tunet.stack.compose;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration a Quarkus service module reads, taken from its sources: the keys of
 * {@code application.properties}, the names its values and {@code @WithDefault} expressions refer to
 * ({@code ${TUNET_BLOB_STORE:...}}), and every property of its {@code @ConfigMapping} interface, walked the
 * way SmallRye Config names them (prefix, kebab-case methods, nested groups, {@code Map} members taking any
 * key). {@link #reads(String)} applies MicroProfile Config's environment rule to decide whether an
 * environment variable reaches one of them.
 */
final class ServiceConfiguration {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}$]+)");
    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{;]*\\{");
    private static final Pattern ANNOTATION = Pattern.compile("@\\w+(?:\\.\\w+)*(?:\\s*\\([^)]*\\))?");
    private static final Pattern METHOD = Pattern.compile("(?s)^(?:(?:public|static|abstract)\\s+)*(.+?)\\s+(\\w+)\\s*\\(\\s*\\)$");
    /** Renaming annotations this reader does not follow: refuse them rather than check the wrong names. */
    private static final List<String> UNSUPPORTED = List.of("@WithName", "@WithParentName", "@WithUnnamedKey");

    private final String module;
    private final Set<String> properties;
    private final Set<String> mapPrefixes;

    private ServiceConfiguration(String module, Set<String> properties, Set<String> mapPrefixes) {
        this.module = module;
        this.properties = properties;
        this.mapPrefixes = mapPrefixes;
    }

    /**
     * Reads a module's configuration; {@code frameworkProperties} are the framework's own properties the
     * deployment may set (Quarkus' HTTP port, datasource, Kafka Streams security...), which no module source
     * names.
     */
    static ServiceConfiguration read(Path moduleDir, Collection<String> frameworkProperties) throws IOException {
        Set<String> properties = new TreeSet<>(frameworkProperties);
        Set<String> mapPrefixes = new TreeSet<>();
        Path applicationProperties = moduleDir.resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(applicationProperties)) {
            throw new IllegalArgumentException("no " + applicationProperties + ": is " + moduleDir + " a Quarkus service?");
        }
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            file.load(reader);
        }
        for (String key : file.stringPropertyNames()) {
            properties.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
            properties.addAll(placeholders(file.getProperty(key)));
        }
        List<Path> mappings = mappingSources(moduleDir.resolve("src/main/java"));
        if (mappings.isEmpty()) {
            throw new IllegalArgumentException(moduleDir + " has no @ConfigMapping interface");
        }
        for (Path source : mappings) {
            readMapping(source, properties, mapPrefixes);
        }
        return new ServiceConfiguration(moduleDir.getFileName().toString(), properties, mapPrefixes);
    }

    /** The environment variable MicroProfile Config matches to a property: non-alphanumerics to '_', upper case. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Whether the service reads the environment variable {@code name}, as a property or as a referenced name. */
    boolean reads(String name) {
        return properties.stream().anyMatch(p -> environmentName(p).equals(name))
                || mapPrefixes.stream().anyMatch(p -> name.startsWith(environmentName(p) + "_")
                        && name.length() > environmentName(p).length() + 1);
    }

    String module() {
        return module;
    }

    /** Every property name found, for error messages. */
    Set<String> properties() {
        return properties;
    }

    private static List<Path> mappingSources(Path sourceRoot) throws IOException {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("@ConfigMapping(");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    private static void readMapping(Path source, Set<String> properties, Set<String> mapPrefixes) throws IOException {
        String text = Files.readString(source);
        for (String annotation : UNSUPPORTED) {
            if (text.contains(annotation)) {
                throw new IllegalStateException(source + " uses " + annotation + ", which this check does not follow");
            }
        }
        Matcher prefix = MAPPING_PREFIX.matcher(text);
        if (!prefix.find()) {
            throw new IllegalStateException(source + ": @ConfigMapping without a literal prefix");
        }
        Matcher defaults = WITH_DEFAULT.matcher(text);
        while (defaults.find()) {
            properties.addAll(placeholders(defaults.group(1)));
        }
        String code = ANNOTATION.matcher(codeOnly(text)).replaceAll(" ");
        List<Declaration> interfaces = interfaces(code, source);
        Declaration root = interfaces.stream().filter(d -> d.parent() == null).findFirst()
                .orElseThrow(() -> new IllegalStateException(source + ": no top-level interface"));
        walk(root, prefix.group(1), interfaces, code, source, properties, mapPrefixes);
    }

    private static void walk(Declaration group, String path, List<Declaration> all, String code, Path source,
                             Set<String> properties, Set<String> mapPrefixes) {
        for (String statement : group.ownBody(code, all).split(";")) {
            String trimmed = statement.strip();
            if (trimmed.isEmpty() || trimmed.contains("=")) {
                continue;
            }
            Matcher method = METHOD.matcher(trimmed);
            if (!method.matches()) {
                throw new IllegalStateException(source + ": cannot read member '" + trimmed + "' of " + group.name());
            }
            String type = method.group(1).strip();
            String property = path + "." + kebab(method.group(2));
            String rawType = type.replaceAll("<.*>", "").strip();
            if (rawType.equals("Map")) {
                mapPrefixes.add(property);
            } else {
                all.stream().filter(d -> d.name().equals(rawType)).findFirst().ifPresentOrElse(
                        nested -> walk(nested, property, all, code, source, properties, mapPrefixes),
                        () -> properties.add(property));
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("(?<=[a-z0-9])(?=[A-Z])", "-").toLowerCase(Locale.ROOT);
    }

    private static Set<String> placeholders(String value) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** An interface declaration: its name, the span of its body, and the interface it is nested in. */
    private record Declaration(String name, int bodyStart, int bodyEnd, Declaration parent) {

        /** The body without the bodies of nested interfaces, whose members belong to them. */
        String ownBody(String code, List<Declaration> all) {
            StringBuilder own = new StringBuilder();
            int at = bodyStart;
            List<Declaration> children = all.stream().filter(d -> d.parent() == this).toList();
            for (Declaration child : children) {
                int declarationStart = code.lastIndexOf("interface", child.bodyStart());
                own.append(code, at, declarationStart);
                at = child.bodyEnd() + 1;
            }
            own.append(code, at, bodyEnd);
            if (own.indexOf("{") >= 0) {
                throw new IllegalStateException("interface " + name + " has a body this check cannot read (default method?)");
            }
            return own.toString();
        }
    }

    private static List<Declaration> interfaces(String code, Path source) {
        List<Declaration> found = new ArrayList<>();
        Matcher m = INTERFACE.matcher(code);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0;
            int close = -1;
            for (int i = open; i < code.length() && close < 0; i++) {
                if (code.charAt(i) == '{') {
                    depth++;
                } else if (code.charAt(i) == '}' && --depth == 0) {
                    close = i;
                }
            }
            if (close < 0) {
                throw new IllegalStateException(source + ": unbalanced braces in interface " + m.group(1));
            }
            Declaration parent = null;
            for (Declaration d : found) {
                if (d.bodyStart() < open && close < d.bodyEnd() && (parent == null || d.bodyStart() > parent.bodyStart())) {
                    parent = d;
                }
            }
            found.add(new Declaration(m.group(1), open + 1, close, parent));
        }
        return found;
    }

    /** The source with comments removed and string and character literals emptied. */
    private static String codeOnly(String text) {
        StringBuilder code = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
                code.append(' ');
            } else if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != c) {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                code.append(c).append(c);
                i = j + 1;
            } else {
                code.append(c);
                i++;
            }
        }
        return code.toString();
    }
}
