package io.tunet.simulator.faults;

/** What can go wrong with one stain of a field, as real microscopes and networks do. */
public enum Fault {
    /** The stain is never sent. */
    DROP,
    /** The stain is sent twice with identical content. */
    DUPLICATE,
    /** The image bytes are damaged (truncated or overwritten), the header fields left as claimed. */
    CORRUPT,
    /** The stain is sent after the assembly timeout. */
    DELAY,
    /** The stain is sent as a stain the reader does not know. */
    UNKNOWN_STAIN
}
