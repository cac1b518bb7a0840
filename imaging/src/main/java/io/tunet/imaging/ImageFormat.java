package io.tunet.imaging;

import java.util.List;

/** The encoded image formats a stain may arrive in. */
public enum ImageFormat {
    /** PNG, 8 or 16 bit. */
    PNG("png", List.of("png")),
    /** TIFF (read with TwelveMonkeys), 8 or 16 bit, first page only. */
    TIFF("tiff", List.of("tif", "tiff")),
    /** Baseline JPEG, 8 bit. */
    JPEG("jpeg", List.of("jpg", "jpeg"));

    private final String imageIoName;
    private final List<String> fileExtensions;

    ImageFormat(String imageIoName, List<String> fileExtensions) {
        this.imageIoName = imageIoName;
        this.fileExtensions = fileExtensions;
    }

    /** The ImageIO format name used to find a reader or writer. */
    String imageIoName() {
        return imageIoName;
    }

    /** File extensions (lower case, no dot) under which files of this format are accepted. */
    public List<String> fileExtensions() {
        return fileExtensions;
    }

    /**
     * Recognises the format from the first bytes (magic numbers), ignoring any file name.
     *
     * @return the format, or {@code null} if the bytes start like none of them
     */
    public static ImageFormat sniff(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(bytes, 'I', 'I', 42, 0) || startsWith(bytes, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
