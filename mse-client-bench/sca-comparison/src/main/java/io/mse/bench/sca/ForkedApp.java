package io.mse.bench.sca;

import io.mse.bench.sca.app.ComparisonApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ComparisonApp} in a JVM of its own, on one stack's class path, its output written to
 * {@code <logDir>/<name>.log}. {@link #stop()} sends SIGTERM ({@link Process#destroy()}) as a
 * platform stopping a container does, and measures the time to the process's exit. Used by the
 * driver's thread.
 */
final class ForkedApp implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static volatile List<Path> replacementJars = List.of();

  final String name;
  final Stack stack;
  private final Process process;
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();
  private volatile String registrationHost;

  private ForkedApp(String name, Stack stack, Process process, Path log) {
    this.name = name;
    this.stack = stack;
    this.process = process;
    Thread reader = new Thread(() -> pump(log), "cmp-log-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the application; {@code args} are Spring Boot command-line arguments ({@code --key=value}). */
  static ForkedApp start(Stack stack, String name, Path logDir, List<String> args) throws IOException {
    return start(stack, name, logDir, List.of(), args);
  }

  /**
   * Starts the application under {@code prefix} (a command that runs the rest of its command line,
   * such as {@code unshare -n ...}).
   */
  static ForkedApp start(Stack stack, String name, Path logDir, List<String> prefix, List<String> args)
      throws IOException {
    Path target = targetDirectory();
    String classpath = target.resolve("classes") + java.io.File.pathSeparator
        + replaceJars(Files.readString(target.resolve(stack.classpathFile)).trim());
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath, ComparisonApp.class.getName(),
        "--server.port=0", "--spring.main.banner-mode=off", "--cmp.instance=" + name));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ForkedApp(name, stack, process, logDir.resolve(name + ".log"));
  }

  /** Waits until the application printed its port; fails when it exits first or takes over 3 minutes. */
  int awaitReady() throws Exception {
    return ready.get(180, TimeUnit.SECONDS);
  }

  /** The address of the application's Spring Cloud {@code Registration}, once ready; null when it has none. */
  String registrationHost() throws Exception {
    awaitReady();
    return registrationHost;
  }

  String get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  String post(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** SIGTERM, then waits for the exit (at most 2 minutes, then SIGKILL); returns the time to exit, in ns. */
  long stop() throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return System.nanoTime() - start;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  private String send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofMinutes(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(name + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private URI uri(String pathAndQuery) throws Exception {
    return URI.create("http://127.0.0.1:" + awaitReady() + pathAndQuery);
  }

  private void pump(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        if (line.startsWith("CMP-REGISTRATION host=")) {
          registrationHost = line.substring("CMP-REGISTRATION host=".length()).trim();
        }
        if (line.startsWith("CMP-READY port=")) {
          ready.complete(Integer.parseInt(line.substring("CMP-READY port=".length()).trim()));
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready; see " + log));
  }

  /**
   * Jars that replace the class path entries of the same file name (e.g. another build's
   * {@code mse-client-spring-0.1.0-SNAPSHOT.jar}), for every application started afterwards.
   */
  static void replaceJars(List<Path> jars) {
    replacementJars = List.copyOf(jars);
  }

  private static String replaceJars(String classpath) {
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      entries.add(replacementJars.stream().filter(j -> j.getFileName().toString().equals(name)).findFirst()
          .map(Path::toString).orElse(entry));
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** This module's {@code target} directory (where the class path files are). */
  static Path targetDirectory() {
    try {
      return Path.of(ComparisonApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
