package io.mse.bench.sidebyside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a side-by-side result, written as TSV with the columns
 * {@code section metric ours theirs unit target met note} ({@code -} for no value), and printed
 * as an aligned summary. Not thread-safe.
 */
public final class ResultTable {

  /** The header line of every TSV this writes. */
  public static final String HEADER = "section\tmetric\tours\ttheirs\tunit\ttarget\tmet\tnote";

  private final List<String[]> rows = new ArrayList<>();

  /**
   * Adds a row; null values become {@code -}; tabs and line breaks in a value become spaces.
   *
   * @param met {@code true}/{@code false} for a target checked, {@code null} for none
   */
  public void add(String section, String metric, String ours, String theirs, String unit, String target, Boolean met,
      String note) {
    rows.add(new String[] {clean(section), clean(metric), clean(ours), clean(theirs), clean(unit), clean(target),
        met == null ? "-" : met ? "yes" : "no", clean(note)});
  }

  private static String clean(String value) {
    return value == null || value.isBlank() ? "-" : value.replaceAll("[\\t\\r\\n]+", " ").strip();
  }

  /** Writes (replaces) {@code file}. */
  public void write(Path file) throws IOException {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (String[] row : rows) {
      out.append(String.join("\t", row)).append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  /** The rows as an aligned text table. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    String section = null;
    for (String[] row : rows) {
      if (!row[0].equals(section)) {
        section = row[0];
        out.append('\n').append("== ").append(section).append('\n');
      }
      out.append(String.format("  %-44s ours %-10s theirs %-10s %-6s target %-14s met %-3s %s%n", row[1], row[2],
          row[3], row[4], row[5], row[6], row[7].equals("-") ? "" : row[7]));
    }
    return out.toString();
  }

  /** Formats a number of milliseconds with one decimal. */
  public static String ms(double millis) {
    return String.format(java.util.Locale.ROOT, "%.1f", millis);
  }
}
