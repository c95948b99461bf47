package io.mse.client.testing.nacos;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Provides one run of a {@link NacosConformance} class per server (see {@link NacosServers}), skips a
 * class when there is no server, and stops the servers this JVM started when the test plan ends. A
 * plain test class that calls {@link NacosServers} directly registers it with {@code @ExtendWith}.
 */
public final class NacosServersExtension implements ClassTemplateInvocationContextProvider, ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("class already admitted");
    }
    stopServersAtTheEnd(context);
    return NacosServers.targets().isEmpty()
        ? ConditionEvaluationResult.disabled("Nacos conformance skipped: " + NacosServers.absence())
        : ConditionEvaluationResult.enabled("Nacos servers: " + NacosServers.targets());
  }

  @Override
  public boolean supportsClassTemplate(ExtensionContext context) {
    return true;
  }

  @Override
  public boolean mayReturnZeroClassTemplateInvocationContexts(ExtensionContext context) {
    return true;
  }

  @Override
  public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
    stopServersAtTheEnd(context);
    return NacosServers.targets().stream().map(ServerRun::new);
  }

  /** Servers this JVM started stop when the whole test plan is done, not after each class. */
  private static void stopServersAtTheEnd(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(NacosServers.class, k -> new StopServers(), StopServers.class);
  }

  /** Closed by JUnit with the root context, once the whole test plan has run. */
  @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable from it on
  private static final class StopServers implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      NacosServers.stopOwn();
    }
  }

  private record ServerRun(NacosServerTarget target) implements ClassTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + target + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new RunReport(target), new ParameterResolver() {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
          return parameter.getParameter().getType() == NacosServerTarget.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
          return target;
        }
      });
    }
  }

  /**
   * Prints one line per class and server when the class has run on it, so that the build log names the
   * server of every result: {@code NacosConfigConformanceIT on [Nacos 3.0.3 at ..., auth]: 5 passed,
   * 1 failed (compareAndSet...), 0 skipped}.
   */
  private static final class RunReport implements TestWatcher, AfterClassTemplateInvocationCallback {
    private final NacosServerTarget target;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();

    RunReport(NacosServerTarget target) {
      this.target = target;
    }

    private void count(String outcome) {
      counts.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
      count("passed");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      count("failed");
      failed.add(context.getDisplayName());
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
      count("skipped");
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
      count("skipped");
    }

    @Override
    public void afterClassTemplateInvocation(ExtensionContext context) {
      System.err.printf("[nacos-conformance] %s on [%s]: %d passed, %d failed%s, %d skipped%n",
          context.getRequiredTestClass().getSimpleName(), target, get("passed"), get("failed"),
          failed.isEmpty() ? "" : " " + failed, get("skipped"));
    }

    private int get(String outcome) {
      AtomicInteger n = counts.get(outcome);
      return n == null ? 0 : n.get();
    }
  }
}
