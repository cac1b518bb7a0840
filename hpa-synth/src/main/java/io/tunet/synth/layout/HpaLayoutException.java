package io.tunet.synth.layout;

import java.io.IOException;

/** An HPA-layout directory that cannot be read or written: names the file and the reason. */
public class HpaLayoutException extends IOException {

    public HpaLayoutException(String message) {
        super(message);
    }

    public HpaLayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
