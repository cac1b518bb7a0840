package io.tunet.stack.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.tunet.stack.support.PythonClient;

/**
 * The Python client's own unit tests ({@code clients/python/tests}, stdlib unittest), run in the default build so
 * that a change to the schemas or the client that breaks its encoding fails here, not only in the e2e profile.
 * Fails with the apt packages to install when no interpreter has them.
 */
class PythonClientTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void thePythonClientsUnitTestsPass() throws Exception {
        PythonClient python = PythonClient.find();
        PythonClient.Result result = python.unitTests(Duration.ofMinutes(8));
        String where = python.interpreter() + " -m unittest discover (clients/python):\n" + result.output();
        assertThat(result.exitCode()).as(where).isZero();
        Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(result.output());
        assertThat(ran.find()).as(where).isTrue();
        assertThat(Integer.parseInt(ran.group(1))).as("tests run; " + where).isGreaterThan(0);
    }
}
