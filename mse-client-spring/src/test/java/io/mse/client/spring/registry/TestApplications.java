package io.mse.client.spring.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Small applications started by the tests on a random port: a fast endpoint and a slow one held by a latch. */
final class TestApplications {

  private TestApplications() {}

  /** Holds {@code /slow} until released; reset by each test. */
  static final class Gate {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    static void reset() {
      entered = new CountDownLatch(1);
      release = new CountDownLatch(1);
    }

    static void awaitEntered() throws InterruptedException {
      if (!entered.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("the slow request did not arrive");
      }
    }
  }

  /** A Spring MVC application. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ServletApp {

    @RestController
    static class Endpoints {
      @GetMapping("/hello")
      String hello() {
        return "hello";
      }

      @GetMapping("/slow")
      String slow() throws InterruptedException {
        Gate.entered.countDown();
        if (!Gate.release.await(60, TimeUnit.SECONDS)) {
          return "never released";
        }
        return "slow";
      }
    }
  }

  /** A WebFlux application. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ReactiveApp {

    @RestController
    static class Endpoints {
      @GetMapping("/hello")
      Mono<String> hello() {
        return Mono.just("hello");
      }

      @GetMapping("/slow")
      Mono<String> slow() {
        Gate.entered.countDown();
        CountDownLatch release = Gate.release;
        return Mono.fromFuture(CompletableFuture.supplyAsync(() -> {
          try {
            return release.await(60, TimeUnit.SECONDS) ? "slow" : "never released";
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
          }
        })).timeout(Duration.ofSeconds(90));
      }
    }
  }

  /** A configuration for a child context that runs the auto-configurations, as a SpringApplicationBuilder child does. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ChildApp {}
}
