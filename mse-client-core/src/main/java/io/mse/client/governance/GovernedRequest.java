package io.mse.client.governance;

import java.util.Collections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What governance knows about one outbound call: the called service and resource, and the request
 * attributes routes match on. Immutable and thread-safe once built; a request may be reused for many
 * calls.
 *
 * <p>The resource names the rules of rate limits, circuit breakers, retries and timeouts, for
 * example {@code inventory-service:GET /orders}; it defaults to the service name. A resource rule
 * applies to the resource, else to its service, else to the {@code *} rule. Keep the number of
 * distinct resources bounded (no ids in them): each one holds its own counters.
 *
 * <p>A header may have several values ({@link Builder#addHeader}): a route's header condition holds
 * when any of them equals the expected value; {@link #header} and {@link #headers} give the first.
 */
public final class GovernedRequest {

  private final String service;
  private final String group;
  private final String resource;
  private final String method;
  private final String path;
  private final Map<String, String> headers;
  /** All values of the headers that have more than one; empty when none has. */
  private final Map<String, List<String>> repeatedHeaders;
  private final String caller;
  private final String tag;
  private final String hashKey;
  private final boolean idempotent;

  private GovernedRequest(Builder b) {
    this.service = b.service;
    this.group = b.group == null || b.group.isBlank() ? "DEFAULT_GROUP" : b.group;
    this.resource = b.resource == null ? b.service : b.resource;
    this.method = b.method;
    this.path = b.path;
    Map<String, String> first = new HashMap<>();
    Map<String, List<String>> repeated = new HashMap<>();
    b.headers.forEach((name, values) -> {
      first.put(name, values.get(0));
      if (values.size() > 1) {
        repeated.put(name, List.copyOf(values));
      }
    });
    this.headers = first.isEmpty() ? Map.of() : Collections.unmodifiableMap(first);
    this.repeatedHeaders = repeated.isEmpty() ? Map.of() : Collections.unmodifiableMap(repeated);
    this.caller = b.caller;
    this.tag = b.tag != null ? b.tag : headers.get(TagContext.HEADER);
    this.hashKey = b.hashKey;
    this.idempotent = b.idempotent;
  }

  /** Returns a request to {@code service} with no other attribute; resource = service. */
  public static GovernedRequest of(String service) {
    return builder(service).build();
  }

  /**
   * Returns a builder of a request to {@code service}.
   *
   * @param service the called service's name; non-blank
   * @throws IllegalArgumentException when {@code service} is blank
   */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** Returns the called service; never null. */
  public String service() {
    return service;
  }

  /** Returns the service's group; {@code DEFAULT_GROUP} unless set. */
  public String group() {
    return group;
  }

  /** Returns the resource the resource rules are looked up by; the service name unless set. */
  public String resource() {
    return resource;
  }

  /** Returns the method in upper case; null when not set. */
  public String method() {
    return method;
  }

  /** Returns the path; null when not set. */
  public String path() {
    return path;
  }

  /** Returns the headers with their first values, names in lower case; unmodifiable, empty when none. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Returns the first value of a header by its lower-case name; null when absent. */
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /**
   * Returns every value of a header by its lower-case name, in the order added; unmodifiable, empty
   * when absent.
   */
  public List<String> headerValues(String lowerCaseName) {
    List<String> values = repeatedHeaders.get(lowerCaseName);
    if (values != null) {
      return values;
    }
    String value = headers.get(lowerCaseName);
    return value == null ? List.of() : List.of(value);
  }

  /** Returns the calling application; null when not set. */
  public String caller() {
    return caller;
  }

  /** Returns the tag: the one set, else the {@value TagContext#HEADER} header; null when neither. */
  public String tag() {
    return tag;
  }

  /** Returns the consistent-hash key; null when not set (the load balancer rule's source is then used). */
  public String hashKey() {
    return hashKey;
  }

  /**
   * Returns whether the request may be sent more than once: true (the default) lets
   * {@link Governance#call} retry any failed attempt; false lets it retry only an attempt that
   * certainly did not reach the server (its failure, or a cause, is a
   * {@link java.net.ConnectException}, {@link java.net.NoRouteToHostException} or
   * {@link java.net.UnknownHostException}).
   */
  public boolean idempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return "GovernedRequest[" + resource + (method == null ? "" : " " + method) + (path == null ? "" : " " + path)
        + (tag == null ? "" : " tag=" + tag) + "]";
  }

  /** Builds a {@link GovernedRequest}. Not thread-safe. */
  public static final class Builder {
    private final String service;
    private String group;
    private String resource;
    private String method;
    private String path;
    private final Map<String, List<String>> headers = new HashMap<>();
    private String caller;
    private String tag;
    private String hashKey;
    private boolean idempotent = true;

    private Builder(String service) {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("service '" + service + "' is invalid: it must not be blank");
      }
      this.service = service;
    }

    /** Sets the service's group; null or blank means {@code DEFAULT_GROUP}. */
    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** Sets the resource; default the service name. */
    public Builder resource(String resource) {
      if (resource == null || resource.isBlank()) {
        throw new IllegalArgumentException("resource '" + resource + "' is invalid: it must not be blank");
      }
      this.resource = resource;
      return this;
    }

    /** Sets the method (upper-cased). */
    public Builder method(String method) {
      this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
      return this;
    }

    /** Sets the path. */
    public Builder path(String path) {
      this.path = path;
      return this;
    }

    /** Sets a header, replacing any value it had; the name is lower-cased; a null value removes it. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (value == null) {
        headers.remove(name.toLowerCase(Locale.ROOT));
      } else {
        List<String> values = new ArrayList<>(1);
        values.add(value);
        headers.put(name.toLowerCase(Locale.ROOT), values);
      }
      return this;
    }

    /**
     * Adds a value to a header, keeping the values it already has (as HTTP allows a header to be
     * repeated); the name is lower-cased.
     *
     * @throws NullPointerException when {@code name} or {@code value} is null
     */
    public Builder addHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1)).add(value);
      return this;
    }

    /** Sets the calling application's name. */
    public Builder caller(String caller) {
      this.caller = caller;
      return this;
    }

    /** Sets the tag; default the {@value TagContext#HEADER} header's value. */
    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    /** Sets the consistent-hash key. */
    public Builder hashKey(String hashKey) {
      this.hashKey = hashKey;
      return this;
    }

    /**
     * Sets whether the request may be sent more than once (see {@link GovernedRequest#idempotent()});
     * default true. Set false for calls that must not be repeated, such as an HTTP POST.
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /** Builds the request. */
    public GovernedRequest build() {
      return new GovernedRequest(this);
    }
  }
}
