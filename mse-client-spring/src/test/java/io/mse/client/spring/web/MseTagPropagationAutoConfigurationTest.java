package io.mse.client.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextRegistry;
import io.mse.client.governance.TagContext;
import io.mse.client.spring.MseAutoConfiguration;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** The tag-propagation beans, where they stand back, and what each one does with the tag. */
class MseTagPropagationAutoConfigurationTest {

  @TempDir
  static Path snapshots;

  private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(MseAutoConfiguration.class,
      MseTagPropagationAutoConfiguration.class);

  @Test
  void servletApplicationsGetTheFilterForEveryDispatchAndTheTaskDecorator() {
    new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots).run(context -> {
          assertThat(context).hasSingleBean(MseTagTaskDecorator.class).doesNotHaveBean(MseTagWebFilter.class);
          FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
          assertThat(registration.getFilter()).isInstanceOf(MseTagServletFilter.class);
          assertThat(registration.getOrder()).isEqualTo(MseTagServletFilter.ORDER);
          assertThat(registration.determineDispatcherTypes()).contains(DispatcherType.REQUEST, DispatcherType.ASYNC,
              DispatcherType.ERROR);
        });
  }

  @Test
  void webFluxApplicationsGetTheWebFilter() {
    new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots).run(context -> {
          assertThat(context).hasSingleBean(MseTagWebFilter.class).hasSingleBean(MseTagTaskDecorator.class)
              .doesNotHaveBean(FilterRegistrationBean.class);
        });
  }

  @Test
  void standsBackWhenTurnedOffOrForTheApplicationsOwnBeans() {
    new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots, "mse.tag-propagation.enabled=false").run(context ->
            assertThat(context).doesNotHaveBean(MseTagTaskDecorator.class).doesNotHaveBean(FilterRegistrationBean.class));
    new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots).withUserConfiguration(OwnFilter.class).run(context ->
            assertThat(context.getBeansOfType(MseTagWebFilter.class)).containsOnlyKeys("ownFilter"));
    new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots).run(context ->
            assertThat(context).hasSingleBean(TaskDecorator.class).doesNotHaveBean(MseTagWebFilter.class)
                .doesNotHaveBean(FilterRegistrationBean.class));
  }

  @Test
  void theServletFilterHoldsTheTagWhileTheRequestIsServedThenRestoresThePreviousOne() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
    request.addHeader(TagContext.HEADER, "gray");
    AtomicReference<String> seen = new AtomicReference<>();
    TagContext.set("stale");
    try {
      new MseTagServletFilter().doFilter(request, new MockHttpServletResponse(),
          new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req,
                jakarta.servlet.http.HttpServletResponse res) {
              seen.set(TagContext.current());
            }
          }));
      assertThat(seen).hasValue("gray");
      assertThat(TagContext.current()).isEqualTo("stale");

      new MseTagServletFilter().doFilter(new MockHttpServletRequest("GET", "/y"), new MockHttpServletResponse(),
          (req, res) -> seen.set(TagContext.current()));
      assertThat(seen.get()).as("a request without the header is served with no tag").isNull();
    } finally {
      TagContext.set(null);
    }
  }

  @Test
  void theWebFilterPutsTheTagInTheReactorContextOfTheRequestsPipeline() {
    AtomicReference<String> seen = new AtomicReference<>();
    WebFilterChain chain = exchange -> Mono.deferContextual(context -> {
      seen.set(ReactorTagContext.tag(context));
      return Mono.empty();
    });

    new MseTagWebFilter().filter(MockServerWebExchange.from(MockServerHttpRequest.get("/x")
        .header(TagContext.HEADER, "gray")), chain).block();
    assertThat(seen).hasValue("gray");

    new MseTagWebFilter().filter(MockServerWebExchange.from(MockServerHttpRequest.get("/x")), chain).block();
    assertThat(seen.get()).isNull();
  }

  @Test
  void theTaskDecoratorCarriesTheSubmittersTagAndRestoresTheWorkersOwn() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      worker.submit(() -> TagContext.set("worker's own")).get();
      Runnable task;
      AtomicReference<String> seen = new AtomicReference<>();
      TagContext.Scope scope = TagContext.open("gray");
      try {
        task = new MseTagTaskDecorator().decorate(() -> seen.set(TagContext.current()));
      } finally {
        scope.close();
      }

      CompletableFuture.runAsync(task, worker).get();

      assertThat(seen).hasValue("gray");
      assertThat(worker.submit(TagContext::current).get()).isEqualTo("worker's own");
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void contextPropagationKnowsTheTagUnderTheReactorContextKey() {
    assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
        .anySatisfy(accessor -> {
          assertThat(accessor).isInstanceOf(TagThreadLocalAccessor.class);
          assertThat(accessor.key()).isEqualTo(ReactorTagContext.KEY);
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    MseTagWebFilter ownFilter() {
      return new MseTagWebFilter();
    }
  }
}
