package io.mse.bench.sca.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * What the driver asks of an application: load-balanced calls ({@code /control/calls}, and a
 * background loop of them with timestamps), and a refresh measurement ({@code /control/refresh-run}).
 * Answers are plain text, one item a line: {@code ok <instance>} or {@code fail <exception>}, loop
 * items prefixed with the call's start time ({@code System.nanoTime()}, comparable across processes
 * of one Linux host: the monotonic clock).
 */
@RestController
@RequestMapping("/control")
class ControlController {

  private final RestClient loadBalanced;
  private final CmpProperties properties;
  private final CmpRefreshScoped refreshScoped;
  private final ArrivalProbe probe;
  private final List<String> loopResults = new CopyOnWriteArrayList<>();
  private volatile Thread loop;

  ControlController(@LoadBalanced RestClient.Builder builder, CmpProperties properties, CmpRefreshScoped refreshScoped,
      ArrivalProbe probe) {
    this.loadBalanced = builder.build();
    this.properties = properties;
    this.refreshScoped = refreshScoped;
    this.probe = probe;
  }

  @GetMapping("/calls")
  String calls(@RequestParam String service, @RequestParam int n) {
    List<String> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(call(service));
    }
    return String.join("\n", results);
  }

  @PostMapping("/loop/start")
  String startLoop(@RequestParam String service, @RequestParam long intervalMillis) {
    loopResults.clear();
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long start = System.nanoTime();
        loopResults.add(start + " " + call(service));
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "cmp-call-loop");
    t.setDaemon(true);
    loop = t;
    t.start();
    return "started";
  }

  @PostMapping("/loop/stop")
  String stopLoop() throws InterruptedException {
    Thread t = loop;
    if (t != null) {
      t.interrupt();
      t.join(10_000);
    }
    return String.join("\n", loopResults);
  }

  @PostMapping("/refresh-run")
  String refreshRun(@RequestParam String server, @RequestParam String dataId, @RequestParam String group,
      @RequestParam int changes) throws Exception {
    return new RefreshRun(server, dataId, group, properties, refreshScoped, probe).run(changes);
  }

  private String call(String service) {
    try {
      return "ok " + loadBalanced.get().uri("http://" + service + "/who").retrieve().body(String.class);
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return "fail " + e.getClass().getSimpleName() + ": " + message;
    }
  }
}
