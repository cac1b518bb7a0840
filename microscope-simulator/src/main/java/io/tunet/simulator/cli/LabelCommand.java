package io.tunet.simulator.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.label.LabelPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "label", mixinStandardHelpOptions = true,
        description = "Publish curator labels (LabelFeedback) from a train.csv-style file (Id,Target).")
final class LabelCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--labels", required = true, description = "CSV with header Id,Target; Id is the sample id.")
    Path labels;

    @Option(names = "--fraction", defaultValue = "1.0", description = "Share of rows to label (default: ${DEFAULT-VALUE}).")
    double fraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for choosing the fraction (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--curator", defaultValue = "simulator:curator", description = "Who labelled (default: ${DEFAULT-VALUE}).")
    String curator;

    @Override
    public Integer call() throws Exception {
        try (KafkaProducer<String, LabelFeedback> producer = kafka.producer(Topics.FEEDBACK)) {
            int published = new LabelPublisher(producer, Clock.systemUTC(), curator)
                    .publish(labels, fraction, new SplittableRandom(seed));
            System.out.printf("published %d label records to %s%n", published, Topics.FEEDBACK.name());
        }
        return 0;
    }
}
