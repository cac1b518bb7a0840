package io.tunet.simulator.label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.source.HpaDirectorySource;
import io.tunet.simulator.source.SourceException;

/**
 * A simulated curator: reads a {@code train.csv}-style file ({@code Id,Target}) and publishes one
 * {@link LabelFeedback} per row, optionally for only a random fraction of the rows.
 */
public final class LabelPublisher {

    private final Producer<String, LabelFeedback> producer;
    private final Clock clock;
    private final String labelledBy;

    public LabelPublisher(Producer<String, LabelFeedback> producer, Clock clock, String labelledBy) {
        this.producer = producer;
        this.clock = clock;
        this.labelledBy = labelledBy;
    }

    /**
     * Publishes labels and waits for the broker to acknowledge them.
     *
     * @param fraction the share of rows to label, 0..1
     * @return how many feedback records were published
     * @throws SourceException naming the line when the file is malformed or a label is outside 0..27
     */
    public int publish(Path csv, double fraction, RandomGenerator random)
            throws SourceException, InterruptedException, ExecutionException {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be within 0..1: " + fraction);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new SourceException("cannot read " + csv + ": " + e.getMessage());
        }
        // parse every row first: a bad row anywhere publishes nothing
        List<LabelFeedback> chosen = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new SourceException(csv + " line " + (i + 1) + ": expected 'Id,Target', got '" + line + "'");
            }
            int[] labels = HpaDirectorySource.parseTarget(parts[1], csv + " line " + (i + 1));
            if (random.nextDouble() >= fraction) {
                continue;
            }
            String sampleId = parts[0].strip();
            LabelFeedback feedback = LabelFeedback.newBuilder()
                    .setFeedbackId(UUID.randomUUID().toString()).setSampleId(sampleId)
                    .setLabels(java.util.Arrays.stream(labels).boxed().toList())
                    .setLabelledBy(labelledBy).setSource(FeedbackSource.CURATOR).setLabelledAt(clock.instant())
                    .build();
            chosen.add(feedback);
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (LabelFeedback feedback : chosen) {
            sent.add(producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), feedback.getSampleId(), feedback)));
        }
        for (Future<RecordMetadata> future : sent) {
            future.get();
        }
        return sent.size();
    }
}
