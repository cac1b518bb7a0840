package io.tunet.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class IntakeDeathTest {

    @Test
    void shouldExitWithStatusOneWhenTheIntakeThreadDiesWhileTheServiceRuns() throws Exception {
        List<Integer> exits = new ArrayList<>();
        Thread intake = new Thread(() -> {
            throw new IllegalStateException("the data folder's disk is full");
        }, "training-intake");
        intake.setUncaughtExceptionHandler(TrainingService.exitUnlessStopping(() -> false, exits::add));

        intake.start();
        intake.join();

        assertThat(exits).containsExactly(1);
    }

    @Test
    void shouldNotExitWhenTheIntakeFailsWhileTheServiceIsStopping() {
        List<Integer> exits = new ArrayList<>();

        TrainingService.exitUnlessStopping(() -> true, exits::add)
                .uncaughtException(Thread.currentThread(), new IllegalStateException("closing failed"));

        assertThat(exits).isEmpty();
    }
}
