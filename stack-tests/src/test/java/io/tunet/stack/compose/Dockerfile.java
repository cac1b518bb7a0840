package io.tunet.stack.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Dockerfile the checks look at: {@code ENV} variables, {@code EXPOSE}d ports, the sources
 * of {@code COPY} and the {@code RUN} commands. Continuation lines are joined and comments dropped, as the
 * builder does.
 */
record Dockerfile(Map<String, String> environment, List<Integer> exposedPorts, List<String> copySources,
                  List<String> runCommands) {

    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    static Dockerfile read(Path file) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        List<Integer> ports = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (String instruction : instructions(Files.readString(file))) {
            String[] words = instruction.split("\\s+", 2);
            String keyword = words[0].toUpperCase();
            String arguments = words.length > 1 ? words[1].strip() : "";
            switch (keyword) {
                case "ENV" -> {
                    Matcher pair = ENV_PAIR.matcher(arguments);
                    boolean any = false;
                    while (pair.find()) {
                        environment.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
                        any = true;
                    }
                    if (!any) {
                        throw new IllegalArgumentException(file + ": write ENV as NAME=value, not '" + instruction + "'");
                    }
                }
                case "EXPOSE" -> Arrays.stream(arguments.split("\\s+"))
                        .forEach(p -> ports.add(Integer.parseInt(p.replaceAll("/.*", ""))));
                case "COPY" -> {
                    List<String> operands = Arrays.stream(arguments.split("\\s+")).filter(w -> !w.startsWith("--")).toList();
                    sources.addAll(operands.subList(0, operands.size() - 1));
                }
                case "RUN" -> runs.add(arguments);
                default -> {
                }
            }
        }
        return new Dockerfile(environment, ports, sources, runs);
    }

    private static List<String> instructions(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                current.append(stripped);
                instructions.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return instructions;
    }
}
