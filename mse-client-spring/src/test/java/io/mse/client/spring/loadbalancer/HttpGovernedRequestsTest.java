package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.spring.MseProperties.ResourceNaming;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class HttpGovernedRequestsTest {

  private final HttpGovernedRequests byService = new HttpGovernedRequests("SHOP", ResourceNaming.SERVICE, false);
  private final HttpGovernedRequests byTemplate = new HttpGovernedRequests("SHOP", ResourceNaming.URI_TEMPLATE, false);

  @Test
  void describesTheRequestForRoutes() {
    HttpHeaders headers = new HttpHeaders();
    headers.add("X-Canary", "yes");
    headers.add("Accept", "text/plain");
    headers.add("Accept", "application/json");

    GovernedRequest request = byService.build("inventory", "POST", URI.create("http://inventory/orders/42?x=1"), headers,
        null, null);

    assertThat(request.service()).isEqualTo("inventory");
    assertThat(request.group()).isEqualTo("SHOP");
    assertThat(request.resource()).isEqualTo("inventory");
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/orders/42");
    assertThat(request.header("x-canary")).isEqualTo("yes");
    assertThat(request.headerValues("accept")).containsExactly("text/plain", "application/json");
    assertThat(request.idempotent()).isFalse();
    assertThat(request.tag()).isNull();
    assertThat(byService.build("inventory", "GET", URI.create("http://inventory"), new HttpHeaders(), null, null).path())
        .isEqualTo("/");
  }

  @Test
  void theRequestsOwnTagHeaderWinsAndAContextTagIsAddedAsTheHeader() {
    HttpHeaders own = new HttpHeaders();
    own.set("x-mse-tag", "blue");
    assertThat(HttpGovernedRequests.tag(own, "gray")).isEqualTo("blue");
    assertThat(HttpGovernedRequests.tag(new HttpHeaders(), "gray")).isEqualTo("gray");

    GovernedRequest fromContext = byService.build("inventory", "GET", URI.create("http://inventory/"), new HttpHeaders(),
        null, "gray");

    assertThat(fromContext.tag()).isEqualTo("gray");
    assertThat(fromContext.header("x-mse-tag")).isEqualTo("gray");
  }

  @Test
  void namesResourcesWithoutIds() {
    HttpGovernedRequests byMethod = new HttpGovernedRequests("G", ResourceNaming.METHOD, false);

    assertThat(byMethod.resource("inventory", "GET", "/orders/{id}")).isEqualTo("inventory:GET");
    assertThat(byTemplate.resource("inventory", "GET", "http://inventory/orders/{id}?expand={e}"))
        .isEqualTo("inventory:GET /orders/{id}");
    assertThat(byTemplate.resource("inventory", "DELETE", "orders/{id}#top")).isEqualTo("inventory:DELETE /orders/{id}");
    assertThat(byTemplate.resource("inventory", "GET", "http://inventory")).isEqualTo("inventory:GET /");
    assertThat(byTemplate.resource("inventory", "GET", null)).isEqualTo("inventory:GET");
    assertThat(HttpGovernedRequests.uriTemplate(Map.of(HttpGovernedRequests.REST_CLIENT_URI_TEMPLATE, "/a/{b}")))
        .isEqualTo("/a/{b}");
    assertThat(HttpGovernedRequests.uriTemplate(Map.of(HttpGovernedRequests.WEB_CLIENT_URI_TEMPLATE, "/c"))).isEqualTo("/c");
    assertThat(HttpGovernedRequests.uriTemplate(Map.of())).isNull();
  }

  @Test
  void retriesNonIdempotentMethodsOnlyWhenAskedTo() {
    HttpGovernedRequests retrying = new HttpGovernedRequests("G", ResourceNaming.SERVICE, true);
    URI uri = URI.create("http://inventory/orders");

    assertThat(byService.build("inventory", "PUT", uri, new HttpHeaders(), null, null).idempotent()).isTrue();
    assertThat(byService.build("inventory", "PATCH", uri, new HttpHeaders(), null, null).idempotent()).isFalse();
    assertThat(retrying.build("inventory", "POST", uri, new HttpHeaders(), null, null).idempotent()).isTrue();
  }

  @Test
  void aUriWithoutHostIsRefusedNamingIt() {
    assertThatThrownBy(() -> HttpGovernedRequests.service(URI.create("/orders")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'/orders'");
  }
}
