package io.mse.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the shop's one command (its launcher's main job) on the embedded engine and checks what each
 * step printed as proved: registration with the real ports, discovery, the canary's share, the gray
 * tag across two hops, the live refresh, the graceful stop under traffic, the clean shutdown.
 */
class SpringBootShopIT {

  @Test
  void shopRunsEveryStepOnTheEmbeddedEngine() throws Exception {
    String out = run(ShopServer.embedded());
    ShopOutput.assertEveryStepProved(out);
  }

  static String run(ShopServer server) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new SpringBootShop(server, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    System.err.println("[spring-boot-shop on " + server + "]\n" + out);
    return out;
  }

  /** What every run must print, whatever the server. */
  static final class ShopOutput {

    static void assertEveryStepProved(String out) {
      // 2: each application registered with the port its web server got
      Matcher started = Pattern.compile("(inventory-v1|inventory-v2|payment|order) +started in [0-9.]+ s, web server on"
          + " port (\\d+); registry: ([a-z-]+) 127\\.0\\.0\\.1:(\\d+)(.*)").matcher(out);
      int apps = 0;
      while (started.find()) {
        apps++;
        assertThat(started.group(4)).as("registered port of %s", started.group(1)).isEqualTo(started.group(2));
        if (started.group(1).startsWith("inventory")) {
          assertThat(started.group(3)).isEqualTo("inventory-service");
          assertThat(started.group(5)).isEqualTo(" {version=" + started.group(1).substring("inventory-".length()) + "}");
        }
      }
      assertThat(apps).isEqualTo(4);
      // 3: discovery by name
      assertThat(out).containsPattern("getServices\\(\\): \\d+ service\\(s\\), among them \\[order-service,"
          + " inventory-service, payment-service\\]")
          .containsPattern("getInstances\\(\"inventory-service\"\\): \\[127\\.0\\.0\\.1:\\d+ version=v[12],"
              + " 127\\.0\\.0\\.1:\\d+ version=v[12]\\]")
          .containsPattern("getInstances\\(\"payment-service\"\\): \\[127\\.0\\.0\\.1:\\d+\\]");
      // 4: the canary: 10% of 200 orders to v2 (binomial: mean 20, standard deviation 4.2)
      Matcher canary = find(out, "inventory-v2 served ([0-9.]+)% of 200 orders \\(the rule: 10%\\)");
      assertThat(Double.parseDouble(canary.group(1))).isBetween(2.0, 22.0);
      assertThat(out).containsPattern("stock served by: \\{inventory-v1=\\d+, inventory-v2=\\d+\\}");
      // 5: the tag across two hops, and routed on
      assertThat(out).contains("stock served by: {inventory-v2=20}; tags the providers received:"
          + " {inventory gray / payment gray=20}");
      // 6: the live refresh of a @ConfigurationProperties bean, priced with at once
      assertThat(out).containsPattern("shop.promotion: discount-percent 0 -> 20, \\d+ ms after the publish")
          .containsPattern("order-\\d+: 2 x apple = 15\\.84 EUR \\(20% off\\)")
          .contains("reached a running application's bean: same context");
      // 7: deregistered while still serving, no failed order, no order to the leaving instance afterwards
      assertThat(out).containsPattern("registry view lost inventory-v1 \\d+ ms after the close began; its web server,"
          + " asked right then: HTTP 200 \\(still serving\\)");
      Matcher stop = find(out, "inventory-v1 closed in [0-9.]+ s; (\\d+) orders during and after the close \\(of \\d+"
          + " placed, (\\d+) failed.*?\\); orders begun after the removal was seen that inventory-v1 served: (\\d+)");
      assertThat(Integer.parseInt(stop.group(1))).isGreaterThanOrEqualTo(20);
      assertThat(stop.group(2)).as("failed orders").isEqualTo("0");
      assertThat(stop.group(3)).as("orders to the removed instance").isEqualTo("0");
      // 8: everything closed and removed
      assertThat(out).containsPattern("order-service closed in [0-9.]+ s, the two providers in [0-9.]+ s")
          .contains("removed shop-shared.yaml and order-service.governance.json from the config center")
          .contains("registry: 0 instance(s) of [order-service, inventory-service, payment-service] left")
          .contains("closed; 0 mse-client thread(s) left running")
          .containsPattern("done in [0-9.]+ s:");
    }

    private static Matcher find(String out, String regex) {
      Matcher m = Pattern.compile(regex).matcher(out);
      assertThat(m.find()).as("output contains /%s/:%n%s", regex, out).isTrue();
      return m;
    }
  }
}
