package io.mse.bench.propagation;

import io.mse.bench.sidebyside.BenchClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The other process of {@link SideBySidePropagation}: one client (ours or nacos-client) listening
 * to some configs and subscribed to one service. Each event is printed the moment the listener gets
 * it, stamped with {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, shared by the processes of
 * one machine): {@code C <nanos> <dataId> <content>} and {@code N <nanos> <port,port,...>}; then
 * {@code READY}. Exits when its standard input closes.
 *
 * <p>Arguments: {@code ours|theirs addr auth|- group dataId,dataId,... service}.
 */
public final class SideBySideListener {

  private SideBySideListener() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String group = args[3];
    try (BenchClient client = BenchClient.create(args[0], args[1], args[2].equals("-") ? null : args[2])) {
      for (String dataId : args[4].split(",")) {
        client.listen(dataId, group, content -> emit(out, "C " + System.nanoTime() + " " + dataId + " " + content));
      }
      client.subscribe(args[5], group, ports -> emit(out, "N " + System.nanoTime() + " "
          + ports.stream().map(String::valueOf).collect(Collectors.joining(","))));
      emit(out, "READY");
      while (System.in.read() >= 0) {
        // until the harness closes our input
      }
    }
    System.exit(0);
  }

  private static void emit(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
