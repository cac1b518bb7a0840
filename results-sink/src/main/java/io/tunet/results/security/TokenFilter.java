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
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Every {@code /api} request needs a token in {@code Authorization: Bearer <token>}; no or an unknown token
 * → 401. A token in the address ({@code access_token}) is refused, since addresses end up in access logs,
 * browser history and proxies. The one request a browser cannot add the header to, the live stream's
 * {@code EventSource}, may instead carry {@code ?ticket=} from {@link LiveTickets}: spent on use, and worth
 * viewer rights on {@code GET /api/stream} only. The granted role is left in the request property
 * {@value #ROLE_PROPERTY}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class TokenFilter implements ContainerRequestFilter {

    /** Request property holding the caller's {@link Role}. */
    public static final String ROLE_PROPERTY = "tunet.role";

    private static final String LIVE_STREAM = "api/stream";

    @Inject
    AccessTokens tokens;

    @Inject
    LiveTickets tickets;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = trimSlashes(request.getUriInfo().getPath());
        // deliberately broad: a path such as api;x=1/samples may still reach an /api resource
        if (!path.startsWith("api")) {
            return;
        }
        MultivaluedMap<String, String> query = request.getUriInfo().getQueryParameters();
        if (query.containsKey("access_token")) {
            refuse(request, "a token is not accepted in the address: send it as Authorization: Bearer <token> "
                    + "(the live stream takes ?ticket= from POST /api/live/tickets)");
            return;
        }
        Optional<Role> role = tokens.roleOf(bearer(request));
        if (role.isEmpty() && path.equals(LIVE_STREAM) && "GET".equals(request.getMethod())
                && tickets.redeem(query.getFirst("ticket"))) {
            role = Optional.of(Role.VIEWER);
        }
        if (role.isEmpty()) {
            refuse(request, "a viewer or curator token is required");
            return;
        }
        request.setProperty(ROLE_PROPERTY, role.get());
    }

    private static void refuse(ContainerRequestContext request, String reason) {
        request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"results-sink\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", reason))
                .build());
    }

    private static String bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return null;
    }

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
