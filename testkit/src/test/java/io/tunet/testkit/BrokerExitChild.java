package io.tunet.testkit;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Exit;

import io.tunet.schemas.topics.Topics;

/**
 * The end of a test JVM, with the race that used to fail forks made to go the losing way every time: every
 * shutdown hook that Kafka's own code registers runs first, then the JVM takes longer to stop than the broker's
 * 5-second checkpoint interval (as Quarkus and DJL shutting down on a loaded 2-core box do), then it exits.
 * Prints the broker's data directory; {@link TestBrokerExitTest} checks the exit status and that the directory
 * is gone.
 */
final class BrokerExitChild {

    public static void main(String[] args) throws Exception {
        List<Runnable> kafkaHooks = new ArrayList<>();
        Exit.setShutdownHookAdder((name, hook) -> kafkaHooks.add(hook));

        TestBroker broker = TestBroker.shared();
        try (KafkaProducer<String, ?> producer = broker.producer(Topics.FEEDBACK)) {
            producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), "exit-child", null)).get();
        }
        System.out.println("DATA " + broker.dataDirectory());

        kafkaHooks.forEach(Runnable::run);
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("EXITING");
        System.exit(0);
    }
}
