package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One request of the Nacos open API. Immutable once built.
 *
 * @param method GET, POST, PUT or DELETE
 * @param path the API path after the context path, e.g. {@code /v1/cs/configs}
 * @param query query parameters (null values are left out); unmodifiable
 * @param form form body parameters, sent url-encoded (POST/PUT/DELETE); unmodifiable
 * @param headers extra headers; unmodifiable
 * @param timeout with {@code timeoutPerAttempt} false, the deadline of the whole request across every
 *     server tried, shared among them (each attempt may take what remains divided by the servers left
 *     to try, so that one hung server leaves the others time to answer); with it true, the most one
 *     attempt on one server may take
 * @param resource what the request is about, for errors (a config key, a service)
 * @param timeoutPerAttempt true when {@code timeout} bounds each attempt rather than the whole
 *     request: for long polls, which a server holds for most of their timeout, so that a hung server
 *     costs one attempt and the next server still gets a whole one
 * @param answerIn500 which HTTP 500 answers are this request's answer rather than a server fault to
 *     try the next server for (a failed compare-and-set, a login's verdict on the credentials); by
 *     default none
 */
record NacosRequest(String method, String path, Map<String, String> query, Map<String, String> form,
    Map<String, String> headers, Duration timeout, String resource, boolean timeoutPerAttempt,
    Predicate<NacosResponse> answerIn500) {

  private static final Predicate<NacosResponse> NONE = response -> false;

  NacosRequest {
    query = copy(query);
    form = copy(form);
    headers = copy(headers);
    answerIn500 = answerIn500 == null ? NONE : answerIn500;
  }

  /** A request whose 500 answers are all server faults. */
  NacosRequest(String method, String path, Map<String, String> query, Map<String, String> form,
      Map<String, String> headers, Duration timeout, String resource, boolean timeoutPerAttempt) {
    this(method, path, query, form, headers, timeout, resource, timeoutPerAttempt, NONE);
  }

  /** A request whose {@code timeout} is the deadline of the whole request, across every server tried. */
  NacosRequest(String method, String path, Map<String, String> query, Map<String, String> form,
      Map<String, String> headers, Duration timeout, String resource) {
    this(method, path, query, form, headers, timeout, resource, false);
  }

  static NacosRequest get(String path, Map<String, String> query, Duration timeout, String resource) {
    return new NacosRequest("GET", path, query, Map.of(), Map.of(), timeout, resource);
  }

  static NacosRequest post(String path, Map<String, String> form, Duration timeout, String resource) {
    return new NacosRequest("POST", path, Map.of(), form, Map.of(), timeout, resource);
  }

  /** Returns a DELETE request whose parameters travel in the query string. */
  static NacosRequest delete(String path, Map<String, String> query, Duration timeout, String resource) {
    return new NacosRequest("DELETE", path, query, Map.of(), Map.of(), timeout, resource);
  }

  /** Returns a copy with one more (or a replaced) query parameter. */
  NacosRequest withQuery(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(query);
    more.put(name, value);
    return new NacosRequest(method, path, more, form, headers, timeout, resource, timeoutPerAttempt, answerIn500);
  }

  /** Returns a copy with another deadline. */
  NacosRequest withTimeout(Duration newTimeout) {
    return new NacosRequest(method, path, query, form, headers, newTimeout, resource, timeoutPerAttempt,
        answerIn500);
  }

  /**
   * Returns the request without its form values, for logs: form bodies may carry a password or a
   * config's content, query strings an access token.
   */
  @Override
  public String toString() {
    return method + " " + path + " (" + resource + ")";
  }

  /** Returns a copy that takes the HTTP 500 answers {@code answers} accepts as its answer, not as a fault. */
  NacosRequest answeringIn500(Predicate<NacosResponse> answers) {
    return new NacosRequest(method, path, query, form, headers, timeout, resource, timeoutPerAttempt, answers);
  }

  /** Returns a copy with one more header. */
  NacosRequest withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new NacosRequest(method, path, query, form, more, timeout, resource, timeoutPerAttempt, answerIn500);
  }

  private static Map<String, String> copy(Map<String, String> map) {
    Map<String, String> copy = new LinkedHashMap<>();
    if (map != null) {
      map.forEach((k, v) -> {
        if (v != null) {
          copy.put(k, v);
        }
      });
    }
    return java.util.Collections.unmodifiableMap(copy);
  }
}
