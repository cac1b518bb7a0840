package io.tunet.results.curation;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 503 with the reason when labels could not be published. */
@Provider
public class FeedbackNotPublishedMapper implements ExceptionMapper<FeedbackNotPublishedException> {

    @Override
    public Response toResponse(FeedbackNotPublishedException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", e.getMessage())).build();
    }
}
