package io.tunet.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OME-TIFF files written by real software: Debian's {@code python3-tifffile} (with {@code python3-numpy}), run as a
 * child process by {@code $TUNET_PYTHON} or {@code /usr/bin/python3} (a virtualenv's {@code python3} does not see
 * Debian's packages). Pixel values follow {@link #value}, so a test knows what every pixel must decode to.
 */
public final class OmeTiffFixtures {

    /** What CI installs; named in the failure when the interpreter lacks them. */
    public static final List<String> APT_PACKAGES = List.of("python3-tifffile", "python3-numpy");

    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "import numpy as np, tifffile",
            "spec = json.loads(sys.argv[1])",
            "def plane(shape, dtype, channel):",
            "    y, x = np.indices(shape)",
            "    return ((channel * 7919 + y * 131 + x * 17) % spec['modulo']).astype(dtype)",
            "if 'raw' in spec:",
            "    data = np.fromfile(spec['raw'], dtype=np.dtype(spec['dtype']).newbyteorder('<')).reshape(spec['shape'])",
            "    for k, path in enumerate(spec['copies']):",
            "        data[0, 0, 0] = k",
            "        tifffile.imwrite(path, data, photometric='minisblack', ome=True,",
            "                         metadata={'axes': 'CYX', 'Channel': {'Name': spec['names']}})",
            "elif 'pages' in spec:",
            "    with tifffile.TiffWriter(spec['path']) as tif:",
            "        for i, (h, w) in enumerate(spec['pages']):",
            "            tif.write(plane((h, w), spec['dtype'], i), photometric='minisblack', metadata=None,",
            "                      description=spec.get('description') if i == 0 else None)",
            "else:",
            "    shape = spec['shape']",
            "    data = np.stack([plane(shape[-2:], spec['dtype'], c) for c in range(shape[-3])])",
            "    data = np.broadcast_to(data, shape).copy()",
            "    if spec['ome']:",
            "        metadata = {'axes': spec['axes']}",
            "        if spec.get('names') is not None:",
            "            metadata['Channel'] = {'Name': spec['names']}",
            "        tifffile.imwrite(spec['path'], data, photometric='minisblack', metadata=metadata, ome=True,",
            "                         bigtiff=spec.get('bigtiff', False))",
            "    else:",
            "        tifffile.imwrite(spec['path'], data, photometric='minisblack', metadata=None)");

    private OmeTiffFixtures() {
    }

    /**
     * The value tifffile writes at a pixel of a channel (or page): {@code (channel·7919 + y·131 + x·17) mod modulo}.
     */
    public static int value(int channel, int y, int x, int modulo) {
        return (channel * 7919 + y * 131 + x * 17) % modulo;
    }

    /**
     * Writes an OME-TIFF with {@code tifffile.imwrite(..., metadata={"axes": "CYX", "Channel": {"Name": names}},
     * ome=True)}: one page per channel, channel {@code c} at {@link #value} with {@code modulo} 256 for uint8 and
     * 65536 for uint16.
     *
     * @param dtype numpy dtype name: {@code uint8}, {@code uint16}, {@code float32}...
     */
    public static void write(Path file, String dtype, int width, int height, List<String> names) {
        run(file, "{\"path\": " + json(file.toString()) + ", \"dtype\": " + json(dtype) + ", \"modulo\": " + modulo(dtype)
                + ", \"ome\": true, \"axes\": \"CYX\", \"shape\": [" + names.size() + ", " + height + ", " + width
                + "], \"names\": " + json(names) + "}");
    }

    /** Writes a small 8-bit OME-TIFF as a BigTIFF ({@code bigtiff=True}), as some converters do for any size. */
    public static void writeBigTiff(Path file, List<String> names) {
        run(file, "{\"path\": " + json(file.toString()) + ", \"dtype\": \"uint8\", \"modulo\": 256, \"ome\": true, "
                + "\"axes\": \"CYX\", \"shape\": [" + names.size() + ", 8, 8], \"names\": " + json(names)
                + ", \"bigtiff\": true}");
    }

    /**
     * Writes a TIFF of shape {@code shape} (axes {@code axes}, e.g. {@code ZCYX}), as OME-TIFF when {@code ome},
     * else as a plain multi-page TIFF; channel names are left out.
     */
    public static void write(Path file, String dtype, String axes, int[] shape, boolean ome) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(dims.length() == 0 ? "" : ", ").append(d);
        }
        run(file, "{\"path\": " + json(file.toString()) + ", \"dtype\": " + json(dtype) + ", \"modulo\": " + modulo(dtype)
                + ", \"ome\": " + ome + ", \"axes\": " + json(axes) + ", \"shape\": [" + dims + "]}");
    }

    /**
     * Writes one page per {@code {height, width}} with tifffile's {@code TiffWriter}, the first carrying
     * {@code description} as its ImageDescription (hand-written OME-XML, which may contradict the pages).
     */
    public static void writePages(Path file, String dtype, String description, int[]... pages) {
        StringBuilder sizes = new StringBuilder();
        for (int[] page : pages) {
            sizes.append(sizes.length() == 0 ? "" : ", ").append('[').append(page[0]).append(", ").append(page[1])
                    .append(']');
        }
        run(file, "{\"path\": " + json(file.toString()) + ", \"dtype\": " + json(dtype) + ", \"modulo\": " + modulo(dtype)
                + ", \"pages\": [" + sizes + "], \"description\": " + json(description) + "}");
    }

    /**
     * Writes 16-bit channels (each {@code width × height}, row-major) as OME-TIFF files with tifffile, one per path;
     * the k-th file's first pixel of its first channel is set to k, so that every file has bytes of its own.
     */
    public static void writeCopies(List<Path> files, int width, int height, List<String> names, short[][] channels)
            throws IOException {
        Path raw = Files.createTempFile("ome-channels", ".raw");
        try {
            ByteBuffer buffer = ByteBuffer.allocate(channels.length * width * height * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (short[] channel : channels) {
                buffer.asShortBuffer().put(channel);
                buffer.position(buffer.position() + channel.length * 2);
            }
            Files.write(raw, buffer.array());
            List<String> paths = new ArrayList<>();
            files.forEach(file -> paths.add(file.toString()));
            run(files.get(files.size() - 1), "{\"raw\": " + json(raw.toString()) + ", \"dtype\": \"uint16\", "
                    + "\"shape\": [" + channels.length + ", " + height + ", " + width + "], \"names\": " + json(names)
                    + ", \"copies\": " + json(paths) + "}");
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static int modulo(String dtype) {
        return dtype.equals("uint8") ? 256 : 65536;
    }

    private static void run(Path file, String spec) {
        String configured = System.getenv("TUNET_PYTHON");
        String python = configured != null && !configured.isBlank() ? configured : "/usr/bin/python3";
        List<String> command = new ArrayList<>(List.of(python, "-c", SCRIPT, spec));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(python + " writing an OME-TIFF did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                String hint = output.contains("No module named")
                        ? " Install the Debian packages: apt-get install -y " + String.join(" ", APT_PACKAGES)
                        + " (or set TUNET_PYTHON to an interpreter that has tifffile and numpy)." : "";
                throw new IllegalStateException(python + " could not write an OME-TIFF with tifffile (exit "
                        + process.exitValue() + "):" + hint + "\n" + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + python + " to write an OME-TIFF with tifffile (Debian "
                    + "packages " + String.join(", ", APT_PACKAGES) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an OME-TIFF", e);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("tifffile reported success but wrote no " + file);
        }
    }

    private static String json(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
            }
        }
        return out.append('"').toString();
    }

    private static String json(List<String> texts) {
        List<String> quoted = new ArrayList<>();
        texts.forEach(text -> quoted.add(json(text)));
        return "[" + String.join(", ", quoted) + "]";
    }
}
