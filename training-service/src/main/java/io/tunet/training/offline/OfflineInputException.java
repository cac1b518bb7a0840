package io.tunet.training.offline;

/** Input the offline trainer cannot use (label file, image, option); the message names the file and problem. */
public final class OfflineInputException extends Exception {

    public OfflineInputException(String message) {
        super(message);
    }
}
