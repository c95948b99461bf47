package io.mse.client.spring.web;

import io.mse.client.governance.TagContext;
import io.micrometer.context.ThreadLocalAccessor;

/**
 * Micrometer context-propagation's view of {@link TagContext}, under the key
 * {@value ReactorTagContext#KEY}. Registered through {@code META-INF/services} whenever
 * context-propagation is on the class path, so that what propagates Micrometer contexts carries the
 * tag too: Reactor's automatic context propagation ({@code spring.reactor.context-propagation=auto}
 * in Spring Boot), which restores the tag of the Reactor context into {@link TagContext} around
 * operators and captures the thread's tag on {@code block()}; Spring's
 * {@code ContextPropagatingTaskDecorator}; {@code ContextSnapshot}-wrapped executors. Stateless and
 * thread-safe.
 */
public final class TagThreadLocalAccessor implements ThreadLocalAccessor<String> {

  @Override
  public Object key() {
    return ReactorTagContext.KEY;
  }

  /** Returns the current thread's tag; null when none. */
  @Override
  public String getValue() {
    return TagContext.current();
  }

  /** Sets the current thread's tag. */
  @Override
  public void setValue(String value) {
    TagContext.set(value);
  }

  /** Clears the current thread's tag. */
  @Override
  public void setValue() {
    TagContext.set(null);
  }
}
