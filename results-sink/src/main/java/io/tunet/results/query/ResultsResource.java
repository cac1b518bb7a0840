package io.tunet.results.query;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.tunet.results.ResultsConfig;
import io.tunet.results.security.TokenFilter;

/**
 * The query API over stored results. Every endpoint needs the viewer (or curator) token; pages are
 * zero-based and at most {@code results.query.max-page-size} rows long; times are ISO-8601 instants.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "results", description = "Stored samples, predictions, masks, plates, models and incidents")
@SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "viewer token for reads, curator token for labels")
@SecurityRequirement(name = "token")
public class ResultsResource {

    private static final Logger LOG = Logger.getLogger(ResultsResource.class);
    private static final String DEFAULT_PAGE_SIZE = "50";
    private static final String FLAG_DOC = "predictions whose field QC raised this flag: EMPTY, OUT_OF_FOCUS, "
            + "SATURATED, DIM_RED, DIM_GREEN, DIM_BLUE or DIM_YELLOW (another value: 400)";

    @Inject
    ResultsQueries queries;

    @Inject
    ResultsConfig config;

    @GET
    @Path("/whoami")
    @Operation(summary = "The role the presented token grants: VIEWER or CURATOR")
    public Map<String, Object> whoami(@Context ContainerRequestContext request) {
        return Map.of("role", request.getProperty(TokenFilter.ROLE_PROPERTY));
    }

    @GET
    @Path("/samples")
    @Operation(summary = "Samples, newest first, each with its latest prediction")
    public Page<Views.SampleSummary> samples(@QueryParam("plate") String plate, @QueryParam("well") String well,
                                             @QueryParam("from") @Parameter(description = "first seen at or after (ISO-8601)") String from,
                                             @QueryParam("to") @Parameter(description = "first seen before (ISO-8601)") String to,
                                             @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        ResultFilter filter = ResultFilter.ofSamples(plate, well, from, to);
        return database(() -> queries.samples(filter, page(page), size(size)));
    }

    @GET
    @Path("/samples/{sampleId}")
    @Operation(summary = "One sample with every model version's prediction and the curators' labels")
    public Views.SampleDetail sample(@PathParam("sampleId") String sampleId) {
        return database(() -> queries.sample(sampleId))
                .orElseThrow(() -> new NotFoundException("no sample " + sampleId));
    }

    @GET
    @Path("/samples/{sampleId}/thumbnail")
    @Produces("image/png")
    @Operation(summary = "Composite of the four stains (red microtubules, green protein, blue nucleus, yellow ER)")
    public Response thumbnail(@PathParam("sampleId") String sampleId) {
        byte[] png = database(() -> queries.thumbnail(sampleId))
                .orElseThrow(() -> new NotFoundException("no thumbnail for sample " + sampleId));
        return Response.ok(png, "image/png").header("Cache-Control", "private, max-age=3600").build();
    }

    @GET
    @Path("/samples/{sampleId}/masks")
    @Operation(summary = "Run-length encoded masks (row-major, alternating background/foreground runs, background first)")
    public Views.MaskSet masks(@PathParam("sampleId") String sampleId,
                               @QueryParam("modelVersion") @Parameter(description = "default: the latest prediction's") Long modelVersion) {
        return database(() -> queries.masks(sampleId, modelVersion))
                .orElseThrow(() -> new NotFoundException("no masks for sample " + sampleId));
    }

    @GET
    @Path("/predictions")
    @Operation(summary = "Predictions, newest first, by plate / well / sample / class / model version / time range / "
            + "QC flag; each with its field QC (null when the record carried none)")
    public Page<Views.Prediction> predictions(@QueryParam("plate") String plate, @QueryParam("well") String well,
                                              @QueryParam("sampleId") String sampleId,
                                              @QueryParam("class") @Parameter(description = "class index 0..27 among the predicted labels") Integer classIndex,
                                              @QueryParam("modelName") String modelName,
                                              @QueryParam("modelVersion") Long modelVersion,
                                              @QueryParam("from") @Parameter(description = "classified at or after (ISO-8601)") String from,
                                              @QueryParam("to") @Parameter(description = "classified before (ISO-8601)") String to,
                                              @QueryParam("flag") @Parameter(description = FLAG_DOC) String flag,
                                              @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        ResultFilter filter = ResultFilter.of(plate, well, sampleId, classIndex, modelName, modelVersion, from, to,
                flag);
        return database(() -> queries.predictions(filter, page(page), size(size)));
    }

    @GET
    @Path("/predictions.csv")
    @Produces("text/csv")
    @Operation(summary = "The same predictions as CSV, oldest first, up to results.query.max-csv-rows rows "
            + "(header X-Truncated: true when there were more)")
    public Response predictionsCsv(@QueryParam("plate") String plate, @QueryParam("well") String well,
                                   @QueryParam("sampleId") String sampleId, @QueryParam("class") Integer classIndex,
                                   @QueryParam("modelName") String modelName, @QueryParam("modelVersion") Long modelVersion,
                                   @QueryParam("from") String from, @QueryParam("to") String to,
                                   @QueryParam("flag") @Parameter(description = FLAG_DOC) String flag) {
        ResultFilter filter = ResultFilter.of(plate, well, sampleId, classIndex, modelName, modelVersion, from, to,
                flag);
        int limit = config.query().maxCsvRows();
        long total = database(() -> queries.countPredictions(filter));
        StreamingOutput body = output -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            try {
                queries.exportCsv(filter, limit, writer);
            } catch (SQLException e) {
                throw new ServiceUnavailableException("results database unavailable: " + e.getMessage());
            }
            writer.flush();
        };
        return Response.ok(body, "text/csv")
                .header("Content-Disposition", "attachment; filename=\"predictions.csv\"")
                .header("X-Truncated", Boolean.toString(total > limit))
                .build();
    }

    @GET
    @Path("/plates")
    @Operation(summary = "Plates with results, most recently active first, each with its drift (score, worst "
            + "statistic, alarm; null until scored, see /api/drift)")
    public List<Views.Plate> plates() {
        return database(queries::plates);
    }

    @GET
    @Path("/plates/{plate}")
    @Operation(summary = "Per-well summary: dominant class (highest mean probability) and its mean probability; the "
            + "plate's drift (null until scored)")
    public Views.PlateSummary plate(@PathParam("plate") String plate) {
        String wanted = ResultFilter.requirePlate(plate);
        return database(() -> queries.plate(wanted));
    }

    @GET
    @Path("/classes/frequency")
    @Operation(summary = "For each class, how many samples' latest prediction carries it")
    public List<Views.ClassCount> classFrequency(@QueryParam("plate") String plate) {
        String wanted = plate == null || plate.isBlank() ? null : ResultFilter.requirePlate(plate.strip());
        return database(() -> queries.classFrequency(wanted));
    }

    @GET
    @Path("/models")
    @Operation(summary = "Every model version with its metrics and status history, newest first")
    public List<Views.ModelVersion> models() {
        return database(() -> queries.models(null));
    }

    @GET
    @Path("/models/{modelName}/history")
    @Operation(summary = "The versions of one model with their metrics and status history")
    public List<Views.ModelVersion> modelHistory(@PathParam("modelName") String modelName) {
        return database(() -> queries.models(modelName));
    }

    @GET
    @Path("/incidents")
    @Operation(summary = "Incomplete samples, dead letters, records the sink could not use and plate drift alarms, "
            + "newest first")
    public Page<Views.Incident> incidents(@QueryParam("kind") @Parameter(description = "INCOMPLETE_SAMPLE, DEAD_LETTER, "
                                                  + "UNDECODABLE, INVALID_RECORD, THUMBNAIL_UNAVAILABLE or DRIFT") String kind,
                                          @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        String wanted = kind == null || kind.isBlank() ? null : kind.strip();
        if (wanted != null && !wanted.matches("[A-Z_]{1,40}")) {
            throw new InvalidQueryException("kind must be an incident kind such as DEAD_LETTER, was '" + kind + "'");
        }
        return database(() -> queries.incidents(wanted, page(page), size(size)));
    }

    private int page(Integer page) {
        int value = page == null ? 0 : page;
        if (value < 0 || value > 1_000_000) {
            throw new InvalidQueryException("page must be 0..1000000, was " + value);
        }
        return value;
    }

    private int size(Integer size) {
        int value = size == null ? Integer.parseInt(DEFAULT_PAGE_SIZE) : size;
        int max = config.query().maxPageSize();
        if (value < 1 || value > max) {
            throw new InvalidQueryException("size must be 1.." + max + ", was " + value);
        }
        return value;
    }

    private static <T> T database(SqlCall<T> call) {
        try {
            return call.get();
        } catch (SQLException e) {
            LOG.warnf("query failed: %s", e.getMessage());
            throw new ServiceUnavailableException("results database unavailable: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T get() throws SQLException;
    }
}
