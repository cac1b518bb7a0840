package io.tunet.gateway.folder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.schemas.Stain;

/**
 * How stain files are named: a regular expression matched against the whole file name, with the named groups
 * {@code id} (the sample id) and {@code stain} (a stain name the mapping knows), and optionally {@code plate},
 * {@code well} and {@code field}; plus the mapping from the names the acquisition software writes to the four
 * stains. The default is the HPA layout, {@code <id>_red.png} ... {@code <id>_yellow.tif}. Immutable.
 */
public final class NamingPattern {

    /** The HPA layout: {@code <id>_<red|green|blue|yellow>.<png|tif|tiff|jpg|jpeg>}. */
    public static final String HPA_REGEX =
            "(?<id>[A-Za-z0-9][A-Za-z0-9._-]*)_(?<stain>red|green|blue|yellow)\\.(?i:png|tiff?|jpe?g)";
    /** The HPA layout's stain names. */
    public static final String HPA_STAINS = "red=red,green=green,blue=blue,yellow=yellow";

    private static final Map<String, Stain> STAIN_VALUES = stainValues();

    private final Pattern pattern;
    private final Map<String, Stain> stains;
    private final boolean hasPlate;
    private final boolean hasWell;
    private final boolean hasField;
    private final String defaultPlate;
    private final String defaultWell;
    private final int defaultField;

    private NamingPattern(Pattern pattern, Map<String, Stain> stains, String defaultPlate, String defaultWell,
                          int defaultField) {
        this.pattern = pattern;
        this.stains = stains;
        String regex = pattern.pattern();
        this.hasPlate = regex.contains("(?<plate>");
        this.hasWell = regex.contains("(?<well>");
        this.hasField = regex.contains("(?<field>");
        this.defaultPlate = defaultPlate;
        this.defaultWell = defaultWell;
        this.defaultField = defaultField;
    }

    /** The HPA layout, with these plate, well and field on every acquisition. */
    public static NamingPattern hpa(String plate, String well, int field) {
        return of(HPA_REGEX, HPA_STAINS, plate, well, field);
    }

    /**
     * A naming scheme.
     *
     * @param regex      matched against the whole file name; named groups {@code id} and {@code stain} required,
     *                   {@code plate}, {@code well}, {@code field} optional
     * @param stainNames {@code name=stain,...}: a name the files use (compared without regard to case), then one
     *                   of {@code red}, {@code green}, {@code blue}, {@code yellow} or the stain's full name such as
     *                   {@code BLUE_NUCLEUS}; e.g. {@code DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow}
     * @param plate      plate of the acquisitions when the pattern has no {@code plate} group
     * @param well       well when the pattern has no {@code well} group
     * @param field      field number when the pattern has no {@code field} group
     * @throws IllegalArgumentException naming the problem: the regex does not compile, lacks a required group, or
     *                                  the mapping is malformed, names an unknown stain or misses one of the four
     */
    public static NamingPattern of(String regex, String stainNames, String plate, String well, int field) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("naming pattern does not compile: " + e.getDescription() + " in '"
                    + regex + "'", e);
        }
        for (String group : new String[] {"id", "stain"}) {
            if (!regex.contains("(?<" + group + ">")) {
                throw new IllegalArgumentException("naming pattern '" + regex + "' has no named group (?<" + group
                        + ">...)");
            }
        }
        return new NamingPattern(pattern, parseStains(stainNames), plate, well, field);
    }

    /** The regular expression. */
    public String regex() {
        return pattern.pattern();
    }

    /**
     * Reads a file name.
     *
     * @return the stain file, or {@code null} when the name does not match the pattern or names a stain the mapping
     *         does not know (another channel the instrument writes, which this line does not use)
     * @throws InvalidNameException when the name matches but cannot name an acquisition: an unsafe sample id (one
     *                              that could name a file elsewhere) or a field that is not a number
     */
    public StainFile parse(String fileName) throws InvalidNameException {
        Matcher m = pattern.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        Stain stain = stains.get(m.group("stain").toLowerCase(Locale.ROOT));
        if (stain == null) {
            return null;
        }
        String id = m.group("id");
        if (!HpaDirectory.isSafeId(id)) {
            throw new InvalidNameException("sample id '" + id + "' from " + fileName + " is not a safe name (letters, "
                    + "digits, '.', '_' and '-' only, no '..', at most 200 characters)");
        }
        int field = defaultField;
        if (hasField && m.group("field") != null) {
            try {
                field = Integer.parseInt(m.group("field"));
            } catch (NumberFormatException e) {
                throw new InvalidNameException("field '" + m.group("field") + "' in " + fileName + " is not a number");
            }
        }
        String plate = hasPlate && m.group("plate") != null ? m.group("plate") : defaultPlate;
        String well = hasWell && m.group("well") != null ? m.group("well") : defaultWell;
        return new StainFile(fileName, id, stain, plate, well, field);
    }

    /** A file name matched the pattern but cannot name an acquisition. */
    public static final class InvalidNameException extends Exception {

        private static final long serialVersionUID = 1L;

        InvalidNameException(String message) {
            super(message);
        }
    }

    private static Map<String, Stain> parseStains(String stainNames) {
        Map<String, Stain> stains = new LinkedHashMap<>();
        for (String entry : stainNames.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("stain mapping entry '" + entry.strip() + "' is not name=stain");
            }
            String name = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = entry.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            Stain stain = STAIN_VALUES.get(value);
            if (stain == null) {
                throw new IllegalArgumentException("stain mapping entry '" + entry.strip() + "': '" + value
                        + "' is not a stain (red, green, blue, yellow, or " + String.join(", ", fullNames()) + ")");
            }
            if (stains.put(name, stain) != null) {
                throw new IllegalArgumentException("stain mapping names '" + name + "' twice");
            }
        }
        for (Stain required : new Stain[] {Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS,
                Stain.YELLOW_ER}) {
            if (!stains.containsValue(required)) {
                throw new IllegalArgumentException("stain mapping '" + stainNames + "' names no file for "
                        + required + ": a field needs all four stains");
            }
        }
        return Collections.unmodifiableMap(stains);
    }

    private static Map<String, Stain> stainValues() {
        Map<String, Stain> values = new LinkedHashMap<>();
        values.put("red", Stain.RED_MICROTUBULES);
        values.put("green", Stain.GREEN_PROTEIN);
        values.put("blue", Stain.BLUE_NUCLEUS);
        values.put("yellow", Stain.YELLOW_ER);
        for (String full : fullNames()) {
            values.put(full.toLowerCase(Locale.ROOT), Stain.valueOf(full));
        }
        return values;
    }

    private static String[] fullNames() {
        return new String[] {"RED_MICROTUBULES", "GREEN_PROTEIN", "BLUE_NUCLEUS", "YELLOW_ER"};
    }
}
