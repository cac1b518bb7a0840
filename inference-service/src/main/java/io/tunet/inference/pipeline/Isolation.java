package io.tunet.inference.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Per-sample isolation of model failures: {@link #run} gives the whole batch to the model and, when the model
 * throws, splits the batch in halves and runs each half again, halving down to single samples. A sample the model
 * cannot take so costs that sample alone; every other sample of the batch still gets its answer. With one such
 * sample in a batch of n the model is called about 1 + 2·log2(n) times; a failure that does not repeat on the
 * halves costs only the extra calls.
 *
 * <p>Only exceptions are isolated: an {@link Error} (out of memory, say) propagates from the call that threw it.
 * What to do with the samples that failed alone, and when a failure is the model's and not a sample's, is the
 * pipeline's rule (see {@link InferencePipeline}).
 */
final class Isolation {

    private Isolation() {
    }

    /** One model call: an answer per input, in input order. */
    @FunctionalInterface
    interface Model<I, A> {
        List<A> predict(List<I> inputs);
    }

    /**
     * What the model gave a batch.
     *
     * @param answers per input its answer, null where the model failed on it alone
     * @param failures per input what the model threw on it alone, null where it was answered
     * @param batchFailure what the model threw on the whole batch, null if it answered it at once
     */
    record Outcome<A>(List<A> answers, List<RuntimeException> failures, RuntimeException batchFailure) {

        /** How many inputs were answered. */
        int answered() {
            return (int) answers.stream().filter(a -> a != null).count();
        }
    }

    /**
     * Runs {@code inputs} on {@code model}, isolating the inputs it fails on.
     *
     * @throws IllegalArgumentException if there are no inputs
     * @throws IllegalStateException if the model answers a call with another number of answers than inputs
     */
    static <I, A> Outcome<A> run(List<I> inputs, Model<I, A> model) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs");
        }
        List<A> answers = new ArrayList<>(Collections.nCopies(inputs.size(), null));
        List<RuntimeException> failures = new ArrayList<>(Collections.nCopies(inputs.size(), null));
        RuntimeException batchFailure = run(inputs, 0, inputs.size(), model, answers, failures);
        return new Outcome<>(Collections.unmodifiableList(answers), Collections.unmodifiableList(failures),
                batchFailure);
    }

    /** Runs inputs [from, to), and each half of them if the model throws; returns what the first call threw. */
    private static <I, A> RuntimeException run(List<I> inputs, int from, int to, Model<I, A> model, List<A> answers,
            List<RuntimeException> failures) {
        List<A> result;
        try {
            result = model.predict(inputs.subList(from, to));
        } catch (RuntimeException e) {
            if (to - from == 1) {
                failures.set(from, e);
            } else {
                int middle = (from + to) >>> 1;
                run(inputs, from, middle, model, answers, failures);
                run(inputs, middle, to, model, answers, failures);
            }
            return e;
        }
        if (result.size() != to - from) {
            throw new IllegalStateException("the model gave " + result.size() + " answers to " + (to - from)
                    + " inputs");
        }
        for (int i = from; i < to; i++) {
            answers.set(i, result.get(i - from));
        }
        return null;
    }
}
