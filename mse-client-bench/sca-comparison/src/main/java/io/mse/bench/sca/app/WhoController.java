package io.mse.bench.sca.app;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A provider's answer: its instance name. */
@RestController
class WhoController {

  private final String instance;

  WhoController(@Value("${cmp.instance:unnamed}") String instance) {
    this.instance = instance;
  }

  @GetMapping("/who")
  String who() {
    return instance;
  }
}
