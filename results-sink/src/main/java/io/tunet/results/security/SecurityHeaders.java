package io.tunet.results.security;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every HTTP response: dashboard, API, errors and Quarkus' own endpoints alike. The
 * dashboard runs under a content security policy that allows only its own files (no inline script or style,
 * no other origin), so text from a Kafka record that reached the page as markup could not run; no page may be
 * framed (clickjacking on the curator form); no response is sniffed into another type; and no address, which
 * could carry a plate or sample id, leaves in a {@code Referer}.
 */
@Singleton
public class SecurityHeaders {

    /** The policy of every response but Swagger UI's. */
    public static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /**
     * Swagger UI's page configures itself in inline scripts whose text depends on configuration, so it alone
     * allows inline script and style; it shows only the OpenAPI document, and its calls still need a token.
     */
    static final String SWAGGER_UI_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private static final String SWAGGER_UI_PATH = "/q/swagger-ui";

    void register(@Observes Filters filters) {
        // highest priority: runs before every route, static files and the 404 answer included
        filters.register(this::addHeaders, Integer.MAX_VALUE);
    }

    private void addHeaders(RoutingContext context) {
        String path = context.normalizedPath();
        String policy = path.equals(SWAGGER_UI_PATH) || path.startsWith(SWAGGER_UI_PATH + "/")
                ? SWAGGER_UI_POLICY : POLICY;
        // set when the headers go out, so that no handler's reset can drop them
        context.addHeadersEndHandler(ignored -> {
            MultiMap headers = context.response().headers();
            headers.set("Content-Security-Policy", policy);
            headers.set("X-Frame-Options", "DENY");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
        });
        context.next();
    }
}
