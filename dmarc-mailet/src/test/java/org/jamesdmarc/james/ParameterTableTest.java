package org.jamesdmarc.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.junit.jupiter.api.Test;

/**
 * The parameter table in the {@link DmarcCheck} Javadoc is the one place the check's parameters are documented
 * (see DEVELOPMENT.md): it must name exactly the parameters the code reads, and each default written as a value
 * ({@code {@code 5s}}) must be what the parser uses when the parameter is absent.
 */
class ParameterTableTest {

    private static final Path SOURCES = Path.of("src/main/java/org/jamesdmarc/james");
    private static final Pattern CODE = Pattern.compile("\\{@code ([^}]*)}");

    /** One table row: the parameter names of its first cell and the literal defaults of its third. */
    private record Row(List<String> names, List<String> defaults) {
    }

    @Test
    void theTableNamesEveryParameterTheMailetReadsAndNoOther() throws IOException {
        Set<String> documented = new HashSet<>();
        rows().forEach(r -> documented.addAll(r.names()));

        Set<String> read = new HashSet<>(CheckSettingsParser.PARAMETERS);
        read.add(DmarcCheck.SOFTWARE_HEADER);
        assertThat(documented).isEqualTo(read);
    }

    @Test
    void eachLiteralDefaultIsTheParsersDefault() throws IOException {
        CheckSettings absent = parse(Map.of());
        int checked = 0;
        for (Row row : rows()) {
            if (row.defaults().isEmpty() || !CheckSettingsParser.PARAMETERS.contains(row.names().get(0))) {
                continue; // a default described in words, or softwareHeader (not a CheckSettings field)
            }
            assertThat(row.defaults()).as("defaults of %s", row.names()).hasSameSizeAs(row.names());
            for (int i = 0; i < row.names().size(); i++) {
                String name = row.names().get(i);
                String dflt = row.defaults().get(i);
                assertThat(parse(Map.of(name, dflt))).as("%s given its documented default %s", name, dflt)
                        .isEqualTo(absent);
                checked++;
            }
        }
        assertThat(checked).as("literal defaults checked").isGreaterThanOrEqualTo(10);
    }

    @Test
    void theHookDocumentsItsOwnParametersAndPointsToTheTable() throws IOException {
        String hook = Files.readString(SOURCES.resolve("DmarcMessageHook.java"));
        assertThat(hook).contains("{@code " + DmarcMessageHook.REJECT_FAILURES + "}",
                "{@code " + DmarcMessageHook.TEMP_FAIL_ON_ERROR + "}", "{@link DmarcCheck}");
    }

    private static CheckSettings parse(Map<String, String> parameters) {
        return CheckSettingsParser.parse(name -> Optional.ofNullable(parameters.get(name)), () -> "mx.example.org");
    }

    /** The rows of the parameters table of DmarcCheck's class Javadoc. */
    private static List<Row> rows() throws IOException {
        String source = Files.readString(SOURCES.resolve("DmarcCheck.java"));
        String javadoc = source.substring(0, source.indexOf("public class DmarcCheck"));
        String table = javadoc.substring(javadoc.indexOf("<caption>DmarcCheck parameters</caption>"),
                javadoc.indexOf("</table>")).replaceAll("\\n\\s*\\*\\s*", " ");
        List<Row> rows = new ArrayList<>();
        for (String tr : table.split("<tr>")) {
            if (!tr.startsWith("<td>")) {
                continue;
            }
            String[] cells = tr.split("</td>\\s*<td>");
            List<String> names = codes(cells[0]);
            // A default cell made only of {@code ...} values (joined by ", ") is literal; words describe it.
            String dflt = cells[2].strip();
            List<String> defaults = dflt.replaceAll("\\{@code [^}]*}", "").replace(",", "").isBlank()
                    ? codes(dflt) : List.of();
            rows.add(new Row(names, defaults));
        }
        assertThat(rows).as("rows of the DmarcCheck parameter table").isNotEmpty();
        return rows;
    }

    private static List<String> codes(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
