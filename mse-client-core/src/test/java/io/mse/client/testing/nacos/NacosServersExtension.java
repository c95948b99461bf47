package io.mse.client.testing.nacos;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Provides one run of a {@link NacosConformance} class per server; see {@link NacosServers}. */
public final class NacosServersExtension implements ClassTemplateInvocationContextProvider, ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("class already admitted");
    }
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
    return NacosServers.targets().stream().map(ServerRun::new);
  }

  private record ServerRun(NacosServerTarget target) implements ClassTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + target + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new ParameterResolver() {
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
}
