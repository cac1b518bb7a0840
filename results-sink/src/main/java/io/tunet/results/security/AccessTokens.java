package io.tunet.results.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.tunet.results.ResultsConfig;

/**
 * The viewer and curator tokens. Configured tokens are used as given; a missing one is generated at start-up
 * (192 random bits) and logged once, with the dashboard address, so the local stack can print it.
 */
@ApplicationScoped
public class AccessTokens {

    private static final Logger LOG = Logger.getLogger(AccessTokens.class);
    private static final int MIN_LENGTH = 16;

    private final byte[] viewer;
    private final byte[] curator;

    @Inject
    public AccessTokens(ResultsConfig config) {
        String viewerToken = configured("viewer", config.auth().viewerToken());
        String curatorToken = configured("curator", config.auth().curatorToken());
        if (viewerToken.equals(curatorToken)) {
            throw new IllegalArgumentException("results.auth.viewer-token and results.auth.curator-token must differ");
        }
        this.viewer = viewerToken.getBytes(StandardCharsets.UTF_8);
        this.curator = curatorToken.getBytes(StandardCharsets.UTF_8);
    }

    void announce(@Observes StartupEvent event,
                  @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        LOG.infof("Dashboard: http://localhost:%d/#token=%s (viewer token: %s, curator token: %s)", port,
                new String(viewer, StandardCharsets.UTF_8), new String(viewer, StandardCharsets.UTF_8),
                new String(curator, StandardCharsets.UTF_8));
    }

    /** The role a presented token grants, if any; comparisons take the same time whatever the token. */
    public Optional<Role> roleOf(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        boolean isCurator = MessageDigest.isEqual(presented, curator);
        boolean isViewer = MessageDigest.isEqual(presented, viewer);
        if (isCurator) {
            return Optional.of(Role.CURATOR);
        }
        return isViewer ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    private static String configured(String name, Optional<String> token) {
        if (token.isPresent()) {
            String value = token.get().strip();
            if (value.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("results.auth." + name + "-token must have at least " + MIN_LENGTH
                        + " characters");
            }
            return value;
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return name.charAt(0) + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
