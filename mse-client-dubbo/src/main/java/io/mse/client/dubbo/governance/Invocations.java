package io.mse.client.dubbo.governance;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.support.RpcUtils;

/**
 * What the mse extensions read from and leave on a Dubbo {@link Invocation}: the
 * {@link GovernedRequest} of a call (service = the interface, resource = {@code interface#method}),
 * the tag, and the invocation attributes (local, never sent) through which the cluster filter, the
 * router and the per-attempt filter of one call share the request, the router that routed it and
 * the providers that failed it. Resource names and provider-side requests are cached per interface
 * and method (bounded). Thread-safe.
 */
final class Invocations {

  /** Attribute: the call's {@link GovernedRequest}, set by the cluster filter. */
  static final String REQUEST = "mse.governance.request";
  /** Attribute: the {@link io.mse.client.governance.CandidateRouter} that routed the call, set by the router. */
  static final String ROUTER = "mse.governance.router";
  /** Attribute: the refusal of an attempt by the circuit breaker, repeated to Dubbo's own retries. */
  static final String REFUSED = "mse.governance.refused";
  /** Attribute: the addresses ({@code host:port}) of providers whose attempt failed, for retries elsewhere. */
  static final String FAILED_PROVIDERS = "mse.governance.failed";

  /** The most interfaces-and-methods cached; calls past it build their names each time. */
  private static final int MAX_CACHED = 10_000;

  /** One method of one interface: its resource, its path, its provider-side request. */
  private record MethodKey(String resource, String path, GovernedRequest providerRequest) {}

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, MethodKey>> keys = new ConcurrentHashMap<>();
  private int cached; // approximate; racy increments only delay the bound

  /**
   * Returns the consumer-side request of a call through the reference of {@code consumerUrl}:
   * service = interface, resource = {@code interface#method}, method, path
   * {@code /interface/method}, caller = the consumer's application, tag = {@code tag} (else the
   * reference's static {@code dubbo.tag}), headers = the invocation's string attachments,
   * idempotent = the method's {@value MseDubboGovernance#IDEMPOTENT_KEY} parameter.
   */
  GovernedRequest consumer(URL consumerUrl, Invocation invocation, String tag) {
    String service = consumerUrl.getServiceInterface();
    String method = RpcUtils.getMethodName(invocation);
    MethodKey key = key(service, method);
    GovernedRequest.Builder b = GovernedRequest.builder(service).resource(key.resource).method(method).path(key.path)
        .caller(consumerUrl.getApplication())
        .tag(tag != null ? tag : consumerUrl.getParameter(CommonConstants.TAG_KEY))
        .idempotent(consumerUrl.getMethodParameter(method, MseDubboGovernance.IDEMPOTENT_KEY, true));
    for (Map.Entry<String, Object> attachment : invocation.getObjectAttachments().entrySet()) {
      if (attachment.getValue() instanceof String value) {
        b.header(attachment.getKey(), value);
      }
    }
    return b.build();
  }

  /** Returns the provider-side request of a call (service, resource, method, path), cached. */
  GovernedRequest provider(URL providerUrl, Invocation invocation) {
    return key(providerUrl.getServiceInterface(), RpcUtils.getMethodName(invocation)).providerRequest;
  }

  private MethodKey key(String service, String method) {
    ConcurrentHashMap<String, MethodKey> methods = keys.get(service);
    MethodKey key = methods == null ? null : methods.get(method);
    if (key != null) {
      return key;
    }
    String resource = service + "#" + method;
    String path = "/" + service + "/" + method;
    key = new MethodKey(resource, path,
        GovernedRequest.builder(service).resource(resource).method(method).path(path).build());
    if (cached < MAX_CACHED) {
      cached++;
      keys.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).putIfAbsent(method, key);
    }
    return key;
  }

  /**
   * Returns the tag of an outbound call: the invocation's {@value CommonConstants#TAG_KEY} attachment
   * (set by the caller), else {@link TagContext#current()}, which is then attached; null when neither.
   */
  static String outboundTag(Invocation invocation) {
    String tag = invocation.getAttachment(CommonConstants.TAG_KEY);
    if (tag != null && !tag.isEmpty()) {
      return tag;
    }
    tag = TagContext.current();
    if (tag != null) {
      invocation.setAttachment(CommonConstants.TAG_KEY, tag);
    }
    return tag;
  }

  /**
   * Returns the tag of an inbound call: its {@value CommonConstants#TAG_KEY} attachment, else its
   * {@value TagContext#HEADER} one; null when neither.
   */
  static String inboundTag(Invocation invocation) {
    String tag = invocation.getAttachment(CommonConstants.TAG_KEY);
    if (tag == null || tag.isEmpty()) {
      tag = invocation.getAttachment(TagContext.HEADER);
    }
    return tag == null || tag.isEmpty() ? null : tag;
  }

  /** Records that the attempt on the provider at {@code address} failed, so a retry goes elsewhere. */
  static void failedOn(Invocation invocation, String address) {
    @SuppressWarnings("unchecked")
    List<String> failed = (List<String>) invocation.get(FAILED_PROVIDERS);
    if (failed == null) {
      failed = new ArrayList<>(2);
      invocation.put(FAILED_PROVIDERS, failed);
    }
    failed.add(address);
  }

  /** Returns the addresses of the providers whose attempt of this call failed; null when none. */
  @SuppressWarnings("unchecked")
  static List<String> failedProviders(Invocation invocation) {
    return (List<String>) invocation.get(FAILED_PROVIDERS);
  }
}
