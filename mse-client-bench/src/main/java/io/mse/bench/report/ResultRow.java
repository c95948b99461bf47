package io.mse.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * One row of a benchmark report, as every part of {@code run-benchmarks} writes it: one line of a
 * {@code *.tsv} file in the results folder, eight tab-separated columns
 * {@code section, metric, ours, theirs, unit, target, met, note}.
 *
 * <p>{@code ours} and {@code theirs} are plain numbers in {@code unit} (a dot as decimal separator),
 * compound figures of numbers joined by {@code /} (such as {@code p50/p99}, or {@code 2/2} delivered of
 * sent; printed as they are, with no ratio), or {@code -} when there is none; {@code target} is free text or {@code -}; {@code met} is {@code yes},
 * {@code no} or {@code -}. No field may hold a tab or a line break. Immutable and thread-safe.
 *
 * @param section the report section the row belongs to (non-blank)
 * @param metric what was measured, in words (non-blank)
 * @param ours mse-client's figure, or {@code -}
 * @param theirs the compared library's figure, or {@code -}
 * @param unit the unit of both figures (non-blank)
 * @param target the target, or {@code -}
 * @param met {@code yes}, {@code no} or {@code -}
 * @param note anything the reader needs to read the row, or {@code -}
 */
public record ResultRow(String section, String metric, String ours, String theirs, String unit, String target,
    String met, String note) {

  /** No value in a column. */
  public static final String NONE = "-";
  private static final List<String> MET_VALUES = List.of("yes", "no", NONE);

  /**
   * Validates every column.
   *
   * @throws IllegalArgumentException when a column is blank or holds a tab or line break, when
   *     {@code ours}/{@code theirs} are neither a number nor {@code -}, or {@code met} is not yes/no/-
   */
  public ResultRow {
    String[] columns = {section, metric, ours, theirs, unit, target, met, note};
    String[] names = {"section", "metric", "ours", "theirs", "unit", "target", "met", "note"};
    for (int i = 0; i < columns.length; i++) {
      Objects.requireNonNull(columns[i], names[i]);
      if (columns[i].isBlank() || columns[i].indexOf('\t') >= 0 || columns[i].indexOf('\n') >= 0
          || columns[i].indexOf('\r') >= 0) {
        throw new IllegalArgumentException(names[i] + " must be non-blank without tabs or line breaks: '"
            + columns[i] + "'");
      }
    }
    requireNumberOrNone("ours", ours);
    requireNumberOrNone("theirs", theirs);
    if (!MET_VALUES.contains(met)) {
      throw new IllegalArgumentException("met must be yes, no or -: '" + met + "'");
    }
  }

  private static void requireNumberOrNone(String name, String value) {
    if (NONE.equals(value)) {
      return;
    }
    for (String part : value.split("/", -1)) {
      if (toNumber(part) == null) {
        throw new IllegalArgumentException(name + " must be a number, numbers joined by '/', or -: '" + value + "'");
      }
    }
  }

  /**
   * Parses one TSV line.
   *
   * @param line eight tab-separated columns
   * @return the row
   * @throws IllegalArgumentException when the line has not exactly eight columns or one is invalid
   */
  public static ResultRow parse(String line) {
    String[] c = line.split("\t", -1);
    if (c.length != 8) {
      throw new IllegalArgumentException("a result row has 8 tab-separated columns, this one " + c.length
          + ": '" + line + "'");
    }
    return new ResultRow(c[0].trim(), c[1].trim(), c[2].trim(), c[3].trim(), c[4].trim(), c[5].trim(),
        c[6].trim(), c[7].trim());
  }

  /** @return the row as one TSV line, without a line break */
  public String toTsv() {
    return String.join("\t", section, metric, ours, theirs, unit, target, met, note);
  }

  /** @return {@code ours} as a number, or null for {@code -} */
  public Double oursValue() {
    return toNumber(ours);
  }

  /** @return {@code theirs} as a number, or null for {@code -} */
  public Double theirsValue() {
    return toNumber(theirs);
  }

  private static Double toNumber(String value) {
    if (NONE.equals(value)) {
      return null;
    }
    try {
      double d = Double.parseDouble(value);
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Formats a figure for a TSV column: up to 4 significant decimals, no exponent.
   *
   * @param value a finite number, or null for none
   * @return the text, or {@code -} for null
   */
  public static String number(Double value) {
    if (value == null) {
      return NONE;
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString();
  }
}
