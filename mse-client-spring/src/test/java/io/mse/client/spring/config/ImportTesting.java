package io.mse.client.spring.config;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starting applications that import configs, on the embedded engine unless told otherwise. */
final class ImportTesting {

  private ImportTesting() {}

  /** A dataId no other test uses: {@code <prefix>-<random>.<extension>}. */
  static String dataId(String name) {
    int dot = name.lastIndexOf('.');
    String random = UUID.randomUUID().toString().substring(0, 8);
    return dot < 0 ? name + "-" + random : name.substring(0, dot) + "-" + random + name.substring(dot);
  }

  /** A client of the embedded engine to publish with. */
  static MseClient publisher(Path snapshots) {
    return MseClient.builder().snapshotDir(snapshots.resolve("publisher")).build();
  }

  /** Starts {@link DemoApp} (or the given sources) with command-line arguments {@code --name=value}. */
  static ConfigurableApplicationContext start(Path snapshots, Class<?> source, String... properties) {
    List<String> args = new ArrayList<>();
    args.add("--mse.snapshot-dir=" + snapshots.resolve("app"));
    for (String property : properties) {
      args.add("--" + property);
    }
    return builder(source).run(args.toArray(String[]::new));
  }

  static SpringApplicationBuilder builder(Class<?> source) {
    return new SpringApplicationBuilder(source).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false);
  }
}
