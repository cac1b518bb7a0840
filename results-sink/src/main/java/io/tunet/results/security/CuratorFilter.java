package io.tunet.results.security;

import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** Refuses {@link CuratorOnly} endpoints to callers whose token is not the curator's (403). */
@Provider
@CuratorOnly
@Priority(Priorities.AUTHORIZATION)
public class CuratorFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getProperty(TokenFilter.ROLE_PROPERTY) != Role.CURATOR) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "posting labels needs the curator token"))
                    .build());
        }
    }
}
