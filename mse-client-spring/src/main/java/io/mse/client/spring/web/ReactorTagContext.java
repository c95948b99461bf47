package io.mse.client.spring.web;

import io.mse.client.governance.TagContext;
import reactor.util.context.ContextView;

/**
 * Where the tag (gray label) lives in a Reactor pipeline: under the key {@value #KEY} of the
 * subscriber's {@code Context}, written by {@link MseTagWebFilter} for the request it serves and
 * read by the load-balanced {@code WebClient} filter. With Micrometer context-propagation on the
 * class path, the same key names {@link TagThreadLocalAccessor}, so that Reactor's automatic
 * context propagation ({@code spring.reactor.context-propagation=auto}) also restores
 * {@link TagContext} around operators, and {@code block()} captures the thread's tag. Stateless.
 */
public final class ReactorTagContext {

  /** The Reactor context key of the tag, and the context-propagation key of its thread-local: {@value}. */
  public static final String KEY = "mse.tag";

  private ReactorTagContext() {}

  /** Returns the tag held by {@code context}; null when it holds none. */
  public static String tag(ContextView context) {
    Object tag = context.getOrDefault(KEY, null);
    return tag instanceof String ? (String) tag : null;
  }

  /**
   * Returns the tag of a reactive call: the one in {@code context}, else the current thread's
   * ({@link TagContext#current()}, the tag of a blocking caller that subscribes); null when neither.
   */
  public static String current(ContextView context) {
    String tag = tag(context);
    return tag != null ? tag : TagContext.current();
  }
}
