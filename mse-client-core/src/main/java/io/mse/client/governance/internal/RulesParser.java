package io.mse.client.governance.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.mse.client.governance.RuleValueException;
import io.mse.client.governance.SlidingWindowType;
import io.mse.client.governance.StringMatch;
import io.mse.client.governance.TimeoutRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads a rule document: walks the JSON tree with Jackson (duplicate keys and trailing tokens
 * rejected), rejects unknown fields of every object (as {@code FAIL_ON_UNKNOWN_PROPERTIES} would),
 * checks types, and builds the rule records, whose own checks give the semantic errors. Every
 * problem of the document is collected with its JSON path, then reported at once. Not thread-safe;
 * one instance per document.
 */
public final class RulesParser {

  /** The fields allowed in each kind of object, by the schema's definition name. */
  public static final Map<String, Set<String>> FIELDS = fields();

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final List<String> problems = new ArrayList<>();

  private RulesParser() {}

  /**
   * Parses and validates a document.
   *
   * @throws InvalidRulesException listing every problem with its JSON path
   */
  public static GovernanceRules parse(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidRulesException(List.of("$: the document is empty"));
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRulesException(List.of("$: not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr())));
    }
    RulesParser parser = new RulesParser();
    GovernanceRules rules = parser.document(root);
    if (!parser.problems.isEmpty()) {
      throw new InvalidRulesException(parser.problems);
    }
    return rules;
  }

  /** Returns the JSON tree of a document, for importers; throws like {@link #parse}. */
  static JsonNode tree(String json, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private GovernanceRules document(JsonNode root) {
    String path = "$";
    if (!isObject(root, path)) {
      return null;
    }
    checkFields(root, path, "document");
    Integer version = integer(root, "version", path);
    if (version == null) {
      problem(path + ".version", null, "it is required (use 1)");
    } else if (version != GovernanceRules.VERSION) {
      problem(path + ".version", version, "the supported version is " + GovernanceRules.VERSION);
    }
    List<RouteRule> routes = list(root, "routes", this::route);
    Map<String, LoadBalancerRule> lbs = map(root, "loadBalancers", this::loadBalancer);
    Map<String, OutlierDetectionRule> outliers = map(root, "outlierDetection", this::outlier);
    List<RateLimitRule> rateLimits = list(root, "rateLimits", this::rateLimit);
    List<CircuitBreakerRule> breakers = list(root, "circuitBreakers", this::circuitBreaker);
    List<RetryRule> retries = list(root, "retries", this::retry);
    List<TimeoutRule> timeouts = list(root, "timeouts", this::timeout);
    duplicates(rateLimits, "rateLimits", RateLimitRule::resource);
    duplicates(breakers, "circuitBreakers", CircuitBreakerRule::resource);
    duplicates(retries, "retries", RetryRule::resource);
    duplicates(timeouts, "timeouts", TimeoutRule::resource);
    if (!problems.isEmpty()) {
      return null;
    }
    return build("$", 0, () -> new GovernanceRules(GovernanceRules.VERSION, routes, lbs, outliers, rateLimits, breakers,
        retries, timeouts));
  }

  private RouteRule route(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "route");
    String service = text(node, "service", path);
    RouteMatch match = node.has("match") ? match(node.get("match"), path + ".match") : null;
    List<Destination> destinations = list(node, "destinations", this::destination);
    RouteFallback fallback = enumValue(node, "fallback", path, RouteFallback.class);
    if (!node.has("destinations")) {
      problem(path + ".destinations", null, "it is required");
    }
    return build(path, mark, () -> new RouteRule(service, match, destinations, fallback));
  }

  private RouteMatch match(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "match");
    Map<String, String> headers = map(node, "headers", (value, p) -> value.isTextual() ? value.asText()
        : typeProblem(p, value, "a string"));
    StringMatch pathMatch = node.has("path") ? stringMatch(node.get("path"), path + ".path") : null;
    String method = text(node, "method", path);
    String caller = text(node, "caller", path);
    String tag = text(node, "tag", path);
    return build(path, mark, () -> new RouteMatch(headers, pathMatch, method, caller, tag));
  }

  private StringMatch stringMatch(JsonNode node, String path) {
    int mark = problems.size();
    if (node.isTextual()) {
      return StringMatch.exact(node.asText());
    }
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "stringMatch");
    String exact = text(node, "exact", path);
    String prefix = text(node, "prefix", path);
    String regex = text(node, "regex", path);
    return build(path, mark, () -> new StringMatch(exact, prefix, regex));
  }

  private Destination destination(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "destination");
    Map<String, String> subset = map(node, "subset", (value, p) -> value.isTextual() ? value.asText()
        : typeProblem(p, value, "a string"));
    Integer weight = integer(node, "weight", path);
    return build(path, mark, () -> new Destination(subset, weight == null ? 100 : weight));
  }

  private LoadBalancerRule loadBalancer(JsonNode node, String path) {
    int mark = problems.size();
    if (node.isTextual()) {
      LoadBalancerType type = enumOf(node.asText(), path, LoadBalancerType.class);
      return type == null ? null : build(path, mark, () -> LoadBalancerRule.of(type));
    }
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "loadBalancer");
    LoadBalancerType type = enumValue(node, "type", path, LoadBalancerType.class);
    String hashKey = text(node, "hashKey", path);
    Duration warmup = duration(node, "warmup", path, null);
    return build(path, mark, () -> new LoadBalancerRule(type, hashKey, warmup));
  }

  private OutlierDetectionRule outlier(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "outlierDetection");
    Integer consecutive = positiveInteger(node, "consecutiveErrors", path);
    Integer rate = integer(node, "errorRateThreshold", path);
    OutlierDetectionRule.Builder b = OutlierDetectionRule.builder();
    if (rate != null) {
      b.errorRateThreshold(rate);
      b.consecutiveErrors(0);
    }
    if (consecutive != null) {
      b.consecutiveErrors(consecutive);
    }
    setIfPresent(integer(node, "minimumCalls", path), b::minimumCalls);
    setIfPresent(integer(node, "maxEjectionPercent", path), b::maxEjectionPercent);
    b.interval(duration(node, "interval", path, Duration.ofSeconds(10)));
    b.baseEjectionTime(duration(node, "baseEjectionTime", path, Duration.ofSeconds(30)));
    b.maxEjectionTime(duration(node, "maxEjectionTime", path, Duration.ofSeconds(300)));
    return build(path, mark, b::build);
  }

  private RateLimitRule rateLimit(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "rateLimit");
    String resource = text(node, "resource", path);
    Integer perSecond = integer(node, "permitsPerSecond", path);
    Integer perPeriod = integer(node, "limitForPeriod", path);
    Duration period = duration(node, "period", path, Duration.ofSeconds(1));
    if (perSecond != null && (perPeriod != null || node.has("period"))) {
      problem(path + ".permitsPerSecond", perSecond, "give either permitsPerSecond or limitForPeriod (with period)");
      return null;
    }
    if (perSecond == null && perPeriod == null) {
      problem(path + ".permitsPerSecond", null, "permitsPerSecond or limitForPeriod is required");
      return null;
    }
    if (perSecond != null) {
      return build(path, mark, () -> RateLimitRule.perSecond(resource, perSecond));
    }
    return build(path, mark, () -> new RateLimitRule(resource, perPeriod, period));
  }

  private CircuitBreakerRule circuitBreaker(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "circuitBreaker");
    String resource = text(node, "resource", path);
    CircuitBreakerRule.Builder b = CircuitBreakerRule.builder(resource);
    setIfPresent(number(node, "failureRateThreshold", path), b::failureRateThreshold);
    setIfPresent(number(node, "slowCallRateThreshold", path), b::slowCallRateThreshold);
    b.slowCallDurationThreshold(duration(node, "slowCallDurationThreshold", path, Duration.ofSeconds(60)));
    setIfPresent(integer(node, "minimumNumberOfCalls", path), b::minimumNumberOfCalls);
    SlidingWindowType type = enumValue(node, "slidingWindowType", path, SlidingWindowType.class);
    Integer size = integer(node, "slidingWindowSize", path);
    b.slidingWindow(type == null ? SlidingWindowType.COUNT_BASED : type, size == null ? 100 : size);
    b.waitDurationInOpenState(duration(node, "waitDurationInOpenState", path, Duration.ofSeconds(60)));
    setIfPresent(integer(node, "permittedNumberOfCallsInHalfOpenState", path), b::permittedNumberOfCallsInHalfOpenState);
    return build(path, mark, b::build);
  }

  private RetryRule retry(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "retry");
    String resource = text(node, "resource", path);
    Integer maxAttempts = integer(node, "maxAttempts", path);
    Integer budget = integer(node, "budgetPercent", path);
    Duration window = duration(node, "budgetWindow", path, Duration.ofSeconds(10));
    Integer minRetries = integer(node, "minRetries", path);
    if (maxAttempts == null) {
      problem(path + ".maxAttempts", null, "it is required");
      return null;
    }
    return build(path, mark, () -> new RetryRule(resource, maxAttempts, budget == null ? 20 : budget, window,
        minRetries == null ? 3 : minRetries));
  }

  private TimeoutRule timeout(JsonNode node, String path) {
    int mark = problems.size();
    if (!isObject(node, path)) {
      return null;
    }
    checkFields(node, path, "timeout");
    String resource = text(node, "resource", path);
    Duration timeout = duration(node, "timeout", path, null);
    return build(path, mark, () -> new TimeoutRule(resource, timeout));
  }

  // ---- helpers ----

  private interface Reader<T> {
    T read(JsonNode node, String path);
  }

  private <T> List<T> list(JsonNode parent, String field, Reader<T> reader) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      typeProblem(pathOf(parent, field), node, "an array");
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      T value = reader.read(node.get(i), pathOf(parent, field) + "[" + i + "]");
      if (value != null) {
        out.add(value);
      }
    }
    return out;
  }

  private <T> Map<String, T> map(JsonNode parent, String field, Reader<T> reader) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return Map.of();
    }
    String path = pathOf(parent, field);
    if (!node.isObject()) {
      typeProblem(path, node, "an object");
      return Map.of();
    }
    Map<String, T> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isBlank()) {
        problem(path, e.getKey(), "keys must not be blank");
        continue;
      }
      T value = reader.read(e.getValue(), path + "." + e.getKey());
      if (value != null) {
        out.put(e.getKey(), value);
      }
    }
    return out;
  }

  // The path of a child: the parent's path is tracked by the caller through the node identity.
  private final Map<JsonNode, String> paths = new java.util.IdentityHashMap<>();

  private String pathOf(JsonNode parent, String field) {
    String base = paths.getOrDefault(parent, "$");
    return base + "." + field;
  }

  private boolean isObject(JsonNode node, String path) {
    paths.put(node, path);
    if (!node.isObject()) {
      typeProblem(path, node, "an object");
      return false;
    }
    return true;
  }

  private void checkFields(JsonNode node, String path, String kind) {
    Set<String> allowed = FIELDS.get(kind);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        problems.add(path + "." + name + ": unknown field (allowed here: " + String.join(", ", allowed) + ")");
      }
    }
  }

  private String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      typeProblem(path + "." + field, value, "a string");
      return null;
    }
    return value.asText();
  }

  private Integer integer(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      typeProblem(path + "." + field, value, "a whole number");
      return null;
    }
    return value.intValue();
  }

  private Integer positiveInteger(JsonNode node, String field, String path) {
    Integer value = integer(node, field, path);
    if (value != null && value <= 0) {
      problem(path + "." + field, value, "it must be positive");
      return null;
    }
    return value;
  }

  private Double number(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      typeProblem(path + "." + field, value, "a number");
      return null;
    }
    return value.doubleValue();
  }

  private Duration duration(JsonNode node, String field, String path, Duration fallback) {
    String text = text(node, field, path);
    if (text == null) {
      return fallback;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problem(path + "." + field, text, e.getMessage());
      return fallback;
    }
  }

  private <E extends Enum<E>> E enumValue(JsonNode node, String field, String path, Class<E> type) {
    String text = text(node, field, path);
    return text == null ? null : enumOf(text, path + "." + field, type);
  }

  private <E extends Enum<E>> E enumOf(String text, String path, Class<E> type) {
    try {
      return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(path, text, "it must be one of " + Arrays.toString(type.getEnumConstants()));
      return null;
    }
  }

  private <T> T typeProblem(String path, JsonNode value, String expected) {
    problem(path, value.toString(), "it must be " + expected);
    return null;
  }

  private void problem(String path, Object value, String reason) {
    problems.add(path + ": " + (value == null ? "" : quote(value) + " is invalid: ") + reason);
  }

  /** Quotes strings, prints other values as they are (as {@link RuleValueException}'s messages do). */
  private static String quote(Object value) {
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }

  private <T> T build(String path, int mark, Supplier<T> factory) {
    if (problems.size() > mark) {
      return null; // a field of this object was already reported; do not report its consequences
    }
    try {
      return factory.get();
    } catch (RuleValueException e) {
      problem(path + "." + e.field(), e.value(), e.reason());
      return null;
    } catch (IllegalArgumentException | NullPointerException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  private <T> void duplicates(List<T> rules, String field, java.util.function.Function<T, String> key) {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      String k = key.apply(rules.get(i));
      if (k != null && !seen.add(k)) {
        problem("$." + field + "[" + i + "].resource", k, "another rule of this list has the same resource");
      }
    }
  }

  private static Map<String, Set<String>> fields() {
    Map<String, Set<String>> f = new LinkedHashMap<>();
    f.put("document", set("version", "routes", "loadBalancers", "outlierDetection", "rateLimits", "circuitBreakers",
        "retries", "timeouts"));
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
    return java.util.Collections.unmodifiableMap(f);
  }

  private static Set<String> set(String... names) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names)));
  }

  /** Hands a field's value to the builder when the document has the field. */
  private static <T> void setIfPresent(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
