package io.mse.client.spring.web;

import io.mse.client.governance.TagContext;
import org.springframework.core.task.TaskDecorator;

/**
 * Carries the submitting thread's tag ({@link TagContext#current()}) into the task: set while the
 * task runs, the worker's previous value restored after. Spring Boot applies every
 * {@link TaskDecorator} bean to the executors it auto-configures ({@code applicationTaskExecutor},
 * which runs {@code @Async} methods and Spring MVC's async request processing, and the task
 * scheduler); an executor built by the application gets it only if the application sets it.
 * Stateless and thread-safe.
 */
public class MseTagTaskDecorator implements TaskDecorator {

  @Override
  public Runnable decorate(Runnable runnable) {
    String tag = TagContext.current();
    return () -> {
      TagContext.Scope scope = TagContext.open(tag);
      try {
        runnable.run();
      } finally {
        scope.close();
      }
    };
  }
}
