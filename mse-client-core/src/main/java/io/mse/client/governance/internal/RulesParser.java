package io.mse.client.governance.internal;

import static io.mse.client.governance.internal.JsonFieldReader.setIfPresent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.Destination;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.InvalidRulesException;
import io.mse.client.governance.LoadBalancerRule;
import io.mse.client.governance.LoadBalancerType;
import io.mse.client.governance.OutlierDetectionRule;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.RouteFallback;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.SlidingWindowType;
import io.mse.client.governance.StringMatch;
import io.mse.client.governance.TimeoutRule;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rule document: walks the JSON tree (duplicate keys and trailing tokens rejected), rejects
 * unknown fields of every object (as {@code FAIL_ON_UNKNOWN_PROPERTIES} would), checks types, and
 * builds the rule records through their builders, which hold the defaults of absent fields and
 * whose own checks give the semantic errors. Every problem of the document is collected with its
 * JSON path by a {@link JsonFieldReader}, then reported at once. Not thread-safe; one instance per
 * document ({@link #parse} makes its own).
 */
final class RulesParser {

  /** The fields allowed in each kind of object, by the schema's definition name. */
  static final Map<String, Set<String>> FIELDS = fields();

  /** The weight of a route destination given without one: all matching requests. */
  private static final int DEFAULT_WEIGHT = 100;

  private final JsonFieldReader in = new JsonFieldReader();

  private RulesParser() {}

  /**
   * Parses and validates a document; what {@link GovernanceRules#parse(String)} does.
   *
   * @param json the document; null or blank is rejected as empty
   * @throws InvalidRulesException listing every problem with its JSON path
   */
  static GovernanceRules parse(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidRulesException(List.of("$: the document is empty"));
    }
    JsonNode root;
    try {
      root = GovernanceJson.STRICT.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRulesException(List.of("$: not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr())));
    }
    RulesParser parser = new RulesParser();
    GovernanceRules rules = parser.document(root);
    if (!parser.in.problems().isEmpty()) {
      throw new InvalidRulesException(parser.in.problems());
    }
    return rules;
  }

  private GovernanceRules document(JsonNode root) {
    String path = "$";
    if (!in.isObject(root, path)) {
      return null;
    }
    in.checkFields(root, path, FIELDS.get("document"));
    Integer version = in.integer(root, "version", path);
    if (version == null) {
      in.problem(path + ".version", null, "it is required (use 1)");
    } else if (version != GovernanceRules.VERSION) {
      in.problem(path + ".version", version, "the supported version is " + GovernanceRules.VERSION);
    }
    List<RouteRule> routes = in.list(root, "routes", this::route);
    Map<String, LoadBalancerRule> lbs = in.map(root, "loadBalancers", this::loadBalancer);
    Map<String, OutlierDetectionRule> outliers = in.map(root, "outlierDetection", this::outlier);
    List<RateLimitRule> rateLimits = in.list(root, "rateLimits", this::rateLimit);
    List<CircuitBreakerRule> breakers = in.list(root, "circuitBreakers", this::circuitBreaker);
    List<RetryRule> retries = in.list(root, "retries", this::retry);
    List<TimeoutRule> timeouts = in.list(root, "timeouts", this::timeout);
    List<BulkheadRule> bulkheads = in.list(root, "bulkheads", this::bulkhead);
    in.duplicates(rateLimits, "rateLimits", RateLimitRule::resource);
    in.duplicates(breakers, "circuitBreakers", CircuitBreakerRule::resource);
    in.duplicates(retries, "retries", RetryRule::resource);
    in.duplicates(timeouts, "timeouts", TimeoutRule::resource);
    in.duplicates(bulkheads, "bulkheads", BulkheadRule::resource);
    if (!in.problems().isEmpty()) {
      return null;
    }
    return in.build("$", 0, () -> new GovernanceRules(GovernanceRules.VERSION, routes, lbs, outliers, rateLimits, breakers,
        retries, timeouts, bulkheads));
  }

  private RouteRule route(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("route"));
    String service = in.text(node, "service", path);
    RouteMatch match = node.has("match") ? match(node.get("match"), path + ".match") : null;
    List<Destination> destinations = in.list(node, "destinations", this::destination);
    RouteFallback fallback = in.enumValue(node, "fallback", path, RouteFallback.class);
    if (!node.has("destinations")) {
      in.problem(path + ".destinations", null, "it is required");
    }
    return in.build(path, mark, () -> new RouteRule(service, match, destinations, fallback));
  }

  private RouteMatch match(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("match"));
    Map<String, String> headers = in.map(node, "headers", (value, p) -> value.isTextual() ? value.asText()
        : in.typeProblem(p, value, "a string"));
    StringMatch pathMatch = node.has("path") ? stringMatch(node.get("path"), path + ".path") : null;
    String method = in.text(node, "method", path);
    String caller = in.text(node, "caller", path);
    String tag = in.text(node, "tag", path);
    return in.build(path, mark, () -> new RouteMatch(headers, pathMatch, method, caller, tag));
  }

  private StringMatch stringMatch(JsonNode node, String path) {
    int mark = in.mark();
    if (node.isTextual()) {
      return StringMatch.exact(node.asText());
    }
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("stringMatch"));
    String exact = in.text(node, "exact", path);
    String prefix = in.text(node, "prefix", path);
    String regex = in.text(node, "regex", path);
    return in.build(path, mark, () -> new StringMatch(exact, prefix, regex));
  }

  private Destination destination(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("destination"));
    Map<String, String> subset = in.map(node, "subset", (value, p) -> value.isTextual() ? value.asText()
        : in.typeProblem(p, value, "a string"));
    Integer weight = in.integer(node, "weight", path);
    return in.build(path, mark, () -> new Destination(subset, weight == null ? DEFAULT_WEIGHT : weight));
  }

  private LoadBalancerRule loadBalancer(JsonNode node, String path) {
    int mark = in.mark();
    if (node.isTextual()) {
      LoadBalancerType type = in.enumOf(node.asText(), path, LoadBalancerType.class);
      return type == null ? null : in.build(path, mark, () -> LoadBalancerRule.of(type));
    }
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("loadBalancer"));
    LoadBalancerType type = in.enumValue(node, "type", path, LoadBalancerType.class);
    String hashKey = in.text(node, "hashKey", path);
    Duration warmup = in.duration(node, "warmup", path);
    return in.build(path, mark, () -> new LoadBalancerRule(type, hashKey, warmup));
  }

  private OutlierDetectionRule outlier(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("outlierDetection"));
    Integer consecutive = in.positiveInteger(node, "consecutiveErrors", path);
    Integer rate = in.integer(node, "errorRateThreshold", path);
    OutlierDetectionRule.Builder b = OutlierDetectionRule.builder();
    if (rate != null) {
      b.errorRateThreshold(rate);
      b.consecutiveErrors(0);
    }
    if (consecutive != null) {
      b.consecutiveErrors(consecutive);
    }
    setIfPresent(in.integer(node, "minimumCalls", path), b::minimumCalls);
    setIfPresent(in.integer(node, "maxEjectionPercent", path), b::maxEjectionPercent);
    setIfPresent(in.duration(node, "interval", path), b::interval);
    setIfPresent(in.duration(node, "baseEjectionTime", path), b::baseEjectionTime);
    setIfPresent(in.duration(node, "maxEjectionTime", path), b::maxEjectionTime);
    return in.build(path, mark, b::build);
  }

  private RateLimitRule rateLimit(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("rateLimit"));
    String resource = in.text(node, "resource", path);
    Integer perSecond = in.integer(node, "permitsPerSecond", path);
    Integer perPeriod = in.integer(node, "limitForPeriod", path);
    Duration period = in.duration(node, "period", path);
    if (perSecond != null && (perPeriod != null || node.has("period"))) {
      in.problem(path + ".permitsPerSecond", perSecond, "give either permitsPerSecond or limitForPeriod (with period)");
      return null;
    }
    if (perSecond == null && perPeriod == null) {
      in.problem(path + ".permitsPerSecond", null, "permitsPerSecond or limitForPeriod is required");
      return null;
    }
    if (perSecond != null) {
      return in.build(path, mark, () -> RateLimitRule.perSecond(resource, perSecond));
    }
    return in.build(path, mark, () -> new RateLimitRule(resource, perPeriod,
        period == null ? RateLimitRule.DEFAULT_PERIOD : period));
  }

  private CircuitBreakerRule circuitBreaker(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("circuitBreaker"));
    String resource = in.text(node, "resource", path);
    CircuitBreakerRule.Builder b = CircuitBreakerRule.builder(resource);
    setIfPresent(in.number(node, "failureRateThreshold", path), b::failureRateThreshold);
    setIfPresent(in.number(node, "slowCallRateThreshold", path), b::slowCallRateThreshold);
    setIfPresent(in.duration(node, "slowCallDurationThreshold", path), b::slowCallDurationThreshold);
    setIfPresent(in.integer(node, "minimumNumberOfCalls", path), b::minimumNumberOfCalls);
    setIfPresent(in.enumValue(node, "slidingWindowType", path, SlidingWindowType.class), b::slidingWindowType);
    setIfPresent(in.integer(node, "slidingWindowSize", path), b::slidingWindowSize);
    setIfPresent(in.duration(node, "waitDurationInOpenState", path), b::waitDurationInOpenState);
    setIfPresent(in.integer(node, "permittedNumberOfCallsInHalfOpenState", path), b::permittedNumberOfCallsInHalfOpenState);
    return in.build(path, mark, b::build);
  }

  private RetryRule retry(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("retry"));
    String resource = in.text(node, "resource", path);
    Integer maxAttempts = in.integer(node, "maxAttempts", path);
    Integer budget = in.integer(node, "budgetPercent", path);
    Duration window = in.duration(node, "budgetWindow", path);
    Integer minRetries = in.integer(node, "minRetries", path);
    if (maxAttempts == null) {
      in.problem(path + ".maxAttempts", null, "it is required");
      return null;
    }
    RetryRule.Builder b = RetryRule.builder(resource, maxAttempts);
    setIfPresent(budget, b::budgetPercent);
    setIfPresent(window, b::budgetWindow);
    setIfPresent(minRetries, b::minRetries);
    return in.build(path, mark, b::build);
  }

  private TimeoutRule timeout(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("timeout"));
    String resource = in.text(node, "resource", path);
    Duration timeout = in.duration(node, "timeout", path);
    return in.build(path, mark, () -> new TimeoutRule(resource, timeout));
  }

  private BulkheadRule bulkhead(JsonNode node, String path) {
    int mark = in.mark();
    if (!in.isObject(node, path)) {
      return null;
    }
    in.checkFields(node, path, FIELDS.get("bulkhead"));
    String resource = in.text(node, "resource", path);
    Integer maxConcurrentCalls = in.integer(node, "maxConcurrentCalls", path);
    Duration maxWait = in.duration(node, "maxWait", path);
    if (maxConcurrentCalls == null && !node.has("maxConcurrentCalls")) {
      in.problem(path + ".maxConcurrentCalls", null, "it is required");
      return null;
    }
    return in.build(path, mark, () -> new BulkheadRule(resource, maxConcurrentCalls, maxWait));
  }

  private static Map<String, Set<String>> fields() {
    Map<String, Set<String>> f = new LinkedHashMap<>();
    f.put("document", set("version", "routes", "loadBalancers", "outlierDetection", "rateLimits", "circuitBreakers",
        "retries", "timeouts", "bulkheads"));
    f.put("route", set("service", "match", "destinations", "fallback"));
    f.put("match", set("headers", "path", "method", "caller", "tag"));
    f.put("stringMatch", set("exact", "prefix", "regex"));
    f.put("destination", set("subset", "weight"));
    f.put("loadBalancer", set("type", "hashKey", "warmup"));
    f.put("outlierDetection", set("consecutiveErrors", "errorRateThreshold", "minimumCalls", "interval",
        "baseEjectionTime", "maxEjectionTime", "maxEjectionPercent"));
    f.put("rateLimit", set("resource", "permitsPerSecond", "limitForPeriod", "period"));
    f.put("circuitBreaker", set("resource", "failureRateThreshold", "slowCallRateThreshold",
        "slowCallDurationThreshold", "minimumNumberOfCalls", "slidingWindowType", "slidingWindowSize",
        "waitDurationInOpenState", "permittedNumberOfCallsInHalfOpenState"));
    f.put("retry", set("resource", "maxAttempts", "budgetPercent", "budgetWindow", "minRetries"));
    f.put("timeout", set("resource", "timeout"));
    f.put("bulkhead", set("resource", "maxConcurrentCalls", "maxWait"));
    return Collections.unmodifiableMap(f);
  }

  private static Set<String> set(String... names) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names)));
  }

}
