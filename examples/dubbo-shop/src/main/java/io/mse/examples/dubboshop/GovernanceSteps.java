package io.mse.examples.dubboshop;

import io.mse.client.config.ConfigService;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.TagContext;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.dubbo.rpc.RpcException;

/**
 * The shop's governance steps: real Dubbo calls from {@code shop-frontend} to the catalogs, steered by
 * the rule document {@value #RULES_DATA_ID} (group {@code MSE_GOVERNANCE}) that an operator publishes
 * into the config center step by step: a 20% canary to {@code release=v2}, a route sending calls tagged
 * {@code v2} to v2, a rate limit on {@code stock}, a circuit breaker on {@code checkout}; then the
 * document removed.
 */
final class GovernanceSteps {

  /** The frontend's rule document. */
  static final String RULES_DATA_ID = "shop-frontend" + Governance.APPLICATION_DATA_ID_SUFFIX;
  static final int CANARY_PERCENT = 20;
  static final int CANARY_CALLS = 500;
  static final int TAGGED_CALLS = 50;
  static final int STOCK_LIMIT = 5;
  static final int STOCK_CALLS = 20;
  static final int BREAKER_WINDOW = 4;
  static final int CHECKOUT_CALLS = 7;

  private final PrintStream out;
  private final ConfigService operator;
  private Governance governance;
  private final Catalog v1;
  private final Catalog v2;
  /** Whether a rule document of the demo may be in the config center (one was published and not removed). */
  private boolean published;

  /** @param operator where the rules are published (any client of the config center will do) */
  GovernanceSteps(PrintStream out, ConfigService operator, Catalog v1, Catalog v2) {
    this.out = out;
    this.operator = operator;
    this.v1 = v1;
    this.v2 = v2;
  }

  /**
   * Runs the steps numbered from {@code first}, calling through {@code shop}; returns the next step's number.
   *
   * @param governance the frontend's governance (installed from its {@code mse://} registry's client), which
   *     reads {@value #RULES_DATA_ID}
   */
  int run(int first, DubboShop steps, ProductService shop, Governance governance) {
    this.governance = governance;
    int step = first;
    steps.step(step++, "canary: publish " + RULES_DATA_ID + " with " + CANARY_PERCENT
        + "% of ProductService to release=v2");
    publish(rules(false, false, false), "canary route");
    Map<String, Integer> split = quotes(shop, CANARY_CALLS);
    int toV2 = split.getOrDefault("v2", 0);
    if (toV2 == 0 || toV2 == CANARY_CALLS) {
      throw new IllegalStateException("the canary did not split the calls: " + split);
    }
    out.printf("   => a %d%% canary through the mse registry's providers: v2 answered %.1f%% of %d Dubbo calls %s%n%n",
        CANARY_PERCENT, 100.0 * toV2 / CANARY_CALLS, CANARY_CALLS, split);

    steps.step(step++, "routing by tag: add a route 'tag v2 -> release=v2' and call with the tag v2 in TagContext");
    publish(rules(true, false, false), "tag route");
    Map<String, Integer> tagged;
    try (TagContext.Scope ignored = TagContext.open("v2")) {
      tagged = answers(shop, TAGGED_CALLS);
    }
    Map<String, Integer> untagged = answers(shop, TAGGED_CALLS);
    if (!tagged.keySet().equals(Set.of("v2 (tag v2)"))) {
      throw new IllegalStateException("tagged calls did not all reach v2 with their tag: " + tagged);
    }
    if (untagged.keySet().stream().anyMatch(a -> !a.contains("(tag none)"))) {
      throw new IllegalStateException("a tag outlived its TagContext scope: " + untagged);
    }
    out.printf("   => %d calls tagged v2: %s (the tag travelled in the dubbo.tag attachment and the provider saw it);"
        + " %d untagged calls stay on the canary split: %s%n%n", TAGGED_CALLS, tagged, TAGGED_CALLS, untagged);

    steps.step(step++, "rate limit: add " + STOCK_LIMIT + " calls per minute on " + ProductService.STOCK
        + ", then call stock() " + STOCK_CALLS + " times");
    publish(rules(true, true, false), "rate limit");
    rateLimit(shop);

    steps.step(step++, "circuit breaker: checkout() fails (payment gateway down); add a breaker on "
        + ProductService.CHECKOUT + " (opens at 50% failures over " + BREAKER_WINDOW + " calls)");
    publish(rules(true, true, true), "circuit breaker");
    breaker(shop);

    steps.step(step++, "remove " + RULES_DATA_ID + " from the config center");
    removeRules();
    DubboShop.await(() -> governance.rules().equals(GovernanceRules.EMPTY), "the rules to be dropped");
    String stock = shop.stock("sku-42");
    Map<String, Integer> after = quotes(shop, 100);
    out.printf("   => no rule left in force: stock() answers again (\"%s\"), quote() over 100 calls %s%n%n", stock,
        after);
    return step;
  }

  /**
   * The rule document: the canary route, optionally the route of tag v2 before it, the rate limit of
   * {@code stock} and the circuit breaker of {@code checkout}.
   */
  static String rules(boolean tagRoute, boolean rateLimit, boolean breaker) {
    String service = ProductService.SERVICE;
    StringBuilder json = new StringBuilder("{\"version\": 1,\n \"routes\": [\n");
    if (tagRoute) {
      json.append("  {\"service\": \"").append(service).append("\", \"match\": {\"tag\": \"v2\"},")
          .append(" \"destinations\": [{\"subset\": {\"release\": \"v2\"}}]},\n");
    }
    json.append("  {\"service\": \"").append(service).append("\", \"destinations\": [\n")
        .append("    {\"subset\": {\"release\": \"v2\"}, \"weight\": ").append(CANARY_PERCENT).append("},\n")
        .append("    {\"subset\": {\"release\": \"v1\"}, \"weight\": ").append(100 - CANARY_PERCENT).append("}]}]");
    if (rateLimit) {
      json.append(",\n \"rateLimits\": [{\"resource\": \"").append(ProductService.STOCK)
          .append("\", \"limitForPeriod\": ").append(STOCK_LIMIT).append(", \"period\": \"1m\"}]");
    }
    if (breaker) {
      json.append(",\n \"circuitBreakers\": [{\"resource\": \"").append(ProductService.CHECKOUT)
          .append("\", \"failureRateThreshold\": 50, \"minimumNumberOfCalls\": ").append(BREAKER_WINDOW)
          .append(", \"slidingWindowSize\": ").append(BREAKER_WINDOW)
          .append(", \"waitDurationInOpenState\": \"30s\"}]");
    }
    return json.append("}\n").toString();
  }

  /** Publishes a rule document and waits until the frontend's governance applies it. */
  private void publish(String document, String what) {
    long start = System.nanoTime();
    published = true;
    if (!operator.publishConfig(RULES_DATA_ID, Governance.RULES_GROUP, document, "json")) {
      throw new IllegalStateException("the config center refused the rule document");
    }
    GovernanceRules expected = GovernanceRules.parse(document);
    DubboShop.await(() -> governance.rules().equals(expected), "rules '" + what + "' in force");
    out.printf("   published %s (%s): in force in shop-frontend %.1f ms after the publish%n", RULES_DATA_ID, what,
        (System.nanoTime() - start) / 1e6);
  }

  /**
   * Removes the rule document, if the demo published one and has not removed it yet (the demo's rules
   * must not steer a real shop-frontend after it).
   */
  void removeRules() {
    if (!published) {
      return;
    }
    operator.removeConfig(RULES_DATA_ID, Governance.RULES_GROUP);
    published = false;
    out.printf("   removed %s from the config center%n", RULES_DATA_ID);
  }

  private static Map<String, Integer> quotes(ProductService shop, int calls) {
    Map<String, Integer> releases = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      releases.merge(DubboShop.release(shop.quote("sku-42")), 1, Integer::sum);
    }
    return releases;
  }

  /** Counts the answers by their part before the colon: release and tag seen. */
  private static Map<String, Integer> answers(ProductService shop, int calls) {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      String answer = shop.quote("sku-42");
      answers.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
    }
    return answers;
  }

  private void rateLimit(ProductService shop) {
    int before = v1.stockCalls() + v2.stockCalls();
    int answered = 0;
    List<RpcException> refused = new ArrayList<>();
    for (int i = 0; i < STOCK_CALLS; i++) {
      try {
        shop.stock("sku-42");
        answered++;
      } catch (RpcException e) {
        if (!e.isLimitExceed()) {
          throw e;
        }
        refused.add(e);
      }
    }
    int reached = v1.stockCalls() + v2.stockCalls() - before;
    if (refused.isEmpty() || reached != answered) {
      throw new IllegalStateException("the limit did not hold: " + answered + " answered, " + refused.size()
          + " refused, " + reached + " reached the catalogs");
    }
    String quote = shop.quote("sku-42");
    out.printf("   %d answered, %d refused in shop-frontend with RpcException code %d (LIMIT_EXCEEDED): \"%s\"%n",
        answered, refused.size(), refused.get(0).getCode(), refused.get(0).getMessage());
    out.printf("   => the rate-limited method was refused before leaving shop-frontend: the catalogs received %d of %d"
        + " stock() calls; quote() is not limited (\"%s\")%n%n", reached, STOCK_CALLS, quote);
  }

  private void breaker(ProductService shop) {
    int before = v1.checkoutCalls() + v2.checkoutCalls();
    List<String> outcomes = new ArrayList<>();
    for (int i = 1; i <= CHECKOUT_CALLS; i++) {
      try {
        shop.checkout("cart-" + i);
        outcomes.add("answered");
      } catch (RpcException e) {
        outcomes.add(e.isForbidden() ? "refused (code " + e.getCode() + ", FORBIDDEN)" : "failed: " + e.getMessage());
      } catch (PaymentUnavailableException e) {
        outcomes.add("failed: " + e.getMessage());
      }
    }
    for (int i = 0; i < outcomes.size(); i++) {
      out.printf("   checkout %d: %s%n", i + 1, outcomes.get(i));
    }
    int reached = v1.checkoutCalls() + v2.checkoutCalls() - before;
    CircuitState state = governance.circuitState(ProductService.CHECKOUT);
    long refusedCalls = outcomes.stream().filter(o -> o.startsWith("refused")).count();
    if (state != CircuitState.OPEN || reached != BREAKER_WINDOW || refusedCalls != CHECKOUT_CALLS - BREAKER_WINDOW) {
      throw new IllegalStateException("the breaker did not open as it should: state " + state + ", " + reached
          + " calls reached the catalogs, outcomes " + outcomes);
    }
    out.printf("   => the breaker of %s is %s after %d failures: the next %d calls were refused in shop-frontend"
        + " without reaching a catalog (the catalogs received %d checkout() calls); quote() still answers (\"%s\")%n%n",
        ProductService.CHECKOUT, state, BREAKER_WINDOW, refusedCalls, reached, shop.quote("sku-42"));
  }
}
