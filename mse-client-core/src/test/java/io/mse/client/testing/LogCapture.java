package io.mse.client.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures what the library logs while it is open: the test backend, slf4j-simple, writes every line
 * to {@code System.err}, which this replaces (passing everything on to the original too, so the build
 * log still shows it). Lines look like {@code 01:02:03.456 [thread] WARN io.mse.client.X - message},
 * followed by a stack trace's lines when one is logged.
 *
 * <p>{@link #atAllLevels()} also turns every logger of mse-client ({@code io.mse.client.*}) to TRACE
 * for as long as the capture is open, whatever {@code simplelogger.properties} says: it first loads
 * every class of mse-client-core (so their loggers exist) and then sets each logger's level, which
 * slf4j-simple keeps in a field. Used to prove that no secret reaches a log line at any level.
 *
 * <p>Not for tests that run in parallel (System.err is JVM-wide). Thread-safe otherwise.
 */
public final class LogCapture implements AutoCloseable {

  private static final int TRACE = 0;
  private static final Pattern LEVEL = Pattern.compile("^\\S+ \\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) ");

  private final PrintStream original;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final Map<Logger, Integer> levelsBefore = new HashMap<>();

  private LogCapture(boolean allLevels) {
    if (allLevels) {
      raiseToTrace();
    }
    original = System.err;
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (buffer) {
          buffer.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (buffer) {
          buffer.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** Captures at the levels the test configuration sets. */
  public static LogCapture start() {
    return new LogCapture(false);
  }

  /** Captures with every mse-client logger at TRACE. */
  public static LogCapture atAllLevels() {
    return new LogCapture(true);
  }

  /** Everything captured so far. */
  public String text() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  /** The log lines captured so far (stack trace lines included, as they follow their line). */
  public List<String> lines() {
    return text().lines().toList();
  }

  /** The lines logged at {@code level} ({@code WARN}, {@code INFO}...). */
  public List<String> lines(String level) {
    return lines().stream().filter(line -> {
      var m = LEVEL.matcher(line);
      return m.find() && m.group(1).equals(level);
    }).toList();
  }

  /** The lines logged at {@code level} that contain every one of {@code parts}. */
  public List<String> lines(String level, String... parts) {
    return lines(level).stream().filter(line -> Stream.of(parts).allMatch(line::contains)).toList();
  }

  /** Forgets what was captured so far. */
  public void clear() {
    synchronized (buffer) {
      buffer.reset();
    }
  }

  /** Restores {@code System.err} and the loggers' levels. */
  @Override
  public void close() {
    System.setErr(original);
    levelsBefore.forEach(LogCapture::setLevel);
  }

  private void raiseToTrace() {
    loadEveryLibraryClass();
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    try {
      Field map = factory.getClass().getDeclaredField("loggerMap");
      map.setAccessible(true);
      Map<?, ?> loggers = (Map<?, ?>) map.get(factory);
      for (Object value : loggers.values()) {
        Logger logger = (Logger) value;
        if (logger.getName().startsWith("io.mse.client")) {
          levelsBefore.put(logger, level(logger));
          setLevel(logger, TRACE);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot raise the log level of " + factory.getClass()
          + " (the test backend is expected to be slf4j-simple)", e);
    }
  }

  private static int level(Logger logger) throws ReflectiveOperationException {
    return levelField(logger).getInt(logger);
  }

  private static void setLevel(Logger logger, int level) {
    try {
      levelField(logger).setInt(logger, level);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field levelField(Logger logger) throws NoSuchFieldException {
    for (Class<?> c = logger.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField("currentLogLevel");
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    throw new NoSuchFieldException("currentLogLevel in " + logger.getClass());
  }

  /** Initializes every class of mse-client-core's main classes, so that every static logger exists. */
  private static void loadEveryLibraryClass() {
    try {
      Path root = Path.of(io.mse.client.MseClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        return; // a jar: the loggers of classes used so far are enough
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("module-info"))
            .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
            .forEach(name -> {
              try {
                Class.forName(name, true, LogCapture.class.getClassLoader());
              } catch (Throwable e) {
                // a class needing an optional dependency: its logger does not matter here
              }
            });
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the library's classes", e);
    }
  }
}
