package io.mse.client.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts a class of the test class path in a JVM of its own, for what a test cannot do to its own JVM:
 * kill it mid-write ({@code SIGKILL}), or run it under a file size limit ({@code ulimit -f}, which
 * makes writes past the limit fail with EFBIG, as a full disk does with ENOSPC). Not thread-safe.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * Starts {@code main} with {@code args}; stderr goes to {@code stderr}, stdout is the process's input
   * stream for the caller to read.
   *
   * @param fileSizeLimitKib the most a file may grow to, in KiB ({@code ulimit -f}); null for no limit
   */
  public static Process start(Class<?> main, Integer fileSizeLimitKib, Path stderr, String... args)
      throws IOException {
    List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main.getName()));
    java.addAll(List.of(args));
    List<String> command = java;
    if (fileSizeLimitKib != null) {
      String quoted = java.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
      command = List.of("bash", "-c", "ulimit -f " + fileSizeLimitKib + " && exec " + quoted);
    }
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }
}
