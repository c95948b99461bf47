package io.mse.bench.report;

import io.mse.bench.sidebyside.ResultTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the benchmark report: every {@code *.tsv} file of a results folder (rows as {@link ResultRow}
 * describes, from any part of {@code run-benchmarks}) as one Markdown document, a table per section
 * with our figure, theirs, the ratio (ours ÷ theirs; below 0.1 written as a fraction, {@code 1/800}), the target and whether it is met, preceded by
 * the JVM, the machine and the run's settings and followed by the list of missed targets.
 *
 * <p>The settings come from {@code meta.txt} in the results folder, one {@code key<TAB>value} per line
 * (written by the script: JMH settings, servers, load), in file order. Files are read in name order;
 * a line that is not a valid row fails the report, naming the file and line. Sections appear in the
 * order {@code read, governed, spring, propagation, footprint}, then any other in order of appearance.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.mse.bench.report.ReportWriter <results-dir> <report.md>}.
 * Not thread-safe; a command-line tool.
 */
public final class ReportWriter {

  private static final Map<String, String> TITLES = new LinkedHashMap<>();

  static {
    TITLES.put("read", "Read path (JMH, average time, `-prof gc`; same real Nacos 2.5.1, nacos-client 2.5.1)");
    TITLES.put("governed", "Governed decision (JMH; Sentinel 1.8.8 and Resilience4j 2.4.0 in the same run)");
    TITLES.put("spring", "Spring `RestClient` through the load balancer (JMH, average time, `-prof gc`)");
    TITLES.put("propagation", "Change propagation (side by side, real servers)");
    TITLES.put("footprint", "Scale and footprint");
  }

  private ReportWriter() {
  }

  /**
   * Reads every {@code *.tsv} file of a folder.
   *
   * @param dir the results folder
   * @return the rows, files in name order, lines in file order (blank lines and lines starting with
   *     {@code #} skipped)
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when a line is not a valid row (names the file and line)
   */
  public static List<ResultRow> readRows(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".tsv")).sorted().toList();
    }
    List<ResultRow> rows = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank() || line.startsWith("#") || line.equals(ResultTable.HEADER)) {
          continue; // comments, and the header line the side-by-side harnesses write first
        }
        try {
          rows.add(ResultRow.parse(line));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
    }
    return rows;
  }

  /**
   * Renders the report.
   *
   * @param rows the rows
   * @param meta the run's settings, in order (key → value)
   * @return the Markdown text
   */
  public static String render(List<ResultRow> rows, Map<String, String> meta) {
    StringBuilder md = new StringBuilder();
    md.append("### Run\n\n");
    for (Map.Entry<String, String> e : meta.entrySet()) {
      md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    Map<String, List<ResultRow>> sections = new LinkedHashMap<>();
    TITLES.keySet().forEach(k -> sections.put(k, new ArrayList<>()));
    rows.forEach(r -> sections.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(r));
    for (Map.Entry<String, List<ResultRow>> section : sections.entrySet()) {
      if (section.getValue().isEmpty()) {
        continue;
      }
      md.append("\n### ").append(TITLES.getOrDefault(section.getKey(), section.getKey())).append("\n\n");
      md.append("| metric | ours | theirs | ours ÷ theirs | target | met | note |\n");
      md.append("| --- | ---: | ---: | ---: | --- | --- | --- |\n");
      for (ResultRow r : section.getValue()) {
        md.append("| ").append(cell(r.metric())).append(" | ").append(figure(r.ours(), r.oursValue(), r.unit()))
            .append(" | ").append(figure(r.theirs(), r.theirsValue(), r.unit())).append(" | ").append(ratio(r))
            .append(" | ").append(cell(r.target())).append(" | ").append(r.met()).append(" | ")
            .append(cell(r.note())).append(" |\n");
      }
    }
    List<ResultRow> missed = rows.stream().filter(r -> r.met().equals("no")).toList();
    md.append("\n### Missed targets\n\n");
    if (missed.isEmpty()) {
      md.append("None.\n");
    }
    for (ResultRow r : missed) {
      md.append("- ").append(r.section()).append(": ").append(cell(r.metric())).append(" — ")
          .append(value(r.oursValue(), r.unit())).append(", target ").append(cell(r.target())).append('\n');
    }
    return md.toString();
  }

  private static String cell(String text) {
    return ResultRow.NONE.equals(text) ? "" : text.replace("|", "\\|");
  }

  private static String ratio(ResultRow r) {
    Double ours = r.oursValue();
    Double theirs = r.theirsValue();
    if (ours == null || theirs == null || theirs == 0 || r.unit().equals("×")) {
      return "";
    }
    if (r.unit().equals("B/op") && ours < 1) {
      return "0×";
    }
    double ratio = ours / theirs;
    // a small ratio reads better as a fraction: 1/800 rather than 0.00125
    return ratio < 0.1 && ratio > 0 ? "1/" + sig(1 / ratio, 2) : sig(ratio, 2) + "×";
  }

  /**
   * Formats a figure with its unit: ns/op as ns, µs, ms or s; B/op as B, KB or MB; anything else as
   * number and unit.
   *
   * @param v the figure, or null
   * @param unit its unit
   * @return the text, empty for null
   */
  /** A figure as written: a number in its unit, or a compound figure such as {@code 99.4/103.9} as it is. */
  private static String figure(String raw, Double v, String unit) {
    if (v == null && !ResultRow.NONE.equals(raw)) {
      return cell(raw) + " " + cell(unit);
    }
    return value(v, unit);
  }

  static String value(Double v, String unit) {
    if (v == null) {
      return "";
    }
    switch (unit) {
      case "ns/op":
        if (v < 1e3) {
          return sig(v, 3) + " ns";
        } else if (v < 1e6) {
          return sig(v / 1e3, 3) + " µs";
        } else if (v < 1e9) {
          return sig(v / 1e6, 3) + " ms";
        }
        return sig(v / 1e9, 3) + " s";
      case "B/op":
        if (v < 1) {
          return "0 B";
        } else if (v < 1024) {
          return Math.round(v) + " B";
        } else if (v < 1024 * 1024) {
          return sig(v / 1024, 3) + " KB";
        }
        return sig(v / 1024 / 1024, 3) + " MB";
      case "×":
        return sig(v, 3) + "×";
      default:
        return sig(v, 4) + " " + unit;
    }
  }

  private static String sig(double v, int digits) {
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }

  /**
   * Reads {@code meta.txt} ({@code key<TAB>value} lines) from the results folder.
   *
   * @return the settings in file order; empty when there is no such file
   * @throws IOException when it cannot be read
   */
  static Map<String, String> readMeta(Path dir) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    Path file = dir.resolve("meta.txt");
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          meta.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
    }
    return meta;
  }

  /**
   * Writes the report of a results folder.
   *
   * @param args the results folder and the Markdown file to write
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ReportWriter <results-dir> <report.md>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    String md = render(readRows(dir), readMeta(dir));
    Files.writeString(Path.of(args[1]), md, StandardCharsets.UTF_8);
    System.out.println("ReportWriter: " + Path.of(args[1]));
  }
}
