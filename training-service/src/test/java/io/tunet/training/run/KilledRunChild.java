package io.tunet.training.run;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.TrainingListener;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.promotion.GateSettings;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The process {@link KilledRunTest} kills: starts a long run on the given data and prints {@code TRAINING}
 * once the first optimiser step is done. Arguments: data directory, blob-store root, bootstrap servers, model.
 */
public final class KilledRunChild {

    private KilledRunChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[2]);
        DatasetIndex index = DatasetIndex.open(data);
        TrainingRunner runner = new TrainingRunner(data, index, new LocalDirectoryBlobStore(Path.of(args[1])),
                ModelRegistryView.load(args[3], client, Duration.ofSeconds(30)),
                new ModelPublisher(client, "killed-run-" + args[3]), Clock.systemUTC());
        RunSettings settings = new RunSettings(args[3],
                NetworkSpec.tunet(new TunetConfig(EasyFields.SIZE, 16, 2, 0.1f, false)),
                new TrainerSettings(1000, 4, 3e-3f, 1000, false, 3), 0.3, 0.2, WarmStart.OFF, new GateSettings(0.005, 0.05), 4);
        runner.run("killed-run", "test", settings, new TrainingListener() {
            @Override
            public void step(StepProgress progress) {
                if (progress.epoch() == 1 && progress.step() == 1) {
                    System.out.println("TRAINING");
                    System.out.flush();
                }
            }
        }, () -> false);
        System.out.println("FINISHED");
    }
}
