package io.mse.examples.shop.payment;

import io.mse.client.governance.TagContext;
import io.mse.examples.shop.api.Payment;
import io.mse.examples.shop.api.PaymentRequest;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Charges an order in the currency of the shared config ({@code shop.currency}). */
@RestController
class PaymentController {

  private final AtomicLong payments = new AtomicLong();
  private final String currency;

  PaymentController(@Value("${shop.currency}") String currency) {
    this.currency = currency;
  }

  @PostMapping("/payments")
  Payment pay(@RequestBody PaymentRequest request,
      @RequestHeader(name = TagContext.HEADER, required = false) String tag) {
    return new Payment("pay-" + payments.incrementAndGet(), request.amountCents(), currency, tag == null ? "-" : tag);
  }
}
