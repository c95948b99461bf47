package io.mse.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's first command's main job on the embedded engine and checks what it proves, the
 * governance steps included: canary shares, the live weight change, the ejection, the rate limit, the
 * bulkhead.
 */
class QuickstartIT {

  @Test
  void quickstartRunsEveryStepOnTheEmbeddedEngine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Quickstart("embedded", new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).containsPattern("registered inventory-1 at 127\\.0\\.0\\.1:\\d+ \\(registry id 127\\.0\\.0\\.1#\\d+#DEFAULT\\)")
        .containsPattern("registered inventory-2 at 127\\.0\\.0\\.1:\\d+");
    Matcher calls = Pattern.compile("call +\\d+ -> 127\\.0\\.0\\.1:\\d+ +answered \"stock from inventory-[12]\"")
        .matcher(out);
    int count = 0;
    while (calls.find()) {
      count++;
    }
    assertThat(count).isEqualTo(10);
    assertThat(out).contains("published and read back: greeting=hello")
        .containsPattern("listener called with 'greeting=hello-again' [0-9.]+ ms after the publish")
        .containsPattern("subscriber event after \\d+ ms: removed \\[inventory-1 \\(127\\.0\\.0\\.1#\\d+#DEFAULT\\)\\], 1 instance\\(s\\) left")
        .contains("5 more calls, all answered by: {inventory-2=5}")
        .contains("closed; 0 client thread(s) left running")
        .contains("done:");

    assertThat(percent(out, "=> a 5% canary: v2 answered ([0-9.]+)% of 1000 real HTTP calls")).isBetween(2.0, 9.0);
    assertThat(percent(out, "v2 now answers ([0-9.]+)% of 1000 calls")).isBetween(40.0, 60.0);

    assertThat(out).containsPattern("ejected inventory-4 at call \\d+: 3 consecutive errors; out for 30 s")
        .contains("governance.ejectedInstances: [inventory-4]");
    Matcher errors = find(out, "errors: (\\d+) in calls 1-(\\d+), (\\d+) in the (\\d+) calls after the ejection");
    assertThat(Integer.parseInt(errors.group(1))).as("errors before the ejection").isEqualTo(3);
    assertThat(Integer.parseInt(errors.group(3))).as("errors after the ejection").isZero();

    Matcher limited = find(out, "offered 400 calls in ([0-9.]+) s: (\\d+) allowed, (\\d+) rejected with RateLimitedException");
    double seconds = Double.parseDouble(limited.group(1));
    int allowed = Integer.parseInt(limited.group(2));
    // 50 per limiter period of 1 s; the calls span ceil(seconds) + 1 periods at most
    assertThat(allowed).as("allowed at 50/s over %s s", seconds).isBetween(50, 50 * ((int) Math.ceil(seconds) + 1));
    assertThat(Integer.parseInt(limited.group(3))).isEqualTo(400 - allowed).isPositive();

    assertThat(out).containsPattern("6 calls at once: 2 in flight \\(answers held back\\), 4 refused with"
        + " BulkheadFullException within [0-9.]+ ms")
        .containsPattern("=> the bulkhead held inventory-service to 2 concurrent calls: the excess was refused at once,"
            + " without reaching it; the 2 in flight then answered: \\[stock from inventory-\\d( v\\d)?,"
            + " stock from inventory-\\d( v\\d)?\\]");
  }

  private static double percent(String out, String regex) {
    return Double.parseDouble(find(out, regex).group(1));
  }

  private static Matcher find(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertThat(m.find()).as("output contains /%s/:%n%s", regex, out).isTrue();
    return m;
  }
}
