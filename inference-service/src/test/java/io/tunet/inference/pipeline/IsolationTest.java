package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Bisection of a failing batch down to the inputs the model fails on alone. */
class IsolationTest {

    private final List<List<Integer>> calls = new ArrayList<>();

    /** A model that doubles its inputs and throws on any call holding one of {@code poison}. */
    private Isolation.Model<Integer, Integer> failingOn(Set<Integer> poison) {
        return inputs -> {
            calls.add(List.copyOf(inputs));
            inputs.stream().filter(poison::contains).findFirst().ifPresent(p -> {
                throw new IllegalArgumentException("cannot take " + p);
            });
            return inputs.stream().map(i -> 2 * i).toList();
        };
    }

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void shouldAnswerAHealthyBatchInOneCall() {
        Isolation.Outcome<Integer> outcome = Isolation.run(upTo(8), failingOn(Set.of()));

        assertThat(outcome.answers()).containsExactly(0, 2, 4, 6, 8, 10, 12, 14);
        assertThat(outcome.failures()).containsOnlyNulls();
        assertThat(outcome.batchFailure()).isNull();
        assertThat(calls).hasSize(1);
    }

    @Test
    void shouldIsolateTheOneInputTheModelFailsOnAndAnswerEveryOther() {
        Isolation.Outcome<Integer> outcome = Isolation.run(upTo(8), failingOn(Set.of(5)));

        assertThat(outcome.answered()).isEqualTo(7);
        assertThat(outcome.answers()).containsExactly(0, 2, 4, 6, 8, null, 12, 14);
        assertThat(outcome.failures().get(5)).hasMessage("cannot take 5");
        assertThat(outcome.failures()).filteredOn(f -> f != null).hasSize(1);
        assertThat(outcome.batchFailure()).hasMessage("cannot take 5");
        // the batch, then both halves of the failing part at each of three levels: 1 + 2·log2(8)
        assertThat(calls).containsExactly(upTo(8), List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(4, 5),
                List.of(4), List.of(5), List.of(6, 7));
    }

    @Test
    void shouldIsolateSeveralInputsInABatchOfOddSize() {
        Isolation.Outcome<Integer> outcome = Isolation.run(upTo(7), failingOn(Set.of(0, 6)));

        assertThat(outcome.answers()).containsExactly(null, 2, 4, 6, 8, 10, null);
        assertThat(outcome.failures().get(0)).hasMessage("cannot take 0");
        assertThat(outcome.failures().get(6)).hasMessage("cannot take 6");
        assertThat(outcome.answered()).isEqualTo(5);
    }

    @Test
    void shouldAnswerEveryInputWhenTheFailureDoesNotRepeatOnTheHalves() {
        Isolation.Model<Integer, Integer> flaky = inputs -> {
            calls.add(List.copyOf(inputs));
            if (calls.size() == 1) {
                throw new IllegalStateException("transient");
            }
            return inputs.stream().map(i -> 2 * i).toList();
        };

        Isolation.Outcome<Integer> outcome = Isolation.run(upTo(4), flaky);

        assertThat(outcome.answers()).containsExactly(0, 2, 4, 6);
        assertThat(outcome.failures()).containsOnlyNulls();
        assertThat(outcome.batchFailure()).hasMessage("transient");
        assertThat(calls).containsExactly(upTo(4), List.of(0, 1), List.of(2, 3));
    }

    @Test
    void shouldFailEveryInputAloneWhenTheModelFailsOnEverything() {
        Isolation.Outcome<Integer> outcome = Isolation.run(upTo(4), failingOn(Set.copyOf(upTo(4))));

        assertThat(outcome.answered()).isZero();
        assertThat(outcome.failures()).extracting(Throwable::getMessage)
                .containsExactly("cannot take 0", "cannot take 1", "cannot take 2", "cannot take 3");
    }

    @Test
    void shouldLetAnErrorThroughInsteadOfIsolatingIt() {
        Isolation.Model<Integer, Integer> outOfMemory = inputs -> {
            calls.add(List.copyOf(inputs));
            throw new OutOfMemoryError("native arena");
        };

        assertThatThrownBy(() -> Isolation.run(upTo(4), outOfMemory)).isInstanceOf(OutOfMemoryError.class);
        assertThat(calls).hasSize(1);
    }

    @Test
    void shouldRefuseAModelThatAnswersAnotherNumberOfInputs() {
        Isolation.Model<Integer, Integer> answersOneTooFew = inputs -> inputs.subList(1, inputs.size());

        assertThatThrownBy(() -> Isolation.run(upTo(3), answersOneTooFew)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 answers to 3 inputs");
    }
}
