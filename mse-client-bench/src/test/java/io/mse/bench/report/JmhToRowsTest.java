package io.mse.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhToRowsTest {

  @TempDir
  Path dir;

  /** One JMH result as JMH 1.37 writes it with -rf json (fields the converter does not read left out). */
  private static String result(String benchmark, String mode, int threads, String params, double score, String unit,
      Double bytes) {
    String secondary = bytes == null ? "{}"
        : "{\"gc.alloc.rate.norm\": {\"score\": " + bytes + ", \"scoreUnit\": \"B/op\"}}";
    return "{\"jmhVersion\": \"1.37\", \"benchmark\": \"io.mse.bench." + benchmark + "\", \"mode\": \"" + mode
        + "\", \"threads\": " + threads + ", \"forks\": 1, \"params\": " + params + ", \"primaryMetric\": {\"score\": "
        + score + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"" + unit + "\"}, \"secondaryMetrics\": " + secondary + "}";
  }

  private Path json(String... results) throws IOException {
    Path file = Files.createTempFile(dir, "jmh", ".json");
    Files.writeString(file, "[" + String.join(",", results) + "]");
    return file;
  }

  @Test
  void pairsTheReadPathPerInstanceCountAndJudgesTheTargets() throws IOException {
    String n10 = "{\"instances\": \"10\"}";
    String n1000 = "{\"instances\": \"1000\"}";
    List<JmhToRows.Result> results = JmhToRows.read(json(
        result("NacosSideBySideReadBenchmark.oursSelectOneHealthyInstance", "avgt", 1, n10, 20.5, "ns/op", 0.004),
        result("NacosSideBySideReadBenchmark.nacosSelectOneHealthyInstance", "avgt", 1, n10, 0.433, "us/op", 1200.0),
        result("NacosSideBySideReadBenchmark.oursSelectOneHealthyInstance", "avgt", 1, n1000, 61.0, "ns/op", 24.0),
        result("NacosSideBySideReadBenchmark.nacosSelectOneHealthyInstance", "avgt", 1, n1000, 21000, "ns/op", 71000.0),
        result("NacosSideBySideReadBenchmark.oursGetConfigListened", "avgt", 1, n10, 8.0, "ns/op", 0.0),
        result("NacosSideBySideReadBenchmark.nacosGetConfigListened", "avgt", 1, n10, 200.0, "ms/op", 9000.0),
        result("NacosSideBySideReadBenchmark.oursGetConfigListened", "avgt", 1, n1000, 99.0, "ns/op", 0.0)));

    List<ResultRow> rows = JmhToRows.rows(results);

    assertThat(rows).extracting(ResultRow::toTsv).containsExactly(
        "read\tlistened getConfig (1 KiB)\t8\t200000000\tns/op\t≤ 50 ns\tyes\t"
            + "nacos-client asks the server on every call (5 calls/s per key limiter)",
        "read\tlistened getConfig (1 KiB)\t0\t9000\tB/op\t0 B/op\tyes\t-",
        "read\tselectOneHealthyInstance (weighted), 10 instances\t20.5\t433\tns/op\t≤ 50 ns\tyes\tsubscribed, from cache",
        "read\tselectOneHealthyInstance (weighted), 10 instances\t0.004\t1200\tB/op\t0 B/op\tyes\t-",
        "read\tselectOneHealthyInstance (weighted), 1000 instances\t61\t21000\tns/op\t≤ 50 ns\tno\tsubscribed, from cache",
        "read\tselectOneHealthyInstance (weighted), 1000 instances\t24\t71000\tB/op\t0 B/op\tno\t-");
  }

  @Test
  void comparesTheGovernedDecisionWithBothAnchorsAndJudgesTwoThreadScaling() throws IOException {
    String none = "{}";
    List<ResultRow> rows = JmhToRows.rows(JmhToRows.read(json(
        result("GovernedDecisionBenchmark.governedDecision", "avgt", 1, none, 100, "ns/op", 0.0),
        result("GuardBaselineBenchmark.sentinelEntryExit", "avgt", 1, none, 0.5, "us/op", 624.0),
        result("GuardBaselineBenchmark.resilience4jDirectTimed", "avgt", 1, none, 80, "ns/op", 40.0),
        result("GovernedDecisionBenchmark.governedDecision", "thrpt", 1, none, 0.01, "ops/ns", null),
        result("GovernedDecisionBenchmark.governedDecision", "thrpt", 2, none, 9, "ops/us", null),
        result("GuardBaselineBenchmark.sentinelEntryExit", "thrpt", 1, none, 2_000_000, "ops/s", null),
        result("GuardBaselineBenchmark.sentinelEntryExit", "thrpt", 2, none, 1_000_000, "ops/s", null))));

    assertThat(rows).extracting(ResultRow::toTsv).containsExactly(
        "governed\tdecision vs Sentinel entry/exit (flow + degrade rules), 1 thread\t100\t500\tns/op\t≤ ⅓ of Sentinel"
            + "\tyes\troute + balance + rate-limit + breaker permit + timed success",
        "governed\tdecision vs Sentinel entry/exit (flow + degrade rules), 1 thread\t0\t624\tB/op\t-\t-\t-",
        "governed\tdecision vs Resilience4j direct (timed), 1 thread\t100\t80\tns/op\t≤ 1.15 × Resilience4j\tno"
            + "\tthe floor: RateLimiter + CircuitBreaker called directly, call timed",
        "governed\tdecision throughput vs Sentinel, 1 thread\t10\t2\tMops/s\t-\t-\t-",
        "governed\tdecision throughput vs Sentinel, 2 threads\t9\t1\tMops/s\t-\t-\t-",
        "governed\tthroughput at 2 threads ÷ at 1 thread (ours vs Sentinel)\t0.9\t0.5\t×\t≥ 0.95 (no loss at 2 threads, 5% noise)"
            + "\tno\t-");
  }

  @Test
  void givesNoRowForAnUnpairedBenchmarkAndAnEmptyTheirsWhenTheirsIsMissing() throws IOException {
    List<ResultRow> rows = JmhToRows.rows(JmhToRows.read(json(
        result("CachedReadBenchmark.getAllInstances", "avgt", 1, "{\"instances\": \"10\"}", 5, "ns/op", null),
        result("GovernedDecisionBenchmark.governedDecision", "avgt", 2, "{}", 150, "ns/op", null))));

    assertThat(rows).extracting(ResultRow::toTsv).containsExactly(
        "governed\tdecision vs Sentinel entry/exit (flow + degrade rules), 2 threads\t150\t-\tns/op\t≤ ⅓ of Sentinel"
            + "\tno\troute + balance + rate-limit + breaker permit + timed success",
        "governed\tdecision vs Resilience4j direct (timed), 2 threads\t150\t-\tns/op\t≤ 1.15 × Resilience4j\tno"
            + "\tthe floor: RateLimiter + CircuitBreaker called directly, call timed");
  }

  @Test
  void refusesWhatIsNotJmhJson() throws IOException {
    Path file = Files.createTempFile(dir, "jmh", ".json");
    Files.writeString(file, "{\"benchmark\": \"x\"}");

    assertThatThrownBy(() -> JmhToRows.read(file)).hasMessageContaining("is not JMH's JSON result");
    assertThatThrownBy(() -> JmhToRows.normalise(1, "B/op", "X.y")).hasMessageContaining("unknown score unit 'B/op'");
  }

  @Test
  void mainWritesTheRowsOfEveryGivenFileAndSkipsMissingOnes() throws IOException {
    Path out = dir.resolve("results/jmh.tsv");
    Path in = json(result("GovernedDecisionBenchmark.governedDecision", "avgt", 1, "{}", 100, "ns/op", null),
        result("GuardBaselineBenchmark.sentinelEntryExit", "avgt", 1, "{}", 600, "ns/op", null));

    JmhToRows.main(new String[] {out.toString(), in.toString(), dir.resolve("absent.json").toString()});

    assertThat(Files.readAllLines(out)).hasSize(2).allSatisfy(line -> assertThat(ResultRow.parse(line).section())
        .isEqualTo("governed"));
    assertThat(ResultRow.parse(Files.readAllLines(out).get(0)).met()).isEqualTo("yes");
  }
}
