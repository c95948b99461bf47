package io.mse.examples.dubboshop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the Dubbo example's one command on the embedded engine and checks what its output proves: real
 * Dubbo providers and a consumer on loopback, found through the {@code mse://} registry (application
 * level, Dubbo 3's default, and interface level), and the frontend's calls governed from the config
 * center: the canary split, routing by tag with the tag reaching the provider, a rate-limited method
 * refused, a circuit breaker opening, the rules removed, the registry's drain before the protocol stops; the
 * frontend governed by the governance its mse:// registry installed, with no code of its own.
 */
class DubboShopIT {

  @Test
  void theShopRunsEveryStepThroughApplicationLevelDiscovery() throws Exception {
    String out = run(null);
    assertThat(out).containsPattern("shop-frontend calls through application-level discovery \\(2 providers;");
    assertEveryStep(out);
  }

  @Test
  void theShopRunsEveryStepThroughInterfaceLevelDiscovery() throws Exception {
    String out = run("FORCE_INTERFACE");
    assertThat(out).containsPattern("shop-frontend calls through interface-level discovery \\(2 providers;");
    assertEveryStep(out);
  }

  private static String run(String migrationStep) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DubboShop("embedded", null, null, null, new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .migrationStep(migrationStep).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    System.err.println("[dubbo-shop, migration.step " + migrationStep + "]\n" + out);
    return out;
  }

  /** What every run proves, whatever the discovery level and the server. */
  static void assertEveryStep(String out) {
    Matcher ports = find(out, "catalog v1 serves ProductService on tri://127\\.0\\.0\\.1:(\\d+),"
        + " catalog v2 on tri://127\\.0\\.0\\.1:(\\d+)");
    String v1Port = ports.group(1);
    String v2Port = ports.group(2);
    Matcher listed = find(out, "'providers:io\\.mse\\.examples\\.dubboshop\\.ProductService::'"
        + " \\[127\\.0\\.0\\.1:(\\d+)"
        + " release=(v.), 127\\.0\\.0\\.1:(\\d+) release=(v.)\\], application 'catalog' \\[(\\d+), (\\d+)\\]");
    assertThat(listed.group(1) + "=" + listed.group(2)).isIn(v1Port + "=v1", v2Port + "=v2");
    assertThat(listed.group(3) + "=" + listed.group(4)).isIn(v1Port + "=v1", v2Port + "=v2");
    assertThat(List.of(listed.group(5), listed.group(6))).containsExactlyInAnyOrder(v1Port, v2Port);
    assertThat(out)
        .containsPattern("shop-frontend found both catalog instances through mse://, by interface alone:"
            + " \\{v1=\\d+, v2=\\d+\\}");

    Matcher canary = find(out, "v2 answered ([0-9.]+)% of 500 Dubbo calls \\{v1=(\\d+), v2=(\\d+)\\}");
    // 20% of 500: 100 expected, standard deviation 8.9; 10-30% is over 5 deviations either way
    assertThat(Double.parseDouble(canary.group(1))).as("canary share").isBetween(10.0, 30.0);
    assertThat(Integer.parseInt(canary.group(2)) + Integer.parseInt(canary.group(3))).isEqualTo(500);

    assertThat(out).contains("50 calls tagged v2: {v2 (tag v2)=50} (the tag travelled in the dubbo.tag attachment");
    Matcher untagged = find(out, "50 untagged calls stay on the canary split: \\{([^}]*)\\}");
    assertThat(untagged.group(1)).doesNotContain("(tag v2)").contains("v1 (tag none)=");

    Matcher limited = find(out, "(\\d+) answered, (\\d+) refused in shop-frontend with RpcException code 7"
        + " \\(LIMIT_EXCEEDED\\): \"mse governance refused the call: rate limit of"
        + " 'io\\.mse\\.examples\\.dubboshop\\.ProductService#stock' reached\"");
    int answered = Integer.parseInt(limited.group(1));
    // 5 per one-minute window: 20 calls made in well under a minute span at most two windows
    assertThat(answered).isBetween(5, 10);
    assertThat(Integer.parseInt(limited.group(2))).isEqualTo(20 - answered);
    assertThat(out).contains("the catalogs received " + answered + " of 20 stock() calls; quote() is not limited");

    for (int call = 1; call <= 4; call++) {
      assertThat(out).containsPattern("checkout " + call + ": failed: payment gateway unavailable \\(v[12]\\)");
    }
    for (int call = 5; call <= 7; call++) {
      assertThat(out).contains("checkout " + call + ": refused (code 4, FORBIDDEN)");
    }
    assertThat(out).contains("is OPEN after 4 failures: the next 3 calls were refused in shop-frontend without reaching"
        + " a catalog (the catalogs received 4 checkout() calls)");

    assertThat(out).contains("removed shop-frontend.governance.json from the config center")
        .containsPattern("no rule left in force: stock\\(\\) answers again \\(\"v[12]: 7 x sku-42 in stock\"\\),"
            + " quote\\(\\) over 100 calls \\{v1=\\d+, v2=\\d+\\}");

    assertThat(out).contains("=> shop-frontend is governed with no code of its own: its mse:// registry installed"
        + " mse-client's governance from the registry's client, reading shop-frontend.governance.json");
    assertThat(out).containsPattern("the mse registry drained it: [1-9]\\d* registrations removed, the server stopped"
        + " listing them \\d+ ms after the first removal, drain done \\(push margin included\\) after \\d+ ms")
        .containsPattern("as its triple protocol began to stop \\(\\d+ ms after the stop began\\), the registry read"
            + " from the server listed: interface level \\[" + v1Port + "\\], application level \\[" + v1Port + "\\];"
            + " shop-frontend's directory held \\[" + v1Port + "\\]")
        .contains("=> catalog v2 left the mse registry (both levels) and shop-frontend let go of it before its protocol"
            + " stopped, with no wait in the application's code");
    assertThat(out).contains("every application and client closed; 0 mse-client thread(s) left running")
        .contains("done:");
  }

  static Matcher find(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertThat(m.find()).as("output contains /%s/:%n%s", regex, out).isTrue();
    return m;
  }
}
