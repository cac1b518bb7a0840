package io.tunet.inference.service;

import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for {@link QuarkusExit} in every Quarkus test: records the requested status, the test JVM lives on. */
@Mock
@ApplicationScoped
public class RecordingExit implements ServiceExit {

    private final List<Integer> statuses = new CopyOnWriteArrayList<>();

    @Override
    public void exit(int status) {
        statuses.add(status);
    }

    /** The statuses asked for so far. */
    public List<Integer> statuses() {
        return List.copyOf(statuses);
    }
}
