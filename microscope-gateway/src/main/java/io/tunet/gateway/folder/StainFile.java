package io.tunet.gateway.folder;

import java.util.Objects;

import io.tunet.schemas.Stain;

/**
 * What a stain file's name says: which field it belongs to and which stain it holds.
 *
 * @param name     the file name (no directory)
 * @param sampleId the field's sample id, the record key its four stains share
 * @param stain    the stain the file holds, or null for a multi-channel OME-TIFF holding all four
 * @param plate    plate barcode (from the name, else the configured default)
 * @param well     well name (from the name, else the configured default)
 * @param field    field number within the well (from the name, else the configured default)
 */
public record StainFile(String name, String sampleId, Stain stain, String plate, String well, int field) {

    public StainFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(plate, "plate");
        Objects.requireNonNull(well, "well");
    }

    /** Whether the file is a multi-channel OME-TIFF holding all four stains. */
    public boolean omeTiff() {
        return stain == null;
    }
}
