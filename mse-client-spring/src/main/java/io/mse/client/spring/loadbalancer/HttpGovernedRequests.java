package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.MseProperties.ResourceNaming;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpHeaders;

/**
 * Turns an outbound HTTP request to a service into the {@link GovernedRequest} governance decides
 * on, for the blocking and the reactive adapters alike: service = the URI's host, group =
 * {@code mse.discovery.group}, method, raw path, every header value, the tag, idempotency by method,
 * and the resource by {@code mse.loadbalancer.resource-naming}. Immutable and thread-safe.
 */
final class HttpGovernedRequests {

  /** The request attribute under which RestClient keeps the URI template it was given. */
  static final String REST_CLIENT_URI_TEMPLATE = "org.springframework.web.client.RestClient.uriTemplate";
  /** The request attribute under which WebClient keeps the URI template it was given. */
  static final String WEB_CLIENT_URI_TEMPLATE = "org.springframework.web.reactive.function.client.WebClient.uriTemplate";

  /** The methods RFC 9110 defines as idempotent. */
  private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  private final String group;
  private final ResourceNaming naming;
  private final boolean retryNonIdempotent;

  HttpGovernedRequests(String group, ResourceNaming naming, boolean retryNonIdempotent) {
    this.group = Objects.requireNonNull(group, "group");
    this.naming = Objects.requireNonNull(naming, "naming");
    this.retryNonIdempotent = retryNonIdempotent;
  }

  /** Reads the group and naming settings of {@code properties}. */
  static HttpGovernedRequests of(MseProperties properties) {
    MseProperties.LoadBalancer lb = properties.getLoadbalancer();
    return new HttpGovernedRequests(properties.getDiscovery().getGroup(), lb.getResourceNaming(),
        lb.isRetryNonIdempotent());
  }

  /** Returns the group the called services are looked up in. */
  String group() {
    return group;
  }

  /**
   * Returns the service a request is addressed to: its URI's host.
   *
   * @throws IllegalStateException when the URI has no host, naming it
   */
  static String service(URI uri) {
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalStateException("the load-balanced request's URI '" + uri
          + "' is invalid: its host must be the name of the service to call");
    }
    return host;
  }

  /**
   * Returns the tag of a request: its own {@value TagContext#HEADER} header, else {@code contextTag}
   * (nullable: the Reactor context's or the thread's).
   */
  static String tag(HttpHeaders headers, String contextTag) {
    String own = headers.getFirst(TagContext.HEADER);
    return own != null && !own.isBlank() ? own : contextTag;
  }

  /**
   * Builds the governed request of an outbound HTTP request: service = the URI's host, the URI
   * template from {@code attributes}, the tag as {@link #tag} finds it.
   *
   * @param contextTag the tag of the caller's context (Reactor context or thread); nullable
   * @throws IllegalStateException when the URI has no host
   */
  GovernedRequest of(String method, URI uri, HttpHeaders headers, Map<String, Object> attributes, String contextTag) {
    return build(service(uri), method, uri, headers, uriTemplate(attributes), tag(headers, contextTag));
  }

  /**
   * Builds the governed request.
   *
   * @param service the called service (the URI's host)
   * @param method the HTTP method
   * @param uri the request's URI (its raw path is matched by routes)
   * @param headers the request's headers, every value of each passed on
   * @param uriTemplate the URI template the client was given; nullable
   * @param tag the request's tag (see {@link #tag}); nullable. When the request lacks the header, it is
   *     added to the governed request's headers too, as the outbound request will carry it
   */
  GovernedRequest build(String service, String method, URI uri, HttpHeaders headers, String uriTemplate,
      String tag) {
    GovernedRequest.Builder b = GovernedRequest.builder(service).group(group).method(method)
        .path(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()).tag(tag)
        .idempotent(retryNonIdempotent || IDEMPOTENT_METHODS.contains(method))
        .resource(resource(service, method, uriTemplate));
    headers.forEach((name, values) -> {
      for (String value : values) {
        b.addHeader(name, value);
      }
    });
    if (tag != null && !headers.containsHeader(TagContext.HEADER)) {
      b.header(TagContext.HEADER, tag);
    }
    return b.build();
  }

  /** Returns the resource of a call by the naming setting; see {@link ResourceNaming}. */
  String resource(String service, String method, String uriTemplate) {
    switch (naming) {
      case SERVICE:
        return service;
      case METHOD:
        return service + ":" + method;
      default:
        String path = uriTemplate == null ? null : templatePath(uriTemplate);
        return path == null ? service + ":" + method : service + ":" + method + " " + path;
    }
  }

  /**
   * Returns the path of a URI template (no scheme, authority, query or fragment), {@code /} for an
   * empty one; null when {@code template} is blank.
   */
  static String templatePath(String template) {
    if (template.isBlank()) {
      return null;
    }
    int start = 0;
    int scheme = template.indexOf("://");
    if (scheme >= 0) {
      int slash = template.indexOf('/', scheme + 3);
      start = slash < 0 ? template.length() : slash;
    }
    int end = template.length();
    for (int i = start; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String path = template.substring(start, end);
    if (path.isEmpty()) {
      return "/";
    }
    return path.charAt(0) == '/' ? path : "/" + path;
  }

  /** Returns the URI template among a request's attributes (RestClient's or WebClient's); null when none. */
  static String uriTemplate(Map<String, Object> attributes) {
    Object template = attributes.get(REST_CLIENT_URI_TEMPLATE);
    if (template == null) {
      template = attributes.get(WEB_CLIENT_URI_TEMPLATE);
    }
    return template instanceof String ? (String) template : null;
  }
}
