package io.tunet.results.security;

import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Every {@code /api} request needs a token: {@code Authorization: Bearer <token>}, or for GET requests the
 * {@code access_token} query parameter (browsers cannot set headers on an {@code EventSource} or an
 * {@code <img>}). No or an unknown token → 401. The granted role is left in the request property
 * {@value #ROLE_PROPERTY}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class TokenFilter implements ContainerRequestFilter {

    /** Request property holding the caller's {@link Role}. */
    public static final String ROLE_PROPERTY = "tunet.role";

    @Inject
    AccessTokens tokens;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api") && !path.startsWith("api")) {
            return;
        }
        Optional<Role> role = tokens.roleOf(token(request));
        if (role.isEmpty()) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"results-sink\"")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "a viewer or curator token is required"))
                    .build());
            return;
        }
        request.setProperty(ROLE_PROPERTY, role.get());
    }

    private static String token(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        if ("GET".equals(request.getMethod())) {
            return request.getUriInfo().getQueryParameters().getFirst("access_token");
        }
        return null;
    }
}
