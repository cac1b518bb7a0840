package io.tunet.results.drift;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.tunet.results.query.InvalidQueryException;
import io.tunet.results.query.Views;

/** The latest drift results (viewer token, like every read). */
@Path("/api/drift")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "results")
@SecurityRequirement(name = "token")
public class DriftResource {

    private static final Logger LOG = Logger.getLogger(DriftResource.class);

    @Inject
    AgroalDataSource dataSource;

    @GET
    @Operation(summary = "Latest drift result per plate, instrument or cell line against the reference of the newest "
            + "model version that classified there: PSI per QC statistic and of the prediction distribution, the "
            + "largest (score) and where it came from (worst), and whether it raised the alarm; alarms first")
    public List<Views.Drift> drift(@QueryParam("scope") @Parameter(description = "plate (default), instrument or "
            + "cell_line (the last two over results.drift.window); another value: 400") String scope) {
        String name = scope == null || scope.isBlank() ? DriftScope.PLATE.key() : scope.strip();
        DriftScope wanted = DriftScope.of(name).orElseThrow(() -> new InvalidQueryException(
                "scope must be one of " + DriftScope.names() + ", was '" + scope + "'"));
        try (Connection c = dataSource.getConnection()) {
            return DriftStore.results(c, wanted);
        } catch (SQLException e) {
            LOG.warnf("drift query failed: %s", e.getMessage());
            throw new ServiceUnavailableException("results database unavailable: " + e.getMessage());
        }
    }
}
