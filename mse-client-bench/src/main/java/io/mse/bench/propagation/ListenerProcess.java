package io.mse.bench.propagation;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.stream.Collectors;

/**
 * The other process of the propagation harness: listens to one config and subscribes to one
 * service, and prints one line per event the moment it arrives ({@code C <content>},
 * {@code N <port,port,...>}). Exits when its standard input closes.
 *
 * <p>Arguments: serverAddr dataId service [username password].
 */
public final class ListenerProcess {

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    MseClient.Builder builder = MseClient.builder().serverAddr(args[0])
        .snapshotDir(Files.createTempDirectory("mse-harness-child"));
    if (args.length >= 5) {
      builder.credentials(args[3], args[4]);
    }
    try (MseClient client = builder.build()) {
      client.config().addListener(args[1], PropagationHarness.GROUP, event -> emit(out, "C " + event.content()));
      client.naming().subscribe(args[2], PropagationHarness.GROUP, event -> emit(out, "N " + event.instances().stream()
          .map(Instance::port).map(String::valueOf).collect(Collectors.joining(","))));
      long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mse-")).count();
      emit(out, "THREADS " + threads + " " + Thread.getAllStackTraces().keySet().stream()
          .map(Thread::getName).filter(n -> n.startsWith("mse-")).sorted().collect(Collectors.joining(",")));
      emit(out, "READY");
      while (System.in.read() >= 0) {
        // wait for the harness to close our input
      }
    }
  }

  private static void emit(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
