package io.mse.examples.shop.inventory;

import io.mse.client.governance.TagContext;
import io.mse.examples.shop.api.Stock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The stock of an item, and which instance (and version) answered. */
@RestController
class StockController {

  private final String instance;
  private final String version;

  StockController(@Value("${shop.inventory.instance}") String instance,
      @Value("${mse.discovery.metadata.version}") String version) {
    this.instance = instance;
    this.version = version;
  }

  @GetMapping("/stock/{item}")
  Stock stock(@PathVariable String item, @RequestHeader(name = TagContext.HEADER, required = false) String tag) {
    return new Stock(item, 42, 990, instance, version, tag == null ? "-" : tag);
  }
}
