package io.mse.client.dubbo.governance;

import io.mse.client.governance.TagContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.rpc.RpcException;

/** A {@link Greeter} answering with its label; it can be told to fail, and counts its calls. */
final class LabelledGreeter implements Greeter {

  final String label;
  final AtomicInteger calls = new AtomicInteger();
  /** When set, {@link #hello} fails as a provider that is broken (not a business exception). */
  final AtomicBoolean failing = new AtomicBoolean();
  /** How long {@link #hello} works before answering, in milliseconds. */
  final AtomicInteger helloMillis = new AtomicInteger();

  LabelledGreeter(String label) {
    this.label = label;
  }

  @Override
  public String hello(String name) {
    calls.incrementAndGet();
    work(helloMillis.get());
    if (failing.get()) {
      throw new RpcException(RpcException.UNKNOWN_EXCEPTION, label + " is failing");
    }
    return label + ": hello " + name;
  }

  @Override
  public CompletableFuture<String> helloAsync(String name) {
    try {
      return CompletableFuture.completedFuture(hello(name));
    } catch (RpcException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String tagSeen() {
    String tag = TagContext.current();
    return tag == null ? "none" : tag;
  }

  @Override
  public String slow(int millis) {
    calls.incrementAndGet();
    work(millis);
    return label;
  }

  /** The provider's work taking time (a slow method, not a test waiting for time to pass). */
  private static void work(int millis) {
    if (millis <= 0) {
      return;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String broken() {
    calls.incrementAndGet();
    throw new IllegalStateException(label + " says no");
  }
}
