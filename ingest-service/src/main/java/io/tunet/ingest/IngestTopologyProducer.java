package io.tunet.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.Topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunet.ingest.assembly.AssemblyTopology;

/** Hands the ingest topology to the Quarkus Kafka Streams extension, which runs it. */
@ApplicationScoped
public class IngestTopologyProducer {

    // Dependent scope: Kafka Streams reads the Topology's fields directly, so it must not be a client proxy.
    @Produces
    Topology topology(IngestConfig config, MeterRegistry registry) {
        return AssemblyTopology.build(config, registry);
    }
}
