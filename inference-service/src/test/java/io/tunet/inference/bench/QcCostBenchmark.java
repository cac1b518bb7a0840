package io.tunet.inference.bench;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.Resize;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.pipeline.SampleDecoder;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What field QC adds to decoding a sample at inference: {@link SampleDecoder#decode} (tensor and QC, QC gathered
 * row by row while the stains are read) against {@link SampleDecoder#tensor} (tensor only), one thread, on the real
 * fields of the shared data folder as stored and area-averaged to 512², at the model sizes given. Prints minimum and
 * median of {@code runs} runs after warm-up; the minimum is the better estimate on a shared machine.
 *
 * <pre>java -Dtunet.shared.dir=../shared -cp ... io.tunet.inference.bench.QcCostBenchmark [runs] [sizes, e.g. 128,512]</pre>
 */
public final class QcCostBenchmark {

    private static final String[] FIELDS = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"};

    private QcCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "128,512").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        Path folder = Path.of(System.getProperty("tunet.shared.dir", "../shared"), "data/hpa/full-size");
        Path blobDir = Files.createTempDirectory("qc-bench");
        try (SampleDecoder decoder = new SampleDecoder(new LocalDirectoryBlobStore(blobDir), DecodeLimits.defaults())) {
            System.out.println("| field | model size | decode, no QC: min (median) | decode + QC: min (median) | QC adds |");
            System.out.println("|---|---|---|---|---|");
            for (String id : FIELDS) {
                byte[][] stored = new byte[4][];
                for (Channel channel : Channel.values()) {
                    stored[channel.ordinal()] = Files.readAllBytes(
                            folder.resolve(id + "_" + channel.fileSuffix() + ".png"));
                }
                for (boolean small : new boolean[] {false, true}) {
                    Sample sample = small ? sample(id, shrunk(stored, 512)) : sample(id, stored);
                    String name = id.substring(0, 8) + (small ? " at 512²" : " as stored");
                    for (int size : sizes) {
                        double[] plain = new double[runs];
                        double[] withQc = new double[runs];
                        for (int warm = 0; warm < 3; warm++) {
                            decoder.tensor(sample, size);
                            decoder.decode(sample, size);
                        }
                        for (int r = 0; r < runs; r++) {
                            long t0 = System.nanoTime();
                            decoder.tensor(sample, size);
                            long t1 = System.nanoTime();
                            if (decoder.decode(sample, size).qc() == null) {
                                throw new IllegalStateException("no QC for " + name);
                            }
                            long t2 = System.nanoTime();
                            plain[r] = (t1 - t0) / 1e6;
                            withQc[r] = (t2 - t1) / 1e6;
                        }
                        Arrays.sort(plain);
                        Arrays.sort(withQc);
                        System.out.printf("| %s | %d | %.1f ms (%.1f) | %.1f ms (%.1f) | %.1f ms (%.1f) |%n", name, size,
                                plain[0], plain[runs / 2], withQc[0], withQc[runs / 2], withQc[0] - plain[0],
                                withQc[runs / 2] - plain[runs / 2]);
                    }
                }
            }
        }
    }

    private static byte[][] shrunk(byte[][] stored, int side) throws Exception {
        byte[][] out = new byte[4][];
        for (Channel channel : Channel.values()) {
            GrayImage stain = ImageCodec.decode(stored[channel.ordinal()], DecodeLimits.defaults(), channel);
            float[] small = Resize.area(stain.pixels(), stain.width(), stain.height(), side, side);
            out[channel.ordinal()] = ImageCodec.encodePng(new GrayImage(side, side, stain.bitDepth(), small),
                    stain.bitDepth() == 16 ? 16 : 8);
        }
        return out;
    }

    private static Sample sample(String id, byte[][] pngs) throws Exception {
        Image[] images = new Image[4];
        for (Channel channel : Channel.values()) {
            var header = ImageCodec.readHeader(pngs[channel.ordinal()], DecodeLimits.defaults());
            images[channel.ordinal()] = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(header.width())
                    .setHeight(header.height()).setBitDepth(header.bitDepth())
                    .setContent(ByteBuffer.wrap(pngs[channel.ordinal()])).build();
        }
        return TestSamples.sample(id, images[0], images[1], images[2], images[3]);
    }
}
