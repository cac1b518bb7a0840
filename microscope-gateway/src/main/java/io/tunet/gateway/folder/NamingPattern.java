package io.tunet.gateway.folder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.tunet.imaging.Channel;
import io.tunet.imaging.OmeTiff;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.schemas.Stain;

/**
 * How stain files are named: a regular expression matched against the whole file name, with the named groups
 * {@code id} (the sample id) and {@code stain} (a stain name the mapping knows), and optionally {@code plate},
 * {@code well} and {@code field}; plus the mapping from the names the acquisition software writes to the four
 * stains. The default is the HPA layout, {@code <id>_red.png} ... {@code <id>_yellow.tif}. A second expression,
 * with {@code id} and the same optional groups but no {@code stain}, names multi-channel OME-TIFF files that hold all
 * four stains ({@code <id>.ome.tif} by default); their channel names go through the same mapping. A name both
 * accept is an OME-TIFF. Immutable.
 */
public final class NamingPattern {

    /** The HPA layout: {@code <id>_<red|green|blue|yellow>.<png|tif|tiff|jpg|jpeg>}. */
    public static final String HPA_REGEX =
            "(?<id>[A-Za-z0-9][A-Za-z0-9._-]*)_(?<stain>red|green|blue|yellow)\\.(?i:png|tiff?|jpe?g)";
    /** The HPA layout's stain names. */
    public static final String HPA_STAINS = "red=red,green=green,blue=blue,yellow=yellow";
    /** An OME-TIFF holding the four stains as channels: {@code <id>.ome.tif} or {@code <id>.ome.tiff}, any case. */
    public static final String OME_REGEX = "(?<id>[A-Za-z0-9][A-Za-z0-9._-]*)\\.(?i:ome\\.tiff?)";

    private static final Map<String, Stain> STAIN_VALUES = stainValues();
    private static final Map<Stain, Channel> CHANNELS = Map.of(Stain.RED_MICROTUBULES, Channel.RED,
            Stain.GREEN_PROTEIN, Channel.GREEN, Stain.BLUE_NUCLEUS, Channel.BLUE, Stain.YELLOW_ER, Channel.YELLOW);

    private final Pattern pattern;
    private final Pattern omePattern;
    private final Map<String, Stain> stains;
    private final String defaultPlate;
    private final String defaultWell;
    private final int defaultField;

    private NamingPattern(Pattern pattern, Pattern omePattern, Map<String, Stain> stains, String defaultPlate,
                          String defaultWell, int defaultField) {
        this.pattern = pattern;
        this.omePattern = omePattern;
        this.stains = stains;
        this.defaultPlate = defaultPlate;
        this.defaultWell = defaultWell;
        this.defaultField = defaultField;
    }

    /** The HPA layout and {@code <id>.ome.tif}, with these plate, well and field on every acquisition. */
    public static NamingPattern hpa(String plate, String well, int field) {
        return of(HPA_REGEX, HPA_STAINS, plate, well, field);
    }

    /** A naming scheme for single-stain files, with {@link #OME_REGEX} for OME-TIFFs; see the full form. */
    public static NamingPattern of(String regex, String stainNames, String plate, String well, int field) {
        return of(regex, stainNames, OME_REGEX, plate, well, field);
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
     * @param omeRegex   matched against the whole file name of a multi-channel OME-TIFF holding the four stains;
     *                   named group {@code id} required, {@code plate}, {@code well}, {@code field} optional
     * @param well       well when the pattern has no {@code well} group
     * @param field      field number when the pattern has no {@code field} group
     * @throws IllegalArgumentException naming the problem: a regex does not compile, lacks a required group, or
     *                                  the mapping is malformed, names an unknown stain or misses one of the four
     */
    public static NamingPattern of(String regex, String stainNames, String omeRegex, String plate, String well,
                                   int field) {
        return new NamingPattern(compile("naming pattern", regex, "id", "stain"),
                compile("OME-TIFF naming pattern", omeRegex, "id"), parseStains(stainNames), plate, well, field);
    }

    /** The regular expression of single-stain files. */
    public String regex() {
        return pattern.pattern();
    }

    /** The regular expression of OME-TIFF files. */
    public String omeRegex() {
        return omePattern.pattern();
    }

    /** The stain mapping as OME channel names (lower case) → stains, for {@link OmeTiff#decode}. */
    public Map<String, Channel> omeChannelNames() {
        Map<String, Channel> names = new LinkedHashMap<>();
        stains.forEach((name, stain) -> names.put(name, CHANNELS.get(stain)));
        return Collections.unmodifiableMap(names);
    }

    /**
     * Reads a file name.
     *
     * @return the stain file (with no stain for an OME-TIFF holding all four), or {@code null} when the name matches
     *         neither pattern or names a stain the mapping does not know (another channel the instrument writes,
     *         which this line does not use)
     * @throws InvalidNameException when the name matches but cannot name an acquisition: an unsafe sample id (one
     *                              that could name a file elsewhere) or a field that is not a number
     */
    public StainFile parse(String fileName) throws InvalidNameException {
        Matcher ome = omePattern.matcher(fileName);
        if (ome.matches()) {
            return stainFile(fileName, ome, null);
        }
        Matcher m = pattern.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        Stain stain = stains.get(m.group("stain").toLowerCase(Locale.ROOT));
        if (stain == null) {
            return null;
        }
        return stainFile(fileName, m, stain);
    }

    private StainFile stainFile(String fileName, Matcher m, Stain stain) throws InvalidNameException {
        String regex = m.pattern().pattern();
        boolean hasPlate = regex.contains("(?<plate>");
        boolean hasWell = regex.contains("(?<well>");
        boolean hasField = regex.contains("(?<field>");
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

    private static Pattern compile(String what, String regex, String... groups) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(what + " does not compile: " + e.getDescription() + " in '" + regex
                    + "'", e);
        }
        for (String group : groups) {
            if (!regex.contains("(?<" + group + ">")) {
                throw new IllegalArgumentException(what + " '" + regex + "' has no named group (?<" + group + ">...)");
            }
        }
        return pattern;
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
