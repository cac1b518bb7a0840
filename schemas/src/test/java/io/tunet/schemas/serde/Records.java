package io.tunet.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.Stain;
import io.tunet.schemas.StainQuality;
import io.tunet.schemas.Thumbnail;

/** One fully populated example of every record type. */
final class Records {

    static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123Z");
    /** Stands for a thumbnail's PNG: the serde carries the bytes without reading them. */
    static final byte[] THUMBNAIL_PNG = {(byte) 0x89, 'P', 'N', 'G', 4, 5, 6};

    private Records() {
    }

    static Image inlineImage() {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(64).setHeight(64).setBitDepth(8)
                .setContent(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3})).build();
    }

    static Image blobImage() {
        return Image.newBuilder().setFormat(ImageFormat.TIFF).setWidth(2048).setHeight(2048).setBitDepth(16)
                .setContent(blobRef()).build();
    }

    static BlobRef blobRef() {
        return BlobRef.newBuilder().setUri("blob:sha256/ab/abcdef").setSha256("ab".repeat(32)).setSize(8_388_608L).build();
    }

    static FieldQuality fieldQuality() {
        return FieldQuality.newBuilder().setFlags(List.of("OUT_OF_FOCUS", "DIM_GREEN")).setFocus(3.25)
                .setLaplacianVariance(0.0015).setForegroundFraction(0.055).setNuclei(8)
                .setRed(stainQuality(0.0007, 0.01)).setGreen(stainQuality(0, 0.0001))
                .setBlue(stainQuality(0.0002, 0.02)).setYellow(stainQuality(0, 0.03)).build();
    }

    private static StainQuality stainQuality(double saturated, double p1) {
        return StainQuality.newBuilder().setSaturatedFraction(saturated).setP1(p1).setP50(0.0625).setP99(0.25)
                .setP999(0.5).build();
    }

    static List<SpecificRecord> all() {
        Acquisition acquisition = Acquisition.newBuilder()
                .setAcquisitionId("acq-1").setSampleId("P1-B07-3").setPlate("P1").setWell("B07").setField(3)
                .setStain(Stain.GREEN_PROTEIN).setImage(inlineImage()).setInstrumentId("scope-7")
                .setCellLine("U-2 OS").setAcquiredAt(T0).setMetadata(Map.of("objective", "63x")).build();
        Sample sample = Sample.newBuilder()
                .setSampleId("P1-B07-3").setPlate("P1").setWell("B07").setField(3)
                .setRed(inlineImage()).setGreen(blobImage()).setBlue(inlineImage()).setYellow(inlineImage())
                .setInstrumentId("scope-7").setCellLine(null).setFirstAcquiredAt(T0).setLastAcquiredAt(T0.plusMillis(40))
                .setAssembledAt(T0.plusMillis(50)).setSourceAcquisitionIds(List.of("a", "b", "c", "d")).build();
        IncompleteSample incomplete = IncompleteSample.newBuilder()
                .setSampleId("P1-B07-4").setPlate("P1").setWell("B07").setField(4)
                .setStainsPresent(List.of(Stain.RED_MICROTUBULES)).setStainsMissing(List.of(Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER))
                .setReason("timed out after PT5M").setAcquisitionIds(List.of("a"))
                .setImages(Map.of("RED_MICROTUBULES", blobImage())).setFirstSeenAt(T0).setEmittedAt(T0.plusSeconds(300)).build();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(DeadLetterReason.UNREADABLE_IMAGE).setDetail("PNG truncated at byte 33")
                .setSourceTopic("acquisitions").setSourcePartition(2).setSourceOffset(4711L).setOriginalKey("P1-B07-3")
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setPayloadRef(null).setService("ingest-service")
                .setFailedAt(T0).build();
        float[] probabilities = new float[28];
        probabilities[0] = 0.91f;
        probabilities[25] = 0.47f;
        Classification classification = Classification.newBuilder()
                .setSampleId("P1-B07-3").setPlate("P1").setWell("B07").setField(3).setModelName("tunet").setModelVersion(4)
                .setProbabilities(boxed(probabilities)).setPredictedLabels(List.of(0, 25))
                .setThresholds(boxed(filled(0.4f))).setInferenceLatencyMillis(12.5).setDevice("cpu")
                .setSampleAssembledAt(T0).setLastAcquiredAt(T0).setClassifiedAt(T0.plusMillis(80)).setQc(fieldQuality())
                .setThumbnail(Thumbnail.newBuilder().setPng(ByteBuffer.wrap(THUMBNAIL_PNG)).setWidth(192).setHeight(96)
                        .build())
                .build();
        SegmentationMask mask = SegmentationMask.newBuilder()
                .setSampleId("P1-B07-3").setModelName("tunet").setModelVersion(4).setWidth(128).setHeight(128)
                .setMasks(List.of(ClassMask.newBuilder().setClassIndex(0).setArea(30).setRuns(List.of(100, 30, 16254)).build()))
                .setCreatedAt(T0).build();
        LabelFeedback feedback = LabelFeedback.newBuilder()
                .setFeedbackId("fb-1").setSampleId("P1-B07-3").setLabels(List.of(0, 2)).setLabelledBy("curator:ana")
                .setSource(FeedbackSource.CURATOR).setComment("nucleoli clearly visible").setLabelledAt(T0).build();
        ModelVersion model = ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(4).setStatus(ModelStatus.PROMOTED).setStatusReason("macro-F1 +0.031")
                .setArchitecture("tunet-cpu").setOnnx(blobRef()).setInputSize(128).setThresholds(boxed(filled(0.3f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.61).setMicroF1(0.72).setPrecision(0.7).setRecall(0.6)
                        .setPerClassF1(java.util.Collections.nCopies(28, 0.61)).setDice(0.55).setValidationSize(1000).build())
                .setTrainingSetSize(8000).setSnapshotId("snap-2026-11-25").setParentVersion(3L).setCreatedAt(T0)
                .setCheckpoint(blobRef()).build();
        return List.of(acquisition, sample, incomplete, deadLetter, classification, mask, feedback, model);
    }

    /** The record as a writer with {@code schema} held it (fields that schema lacks are dropped). */
    static GenericRecord asWrittenBy(Schema schema, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema(), schema)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    /** Single-object bytes of a record written with {@code schema}, under a header carrying {@code fingerprint}. */
    static byte[] singleObject(long fingerprint, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(AvroSerde.header(fingerprint));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static float[] filled(float v) {
        float[] a = new float[28];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static List<Float> boxed(float[] values) {
        java.util.ArrayList<Float> list = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
