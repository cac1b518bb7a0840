package io.tunet.results.security;

/** What a token allows. A curator may do everything a viewer may. */
public enum Role {
    VIEWER,
    CURATOR
}
