package io.mse.bench.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meters of the one table of {@code docs/metrics.md}: each row's name and the values of its
 * enumerated tags ({@code `kind`=`config`\|`service`}), read from the file itself so that a test
 * checks what the documentation promises.
 */
record DocumentedMeters(String name, String type, Map<String, List<String>> tagValues) {

  private static final Pattern ENUMERATED = Pattern.compile("`([a-z_]+)`=((?:`[a-z_]+`(?:\\\\\\|)?)+)");
  private static final Pattern VALUE = Pattern.compile("`([a-z_]+)`");

  /** Reads the rows of the table whose first cell is a meter ({@code `mse.…`}). */
  static List<DocumentedMeters> read(Path metricsMd) throws IOException {
    List<DocumentedMeters> rows = new ArrayList<>();
    for (String line : Files.readAllLines(metricsMd)) {
      if (!line.startsWith("| `mse.")) {
        continue;
      }
      String[] cells = line.split("(?<!\\\\)\\|");
      String name = cells[1].strip().replace("`", "");
      Map<String, List<String>> tags = new LinkedHashMap<>();
      Matcher m = ENUMERATED.matcher(cells[3]);
      while (m.find()) {
        List<String> values = new ArrayList<>();
        Matcher v = VALUE.matcher(m.group(2));
        while (v.find()) {
          values.add(v.group(1));
        }
        tags.put(m.group(1), values);
      }
      rows.add(new DocumentedMeters(name, cells[2].strip(), tags));
    }
    return rows;
  }
}
