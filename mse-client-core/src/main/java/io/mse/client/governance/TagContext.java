package io.mse.client.governance;

/**
 * The tag (gray/canary label) of the inbound request the current thread is serving, so that
 * outbound adapters carry it on: an inbound adapter calls {@link #set(String)} (or
 * {@link #open(String)}) with the value of the {@value #HEADER} header, and the OkHttp interceptor
 * adds that header to every outbound call made on the thread. Thread-safe (one value per thread).
 */
public final class TagContext {

  /** The header that carries the tag, lower case: {@value}. */
  public static final String HEADER = "x-mse-tag";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private TagContext() {}

  /** Returns the current thread's tag; null when none. */
  public static String current() {
    return CURRENT.get();
  }

  /** Sets the current thread's tag; null clears it. */
  public static void set(String tag) {
    if (tag == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(tag);
    }
  }

  /**
   * Sets the current thread's tag until the returned scope is closed, which restores the previous one.
   *
   * <pre>{@code try (TagContext.Scope ignored = TagContext.open(request.getHeader(TagContext.HEADER))) { ... } }</pre>
   */
  public static Scope open(String tag) {
    String previous = CURRENT.get();
    set(tag);
    return () -> set(previous);
  }

  /** Restores the previous tag when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
