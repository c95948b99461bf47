package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Instances and sampling helpers shared by the governance tests. */
final class Fixtures {

  private Fixtures() {}

  static Instance instance(String ip, String... labels) {
    Instance.Builder b = Instance.builder().ip(ip).port(8080);
    for (int i = 0; i < labels.length; i += 2) {
      b.metadata(labels[i], labels[i + 1]);
    }
    return b.build();
  }

  static Instance weighted(String ip, double weight) {
    return Instance.builder().ip(ip).port(8080).weight(weight).build();
  }

  /** Decides {@code n} times (releasing each decision) and counts the chosen instances by ip. */
  static Map<String, Integer> sample(Governance g, GovernedRequest request, int n) {
    return sample(g, request, n, d -> d.instance().ip());
  }

  static Map<String, Integer> sample(Governance g, GovernedRequest request, int n, Function<Decision, String> key) {
    Map<String, Integer> counts = new HashMap<>();
    Decision d = g.newDecision();
    for (int i = 0; i < n; i++) {
      g.decide(request, d);
      counts.merge(key.apply(d), 1, Integer::sum);
      d.release();
    }
    return counts;
  }
}
