package io.tunet.ingest.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import io.tunet.ingest.IngestConfig;

/**
 * Every REST request ({@code /partial-samples}; health and metrics under {@code /q} are not REST resources and stay
 * open) needs {@code Authorization: Bearer <ingest.api.token>}, compared in constant time: 401 without it or with
 * another token, 403 while no token is configured (the API is then off). As the training service's trigger and the
 * results sink's API do it.
 */
// application-scoped, so that it is created on the first request, once the runtime configuration is there
@ApplicationScoped
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiTokenFilter implements ContainerRequestFilter {

    private final Optional<byte[]> token;

    @Inject
    public ApiTokenFilter(IngestConfig config) {
        this.token = config.api().token().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (token.isEmpty()) {
            request.abortWith(error(Response.Status.FORBIDDEN,
                    "the ingest API is off: set ingest.api.token (INGEST_API_TOKEN)").build());
        } else if (!MessageDigest.isEqual(bearer(request), token.get())) {
            request.abortWith(error(Response.Status.UNAUTHORIZED, "a bearer token is required (ingest.api.token)")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ingest-service\"").build());
        }
    }

    private static byte[] bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new byte[0];
        }
        return header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    }

    private static Response.ResponseBuilder error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message));
    }
}
