package io.tunet.results.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CSV cells of the export: quoted where CSV needs it, never read as a formula by a spreadsheet. */
class CsvCellTest {

    @Test
    void shouldLeavePlainTextAndQuoteSeparatorsAndQuotes() {
        assertThat(ResultsQueries.csv("PLATE-7")).isEqualTo("PLATE-7");
        assertThat(ResultsQueries.csv("Rods & rings")).isEqualTo("Rods & rings");
        assertThat(ResultsQueries.csv("a,b")).isEqualTo("\"a,b\"");
        assertThat(ResultsQueries.csv("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ResultsQueries.csv(null)).isEmpty();
        assertThat(ResultsQueries.csv("")).isEmpty();
    }

    @Test
    void shouldPrefixAQuoteToCellsASpreadsheetWouldRunAsAFormula() {
        assertThat(ResultsQueries.csv("=1+1")).isEqualTo("'=1+1");
        assertThat(ResultsQueries.csv("+1")).isEqualTo("'+1");
        assertThat(ResultsQueries.csv("-2+3")).isEqualTo("'-2+3");
        assertThat(ResultsQueries.csv("@SUM(A1:A9)")).isEqualTo("'@SUM(A1:A9)");
        assertThat(ResultsQueries.csv("\t=1+1")).isEqualTo("'\t=1+1");
        assertThat(ResultsQueries.csv("\r=1+1")).isEqualTo("\"'\r=1+1\"");
        assertThat(ResultsQueries.csv("=HYPERLINK(\"http://evil.example/\",\"open\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"open\"\")\"");
        // only the first character decides: a formula sign inside a name is harmless
        assertThat(ResultsQueries.csv("A=1")).isEqualTo("A=1");
    }
}
