package io.tunet.gateway;

/** Ends the process with a status; a bean, so tests can stand in for it instead of ending the test JVM. */
public interface ServiceExit {

    /** Starts an orderly shutdown (shutdown observers run) and ends the process with {@code status}. */
    void exit(int status);
}
