package io.tunet.simulator.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.tunet.imaging.Channel;
import io.tunet.imaging.OmeTiff;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.faults.FaultPlan;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.AcquisitionPublisher;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.HpaDirectorySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "publish-dir", mixinStandardHelpOptions = true,
        description = "Publish every field of an HPA-layout directory (<Id>_red.png …; PNG, TIFF or JPEG, any size; "
                + "or one <Id>.ome.tif per field, its four channels sent as grey PNGs) as four acquisitions; large "
                + "images go through the blob store.")
final class PublishDirCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--data", required = true, description = "HPA-layout directory.")
    Path data;

    @Option(names = "--plate", defaultValue = "HPA", description = "Plate name recorded on the acquisitions (default: ${DEFAULT-VALUE}).")
    String plate;

    @Option(names = "--rate", defaultValue = "0", description = "Fields per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--instrument", defaultValue = "directory-publisher", description = "Instrument id (default: ${DEFAULT-VALUE}).")
    String instrument;

    @Option(names = "--ome-channels", description = "OME-TIFF channel names, e.g. DAPI=blue,GFP=green,Tubulin=red,"
            + "Calreticulin=yellow (default: the stain names red, green, blue, yellow).")
    String omeChannels;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Channel> channelNames;
        try {
            channelNames = omeChannels == null ? OmeTiff.defaultNames() : OmeTiff.parseMapping(omeChannels);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ome-channels: " + e.getMessage());
        }
        HpaDirectorySource source = HpaDirectorySource.open(data, channelNames);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, Acquisition> producer = kafka.producer(Topics.ACQUISITIONS)) {
            AcquisitionPublisher publisher = new AcquisitionPublisher(producer, kafka.blobStore(), kafka.inlineLimit,
                    FaultPlan.none(), Duration.ZERO, new SplittableRandom(0), scheduler, Clock.systemUTC(), instrument);
            RateLimiter limiter = new RateLimiter(rate);
            PlateLayout layout = new PlateLayout(plate, 1);
            int index = 0;
            for (String id : source.ids()) {
                limiter.await(index);
                PlateLayout.Position position = layout.position(index++);
                publisher.publish(new FieldImages(id, position.plate(), position.well(), position.field(),
                        source.read(id), source.labels(id)));
                System.out.println(id + ": " + publisher.summary().progressLine());
            }
            publisher.awaitSent(Duration.ofMinutes(2));
            System.out.print(publisher.summary().report());
            return publisher.summary().errors() == 0 ? 0 : 1;
        } finally {
            scheduler.shutdownNow();
        }
    }
}
