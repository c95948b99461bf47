package io.mse.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Turns JMH's JSON results ({@code -rf json}) of the side-by-side benchmarks into report rows
 * ({@link ResultRow}): each of our figures beside the compared library's from the same run, with its
 * target and whether it is met.
 *
 * <p>Pairs it knows (simple class name + method; a pair missing from the input gives no row):
 * <ul>
 *   <li>section {@code read}: {@code NacosSideBySideReadBenchmark.ours*} beside {@code nacos*} for
 *       {@code GetConfigListened} (at the smallest {@code instances} measured) and, per {@code instances}
 *       value, {@code GetAllInstances}, {@code SelectInstancesHealthy}, {@code SelectOneHealthyInstance};
 *       ns/op and, when run with {@code -prof gc}, B/op.</li>
 *   <li>section {@code governed}: {@code GovernedDecisionBenchmark.governedDecision} beside
 *       {@code GuardBaselineBenchmark.sentinelEntryExit} and {@code resilience4jDirectTimed}, per thread
 *       count, in average time (ns/op, B/op) and throughput (Mops/s), and the 2-thread ÷ 1-thread
 *       throughput of ours beside Sentinel's (met at {@value #NO_LOSS} or more).</li>
 *   <li>section {@code spring}: {@code SpringRestClientBenchmark.governedRestClient} beside
 *       {@code plainLoadBalancedRestClient}.</li>
 * </ul>
 * Average times are converted to ns/op and throughputs to Mops/s (operations per microsecond),
 * whatever time unit JMH used. An allocation below 1 B/op counts as 0 B/op: it is JMH's per-operation
 * share of the harness's own rare allocations, not an allocation per call.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.mse.bench.report.JmhToRows <out.tsv> <jmh.json>...}. Not
 * thread-safe; a command-line tool.
 */
public final class JmhToRows {

  static final String READ = "read";
  static final String GOVERNED = "governed";
  static final String SPRING = "spring";
  private static final String READ_CLASS = "NacosSideBySideReadBenchmark.";
  private static final String OURS_DECISION = "GovernedDecisionBenchmark.governedDecision";
  private static final String SENTINEL = "GuardBaselineBenchmark.sentinelEntryExit";
  private static final String R4J_TIMED = "GuardBaselineBenchmark.resilience4jDirectTimed";
  private static final String SPRING_OURS = "SpringRestClientBenchmark.governedRestClient";
  private static final String SPRING_THEIRS = "SpringRestClientBenchmark.plainLoadBalancedRestClient";

  private JmhToRows() {
  }

  /**
   * One JMH result, normalised.
   *
   * @param benchmark simple class name and method, e.g. {@code GuardBaselineBenchmark.sentinelEntryExit}
   * @param mode JMH's mode ({@code avgt}, {@code thrpt}, ...)
   * @param threads the thread count
   * @param params the {@code @Param} values by name (empty when none)
   * @param score the primary score: ns/op for {@code avgt}, Mops/s for {@code thrpt}
   * @param bytesPerOp {@code gc.alloc.rate.norm} in B/op, or null when run without {@code -prof gc}
   */
  public record Result(String benchmark, String mode, int threads, Map<String, String> params, double score,
      Double bytesPerOp) {
    public Result {
      params = Map.copyOf(params);
    }
  }

  /** A target: its text and the test of (ours, theirs); theirs may be null. */
  record Target(String text, BiPredicate<Double, Double> test) {
    static final Target NONE = new Target(ResultRow.NONE, null);

    static Target atMost(double limit, String text) {
      return new Target(text, (ours, theirs) -> ours <= limit);
    }

    static Target ratioAtMost(double ratio, String text) {
      return new Target(text, (ours, theirs) -> theirs != null && ours <= ratio * theirs);
    }

    String met(Double ours, Double theirs) {
      if (test == null || ours == null) {
        return ResultRow.NONE;
      }
      return test.test(ours, theirs) ? "yes" : "no";
    }
  }

  /** Two threads' total throughput over one thread's at or above this is "no loss" (JMH's run-to-run noise). */
  static final double NO_LOSS = 0.95;
  private static final Target ZERO_ALLOC = Target.atMost(0.999, "0 B/op");

  /**
   * Reads one JMH JSON result file.
   *
   * @param json a file written by JMH with {@code -rf json}
   * @return its results, in file order
   * @throws IOException when the file cannot be read or is not JMH's JSON (an array of results)
   */
  public static List<Result> read(Path json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(json + " is not JMH's JSON result (an array)");
    }
    List<Result> results = new ArrayList<>();
    for (JsonNode node : root) {
      String full = node.path("benchmark").asText();
      String[] parts = full.split("\\.");
      if (parts.length < 2) {
        throw new IOException(json + ": a result without a benchmark name: " + full);
      }
      String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
      String mode = node.path("mode").asText();
      Map<String, String> params = new TreeMap<>();
      node.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      JsonNode primary = node.path("primaryMetric");
      double score = normalise(primary.path("score").asDouble(), primary.path("scoreUnit").asText(), full);
      JsonNode norm = node.path("secondaryMetrics").path("gc.alloc.rate.norm");
      Double bytes = norm.isMissingNode() ? null : norm.path("score").asDouble();
      results.add(new Result(name, mode, node.path("threads").asInt(1), params, score, bytes));
    }
    return results;
  }

  /**
   * Converts a score to ns/op (time per operation) or Mops/s (operations per time).
   *
   * @throws IllegalArgumentException for a unit that is neither
   */
  static double normalise(double score, String unit, String benchmark) {
    String[] u = unit.split("/");
    if (u.length == 2 && u[1].equals("op")) {
      return score * nanos(u[0], unit, benchmark);
    }
    if (u.length == 2 && u[0].equals("ops")) {
      return score / nanos(u[1], unit, benchmark) * 1_000;
    }
    throw new IllegalArgumentException(benchmark + ": unknown score unit '" + unit + "'");
  }

  private static double nanos(String timeUnit, String unit, String benchmark) {
    return switch (timeUnit) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "min" -> 60e9;
      default -> throw new IllegalArgumentException(benchmark + ": unknown score unit '" + unit + "'");
    };
  }

  /**
   * Pairs the results into report rows (see the class comment for the pairs).
   *
   * @param results results from one or more JMH runs; when one benchmark/mode/threads/params
   *     appears twice the later wins
   * @return the rows, section by section
   */
  public static List<ResultRow> rows(List<Result> results) {
    Index index = new Index(results);
    List<ResultRow> rows = new ArrayList<>();
    readRows(index, rows);
    governedRows(index, rows);
    springRows(index, rows);
    return rows;
  }

  private static void readRows(Index index, List<ResultRow> rows) {
    Target fifty = Target.atMost(50, "≤ 50 ns");
    TreeSet<Integer> sizes = new TreeSet<>();
    for (Result r : index.all) {
      if (r.benchmark().startsWith(READ_CLASS) && r.params().containsKey("instances")) {
        sizes.add(Integer.parseInt(r.params().get("instances")));
      }
    }
    for (int n : sizes) {
      Map<String, String> p = Map.of("instances", String.valueOf(n));
      Result ours = index.get(READ_CLASS + "oursGetConfigListened", "avgt", 1, p);
      if (ours != null) {
        pair(rows, READ, "listened getConfig (1 KiB)", ours,
            index.get(READ_CLASS + "nacosGetConfigListened", "avgt", 1, p), fifty, ZERO_ALLOC,
            "nacos-client asks the server on every call (5 calls/s per key limiter)");
        break;
      }
    }
    String[][] ops = {
        {"GetAllInstances", "getAllInstances", "-"},
        {"SelectInstancesHealthy", "selectInstances(healthy)", "-"},
        {"SelectOneHealthyInstance", "selectOneHealthyInstance (weighted)", "target"}};
    for (int n : sizes) {
      Map<String, String> p = Map.of("instances", String.valueOf(n));
      for (String[] op : ops) {
        Result ours = index.get(READ_CLASS + "ours" + op[0], "avgt", 1, p);
        if (ours == null) {
          continue;
        }
        boolean targeted = op[2].equals("target");
        pair(rows, READ, op[1] + ", " + n + " instances", ours, index.get(READ_CLASS + "nacos" + op[0], "avgt", 1, p),
            targeted ? fifty : Target.NONE, targeted ? ZERO_ALLOC : Target.NONE, "subscribed, from cache");
      }
    }
  }

  private static void governedRows(Index index, List<ResultRow> rows) {
    TreeSet<Integer> threads = new TreeSet<>();
    for (Result r : index.all) {
      if (r.benchmark().equals(OURS_DECISION)) {
        threads.add(r.threads());
      }
    }
    Map<String, String> none = Map.of();
    for (int t : threads) {
      String at = t + (t == 1 ? " thread" : " threads");
      Result ours = index.get(OURS_DECISION, "avgt", t, none);
      if (ours != null) {
        pair(rows, GOVERNED, "decision vs Sentinel entry/exit (flow + degrade rules), " + at, ours,
            index.get(SENTINEL, "avgt", t, none), Target.ratioAtMost(1 / 3.0, "≤ ⅓ of Sentinel"), Target.NONE,
            "route + balance + rate-limit + breaker permit + timed success");
        Result r4j = index.get(R4J_TIMED, "avgt", t, none);
        rows.add(new ResultRow(GOVERNED, "decision vs Resilience4j direct (timed), " + at,
            ResultRow.number(ours.score()), r4j == null ? ResultRow.NONE : ResultRow.number(r4j.score()), "ns/op",
            "≤ 1.15 × Resilience4j", Target.ratioAtMost(1.15, "").met(ours.score(), r4j == null ? null : r4j.score()),
            "the floor: RateLimiter + CircuitBreaker called directly, call timed"));
      }
      Result oursThrpt = index.get(OURS_DECISION, "thrpt", t, none);
      if (oursThrpt != null) {
        Result sentinel = index.get(SENTINEL, "thrpt", t, none);
        Result r4j = index.get(R4J_TIMED, "thrpt", t, none);
        rows.add(new ResultRow(GOVERNED, "decision throughput vs Sentinel, " + at, ResultRow.number(oursThrpt.score()),
            sentinel == null ? ResultRow.NONE : ResultRow.number(sentinel.score()), "Mops/s", ResultRow.NONE,
            ResultRow.NONE, r4j == null ? ResultRow.NONE : "Resilience4j direct (timed): "
                + ResultRow.number(r4j.score()) + " Mops/s"));
      }
    }
    Result ours1 = index.get(OURS_DECISION, "thrpt", 1, none);
    Result ours2 = index.get(OURS_DECISION, "thrpt", 2, none);
    if (ours1 != null && ours2 != null) {
      Double theirs = ratio(index.get(SENTINEL, "thrpt", 2, none), index.get(SENTINEL, "thrpt", 1, none));
      Double r4j = ratio(index.get(R4J_TIMED, "thrpt", 2, none), index.get(R4J_TIMED, "thrpt", 1, none));
      double oursRatio = ours2.score() / ours1.score();
      rows.add(new ResultRow(GOVERNED, "throughput at 2 threads ÷ at 1 thread (ours vs Sentinel)",
          ResultRow.number(oursRatio), ResultRow.number(theirs), "×", "≥ 0.95 (no loss at 2 threads, 5% noise)",
          oursRatio >= NO_LOSS ? "yes" : "no",
          r4j == null ? ResultRow.NONE : "Resilience4j direct (timed): " + ResultRow.number(r4j) + " ×"));
    }
  }

  private static void springRows(Index index, List<ResultRow> rows) {
    TreeSet<Integer> threads = new TreeSet<>();
    for (Result r : index.all) {
      if (r.benchmark().equals(SPRING_OURS)) {
        threads.add(r.threads());
      }
    }
    for (int t : threads) {
      Result ours = index.get(SPRING_OURS, "avgt", t, Map.of());
      if (ours != null) {
        pair(rows, SPRING, "RestClient call via mse governed LB vs plain Spring Cloud LoadBalancer, " + t
            + (t == 1 ? " thread" : " threads"), ours, index.get(SPRING_THEIRS, "avgt", t, Map.of()), Target.NONE,
            Target.NONE, "in-memory transport (no socket): the client-side path only");
      }
    }
  }

  private static Double ratio(Result a, Result b) {
    return a == null || b == null ? null : a.score() / b.score();
  }

  /** A time row and, when both were measured with -prof gc, an allocation row. */
  private static void pair(List<ResultRow> rows, String section, String metric, Result ours, Result theirs,
      Target time, Target bytes, String note) {
    Double theirsScore = theirs == null ? null : theirs.score();
    rows.add(new ResultRow(section, metric, ResultRow.number(ours.score()), ResultRow.number(theirsScore), "ns/op",
        time.text(), time.met(ours.score(), theirsScore), note));
    if (ours.bytesPerOp() != null) {
      Double theirsBytes = theirs == null ? null : theirs.bytesPerOp();
      rows.add(new ResultRow(section, metric, ResultRow.number(ours.bytesPerOp()), ResultRow.number(theirsBytes),
          "B/op", bytes.text(), bytes.met(ours.bytesPerOp(), theirsBytes), ResultRow.NONE));
    }
  }

  /** Results by benchmark, mode, threads and params. */
  private static final class Index {
    final List<Result> all;
    final Map<String, Result> byKey = new TreeMap<>();

    Index(List<Result> results) {
      all = List.copyOf(results);
      for (Result r : results) {
        byKey.put(key(r.benchmark(), r.mode(), r.threads(), r.params()), r);
      }
    }

    Result get(String benchmark, String mode, int threads, Map<String, String> params) {
      return byKey.get(key(benchmark, mode, threads, params));
    }

    private static String key(String benchmark, String mode, int threads, Map<String, String> params) {
      return benchmark + "|" + mode + "|" + threads + "|" + new TreeMap<>(params);
    }
  }

  /**
   * Writes the rows of the given JMH JSON files to a TSV file.
   *
   * @param args the output file, then one or more JMH JSON files (missing ones are skipped with a message)
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: JmhToRows <out.tsv> <jmh-result.json>...");
      System.exit(2);
    }
    List<Result> results = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      Path json = Path.of(args[i]);
      if (Files.isRegularFile(json)) {
        results.addAll(read(json));
      } else {
        System.err.println("JmhToRows: no " + json + ", skipped");
      }
    }
    List<ResultRow> rows = rows(results);
    Path out = Path.of(args[0]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.write(out, rows.stream().map(ResultRow::toTsv).toList());
    System.out.println("JmhToRows: " + rows.size() + " rows from " + results.size() + " results -> " + out);
  }
}
