package io.tunet.stack.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.inference.pipeline.SampleDecoder;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.simulator.publish.EncodedImage;
import io.tunet.simulator.publish.FieldImages;

/**
 * What the line's model can do on this machine without the line: the same ONNX file and the same fields, decoded
 * and preprocessed by inference's own {@link SampleDecoder}, field QC included as the service measures it (stains
 * from memory, so no blob reads or checksums)
 * and predicted by ONNX Runtime in this process, with no Kafka, no mask cleaning and no publishing. Threads as
 * the service's: {@code decodeThreads} decode threads (the service's {@code inference.pipeline.decode-threads}, each
 * with the decoder's stain parallelism) feeding a bounded queue, one thread running batches of up to {@code batch}.
 * The line's saturation throughput is reported as a share of this.
 */
final class InferenceAlone {

    /**
     * @param samplesPerSecond samples predicted per second once warm
     * @param samples          samples predicted in the measured interval
     * @param seconds          the measured interval
     * @param cpuMillisPerSample CPU time of this process per sample in the measured interval (all its threads:
     *                           decoding, ONNX Runtime's, the JVM's), which other processes' load does not inflate
     */
    record Result(double samplesPerSecond, int samples, double seconds, double cpuMillisPerSample) {
    }

    private InferenceAlone() {
    }

    /**
     * Decodes and predicts {@code fields} round and round: {@code warmup} seconds not counted, then
     * {@code seconds} counted.
     */
    static Result run(Path model, List<FieldImages> fields, int size, int batch, int decodeThreadCount, double warmup,
            double seconds, Path blobs) throws Exception {
        List<Sample> samples = new ArrayList<>(fields.size());
        for (FieldImages field : fields) {
            samples.add(sample(field));
        }
        BlockingQueue<float[]> decoded = new ArrayBlockingQueue<>(32);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Exception> failure = new AtomicReference<>();
        int parallelism = Math.min(Channel.values().length, Runtime.getRuntime().availableProcessors());
        try (SampleDecoder decoder = new SampleDecoder(new LocalDirectoryBlobStore(blobs), DecodeLimits.defaults(),
                parallelism); OnnxTunet onnx = OnnxTunet.load(model); OnnxTunet.Session session = onnx.newSession()) {
            List<Thread> decodeThreads = new ArrayList<>();
            for (int t = 0; t < decodeThreadCount; t++) {
                int first = t;
                Thread decodeThread = new Thread(() -> {
                    try {
                        for (int i = first; running.get(); i += decodeThreadCount) {
                            decoded.put(decoder.decode(samples.get(i % samples.size()), size).tensor());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        failure.set(e);
                        running.set(false);
                    }
                }, "alone-decode-" + t);
                decodeThread.start();
                decodeThreads.add(decodeThread);
            }
            try {
                long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
                long start = 0;
                long end = 0;
                long cpuStart = 0;
                long cpuEnd = 0;
                int counted = 0;
                List<float[]> next = new ArrayList<>(batch);
                while (running.get()) {
                    float[] first = decoded.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    next.clear();
                    next.add(first);
                    decoded.drainTo(next, batch - 1);
                    session.predict(next.toArray(new float[0][]));
                    long now = System.nanoTime();
                    if (start == 0 && now >= warmEnd) {
                        start = now;
                        cpuStart = processCpuNanos();
                    } else if (start != 0) {
                        counted += next.size();
                        end = now;
                        cpuEnd = processCpuNanos();
                        if (now - start >= seconds * 1e9) {
                            break;
                        }
                    }
                }
                if (failure.get() != null) {
                    throw failure.get();
                }
                double measured = (end - start) / 1e9;
                return new Result(counted / measured, counted, measured, (cpuEnd - cpuStart) / 1e6 / counted);
            } finally {
                running.set(false);
                for (Thread decodeThread : decodeThreads) {
                    decodeThread.interrupt();
                    decodeThread.join();
                }
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Sample sample(FieldImages field) {
        Instant now = Instant.now();
        return Sample.newBuilder().setSampleId(field.sampleId()).setPlate(field.plate()).setWell(field.well())
                .setField(field.field()).setRed(image(field, Stain.RED_MICROTUBULES))
                .setGreen(image(field, Stain.GREEN_PROTEIN)).setBlue(image(field, Stain.BLUE_NUCLEUS))
                .setYellow(image(field, Stain.YELLOW_ER)).setInstrumentId("inference-alone")
                .setFirstAcquiredAt(now).setLastAcquiredAt(now).setAssembledAt(now)
                .setSourceAcquisitionIds(List.of()).build();
    }

    private static Image image(FieldImages field, Stain stain) {
        EncodedImage encoded = field.stains().get(stain);
        return Image.newBuilder().setFormat(encoded.format()).setWidth(encoded.width())
                .setHeight(encoded.height()).setBitDepth(encoded.bitDepth())
                .setContent(ByteBuffer.wrap(encoded.bytes())).build();
    }
}
