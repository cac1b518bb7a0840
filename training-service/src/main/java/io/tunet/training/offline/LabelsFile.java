package io.tunet.training.offline;

import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The HPA label file ({@code Id,Target}, targets space-separated class indices), read with line-precise errors. */
final class LabelsFile {

    /** One row. */
    record Row(String id, int[] labels) {
    }

    private LabelsFile() {
    }

    /**
     * Reads the rows.
     *
     * @throws OfflineInputException naming the file and line of a missing header, a malformed row, an unsafe or
     *     duplicate id, a row without labels, or a label outside 0..27
     */
    static List<Row> read(Path csv) throws OfflineInputException {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OfflineInputException("cannot read the label file " + csv + ": " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).strip().replace("\uFEFF", "").equalsIgnoreCase("Id,Target")) {
            throw new OfflineInputException(csv + ": the first line must be the header 'Id,Target'");
        }
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = csv + " line " + (i + 1);
            int comma = line.indexOf(',');
            if (comma <= 0) {
                throw new OfflineInputException(where + ": expected 'Id,Target', got '" + line + "'");
            }
            String id = line.substring(0, comma).strip();
            if (!HpaDirectory.isSafeId(id)) {
                throw new OfflineInputException(where + ": '" + id + "' is not a safe sample id");
            }
            if (!seen.add(id)) {
                throw new OfflineInputException(where + ": sample " + id + " appears twice");
            }
            String target = line.substring(comma + 1).strip();
            if (target.isEmpty()) {
                throw new OfflineInputException(where + ": sample " + id + " has no labels");
            }
            int[] labels;
            try {
                labels = Arrays.stream(target.split("\\s+")).mapToInt(Integer::parseInt).sorted().distinct().toArray();
            } catch (NumberFormatException e) {
                throw new OfflineInputException(where + ": labels must be class indices, got '" + target + "'");
            }
            for (int label : labels) {
                if (!HpaClasses.isValid(label)) {
                    throw new OfflineInputException(where + ": label " + label + " is outside 0.." + (HpaClasses.COUNT - 1));
                }
            }
            rows.add(new Row(id, labels));
        }
        if (rows.isEmpty()) {
            throw new OfflineInputException(csv + ": no samples");
        }
        return rows;
    }
}
