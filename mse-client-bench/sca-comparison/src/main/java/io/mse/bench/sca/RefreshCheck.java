package io.mse.bench.sca;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Check (a): an application of one stack imports a refreshable properties config from Nacos 2.x;
 * inside it, {@code RefreshRun} publishes N changes (open API) and times publish -> change at the
 * client -> new value in the {@code @ConfigurationProperties} bean and in the {@code @RefreshScope}
 * bean, and the gap between the two beans, as an observer thread reading them sees it.
 */
final class RefreshCheck {

  private final NacosServer server;
  private final Path logDir;
  private final String run;

  RefreshCheck(NacosServer server, Path logDir, String run) {
    this.server = server;
    this.logDir = logDir;
    this.run = run;
  }

  /** Returns the application's report (one figure a line, milliseconds). */
  String measure(Stack stack, int changes, MseClient publisher) throws Exception {
    String dataId = "cmp-" + run + "-refresh-" + stack.name().toLowerCase() + ".properties";
    publisher.config().publishConfig(dataId, "CMP", "cmp.value=v0-0\n", "properties");
    ScaComparison.await("config " + dataId + " served", () -> "cmp.value=v0-0\n".equals(publisher.config()
        .getConfig(dataId, "CMP")));
    List<String> args = new ArrayList<>(stack.serverArguments(server));
    args.add("--spring.application.name=cmp-refresh-" + run + "-" + stack.name().toLowerCase());
    args.add(stack.importOf(dataId, "CMP"));
    args.addAll(stack.ipOverrides("127.0.0.1"));
    try (ForkedApp app = ForkedApp.start(stack, stack.name().toLowerCase() + "-refresh", logDir, args)) {
      app.awaitReady();
      return app.post("/control/refresh-run?server=" + server.address() + "&dataId=" + dataId + "&group=CMP&changes="
          + changes);
    } finally {
      publisher.config().removeConfig(dataId, "CMP");
    }
  }
}
