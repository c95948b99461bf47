package io.mse.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @TempDir
  Path dir;

  @Test
  void writesOneTablePerSectionInTheKnownOrderWithRatiosAndTheMissedTargets() throws IOException {
    Files.writeString(dir.resolve("propagation.tsv"),
        "section\tmetric\tours\ttheirs\tunit\ttarget\tmet\tnote\n" // the header the harnesses write
        + "# written by another part\n"
            + "propagation\tconfig change p99, Nacos 2.5.1\t112\t120\tms\t≤ floor + 15 ms\tno\tfloor 95 ms\n"
            + "propagation\tburst: final values delivered\t2/2\t2/2\tkeys\t-\t-\t-\n");
    Files.writeString(dir.resolve("jmh.tsv"),
        "read\tselectOneHealthyInstance (weighted), 1000 instances\t26.3\t21000\tns/op\t≤ 50 ns\tyes\tfrom cache\n"
            + "read\tselectOneHealthyInstance (weighted), 1000 instances\t0.004\t72704\tB/op\t0 B/op\tyes\t-\n"
            + "governed\tthroughput at 2 threads ÷ at 1 thread\t1.2\t0.5\t×\t≥ 1\tyes\t-\n");
    Files.writeString(dir.resolve("meta.txt"), "JVM\tOpenJDK 17\nJMH\t-f 1 -wi 2\n");
    Files.writeString(dir.resolve("notes.md"), "not a result file\n");
    Path out = dir.resolve("report.md");

    ReportWriter.main(new String[] {dir.toString(), out.toString()});

    String md = Files.readString(out);
    assertThat(md).startsWith("### Run\n\n- JVM: OpenJDK 17\n- JMH: -f 1 -wi 2\n");
    assertThat(md).contains("| selectOneHealthyInstance (weighted), 1000 instances | 26.3 ns | 21 µs | 1/800 "
        + "| ≤ 50 ns | yes | from cache |");
    assertThat(md).contains("| selectOneHealthyInstance (weighted), 1000 instances | 0 B | 71 KB | 0× "
        + "| 0 B/op | yes |  |");
    assertThat(md).contains("| throughput at 2 threads ÷ at 1 thread | 1.2× | 0.5× |  | ≥ 1 | yes |  |");
    assertThat(md).contains("| config change p99, Nacos 2.5.1 | 112 ms | 120 ms | 0.93× | ≤ floor + 15 ms | no "
        + "| floor 95 ms |");
    assertThat(md).contains("| burst: final values delivered | 2/2 keys | 2/2 keys |  |  | - |  |");
    assertThat(md.indexOf("### Read path")).isLessThan(md.indexOf("### Governed decision"));
    assertThat(md.indexOf("### Governed decision")).isLessThan(md.indexOf("### Change propagation"));
    assertThat(md).endsWith("### Missed targets\n\n- propagation: config change p99, Nacos 2.5.1 — 112 ms, "
        + "target ≤ floor + 15 ms\n");
  }

  @Test
  void namesTheFileAndLineOfAnInvalidRow() throws IOException {
    Files.writeString(dir.resolve("bad.tsv"), "read\tm\t1\t2\tns/op\t-\tmaybe\t-\n");

    assertThatThrownBy(() -> ReportWriter.readRows(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.tsv line 1")
        .hasMessageContaining("met must be yes, no or -: 'maybe'");
  }

  @Test
  void refusesRowsWithTooFewColumnsOrAWordForANumber() {
    assertThatThrownBy(() -> ResultRow.parse("read\tm\t1")).hasMessageContaining("8 tab-separated columns, this one 3");
    assertThatThrownBy(() -> ResultRow.parse("read\tm\tfast\t2\tns/op\t-\t-\t-"))
        .hasMessageContaining("ours must be a number, numbers joined by '/', or -: 'fast'");
  }

  @Test
  void formatsFiguresInReadableUnits() {
    assertThat(ReportWriter.value(200_123_456.0, "ns/op")).isEqualTo("200 ms");
    assertThat(ReportWriter.value(2_048.0, "ns/op")).isEqualTo("2.05 µs");
    assertThat(ReportWriter.value(8_396.0, "B/op")).isEqualTo("8.2 KB");
    assertThat(ReportWriter.value(5.0, "threads")).isEqualTo("5 threads");
    assertThat(ReportWriter.value(null, "ms")).isEmpty();
  }
}
