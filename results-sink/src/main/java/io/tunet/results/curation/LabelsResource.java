package io.tunet.results.curation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.tunet.results.query.InvalidQueryException;
import io.tunet.results.security.CuratorOnly;
import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.LabelFeedback;

/** Curators correct a sample's labels; the labels go out as a LabelFeedback for the training service. */
@Path("/api/samples/{sampleId}/labels")
@Tag(name = "curation")
public class LabelsResource {

    private static final int MAX_TEXT = 200;
    private static final int MAX_COMMENT = 2000;

    @Inject
    FeedbackPublisher publisher;

    /**
     * The labels a curator sets.
     *
     * @param labels    class indices 0..27 (at least one; duplicates are merged)
     * @param curator   who labels (free text, shown in the history)
     * @param comment   optional note
     */
    public record LabelRequest(List<Integer> labels, String curator, String comment) {
    }

    @POST
    @CuratorOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a sample's labels (curator token); published to the feedback topic, 202 when acknowledged")
    public Response label(@PathParam("sampleId") String sampleId, LabelRequest request) {
        if (sampleId == null || sampleId.isBlank() || sampleId.length() > MAX_TEXT) {
            throw new InvalidQueryException("sample id must be 1.." + MAX_TEXT + " characters");
        }
        if (request == null || request.labels() == null || request.labels().isEmpty()) {
            throw new InvalidQueryException("labels must list at least one class index 0.." + (HpaClasses.COUNT - 1));
        }
        TreeSet<Integer> labels = new TreeSet<>();
        for (Integer label : request.labels()) {
            if (label == null || !HpaClasses.isValid(label)) {
                throw new InvalidQueryException("label " + label + " is outside 0.." + (HpaClasses.COUNT - 1));
            }
            labels.add(label);
        }
        String curator = request.curator() == null || request.curator().isBlank() ? "curator" : request.curator().strip();
        if (curator.length() > MAX_TEXT) {
            throw new InvalidQueryException("curator must be at most " + MAX_TEXT + " characters");
        }
        if (request.comment() != null && request.comment().length() > MAX_COMMENT) {
            throw new InvalidQueryException("comment must be at most " + MAX_COMMENT + " characters");
        }
        LabelFeedback feedback = LabelFeedback.newBuilder()
                .setFeedbackId(UUID.randomUUID().toString())
                .setSampleId(sampleId)
                .setLabels(List.copyOf(labels))
                .setLabelledBy(curator)
                .setSource(FeedbackSource.CURATOR)
                .setComment(request.comment() == null || request.comment().isBlank() ? null : request.comment().strip())
                .setLabelledAt(Instant.now())
                .build();
        publisher.publish(feedback);
        return Response.accepted(Map.of("feedbackId", feedback.getFeedbackId(), "sampleId", sampleId,
                "labels", feedback.getLabels())).build();
    }
}
