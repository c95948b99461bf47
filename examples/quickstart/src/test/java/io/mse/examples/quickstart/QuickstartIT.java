package io.mse.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the README's first command's main job on the embedded engine and checks what it proves. */
class QuickstartIT {

  @Test
  void quickstartRunsEveryStepOnTheEmbeddedEngine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Quickstart("embedded", new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).containsPattern("registered inventory-1 at 127\\.0\\.0\\.1:\\d+ \\(registry id 127\\.0\\.0\\.1#\\d+#DEFAULT\\)")
        .containsPattern("registered inventory-2 at 127\\.0\\.0\\.1:\\d+");
    Matcher calls = Pattern.compile("call +\\d+ -> 127\\.0\\.0\\.1:\\d+ +answered \"stock from inventory-[12]\"")
        .matcher(out);
    int count = 0;
    while (calls.find()) {
      count++;
    }
    assertThat(count).isEqualTo(10);
    assertThat(out).contains("published and read back: greeting=hello")
        .containsPattern("listener called with 'greeting=hello-again' [0-9.]+ ms after the publish")
        .containsPattern("subscriber event after \\d+ ms: removed \\[inventory-1 \\(127\\.0\\.0\\.1#\\d+#DEFAULT\\)\\], 1 instance\\(s\\) left")
        .contains("5 more calls, all answered by: {inventory-2=5}")
        .contains("closed; 0 client thread(s) left running")
        .contains("done:");
  }
}
