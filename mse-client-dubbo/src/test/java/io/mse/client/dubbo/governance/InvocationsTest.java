package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.RpcInvocation;
import org.junit.jupiter.api.Test;

/** How a Dubbo call becomes a governed request, and how the tag is read and attached. */
class InvocationsTest {

  final Invocations invocations = new Invocations();
  final URL reference = URL.valueOf("consumer://127.0.0.1/" + Greeter.SERVICE + "?interface=" + Greeter.SERVICE
      + "&application=shop&broken.mse.idempotent=false");

  static RpcInvocation call(String method) {
    RpcInvocation invocation = new RpcInvocation(null, method, Greeter.SERVICE, "", new Class<?>[0], new Object[0]);
    invocation.setAttachment("remote.application", "shop");
    return invocation;
  }

  @Test
  void aCallIsItsInterfaceAndMethod() {
    GovernedRequest request = invocations.consumer(reference, call("hello"), null);
    assertThat(request.service()).isEqualTo(Greeter.SERVICE);
    assertThat(request.resource()).isEqualTo(Greeter.HELLO);
    assertThat(request.path()).isEqualTo("/" + Greeter.SERVICE + "/hello");
    assertThat(request.method()).isEqualTo("HELLO");
    assertThat(request.caller()).isEqualTo("shop");
    assertThat(request.tag()).isNull();
    assertThat(request.headers()).as("the caller's name is the caller, not a header").isEmpty();
    assertThat(request.idempotent()).isTrue();
    assertThat(invocations.consumer(reference, call("broken"), null).idempotent()).isFalse();
  }

  @Test
  void aCallWithoutAttachmentsToMatchGetsAPreparedRequest() {
    GovernedRequest first = invocations.consumer(reference, call("hello"), null);
    assertThat(invocations.consumer(reference, call("hello"), null)).isSameAs(first);
    GovernedRequest gray = invocations.consumer(reference, call("hello"), "gray");
    assertThat(gray.tag()).isEqualTo("gray");
    assertThat(invocations.consumer(reference, call("hello"), "gray")).isSameAs(gray);

    RpcInvocation vip = call("hello");
    vip.setAttachment("x-user", "vip");
    GovernedRequest withHeader = invocations.consumer(reference, vip, null);
    assertThat(withHeader.header("x-user")).isEqualTo("vip");
    assertThat(withHeader).isNotSameAs(first);
  }

  @Test
  void theReferencesStaticTagAppliesWhenTheCallHasNone() {
    URL tagged = reference.addParameter("dubbo.tag", "blue");
    assertThat(invocations.consumer(tagged, call("hello"), null).tag()).isEqualTo("blue");
    assertThat(invocations.consumer(tagged, call("hello"), "gray").tag()).isEqualTo("gray");
  }

  @Test
  void theOutboundTagIsTheCallersAttachmentElseTheThreadsWhichIsThenAttached() {
    RpcInvocation explicit = call("hello");
    explicit.setAttachment("dubbo.tag", "explicit");
    try (TagContext.Scope ignored = TagContext.open("gray")) {
      assertThat(Invocations.outboundTag(explicit)).isEqualTo("explicit");
      RpcInvocation plain = call("hello");
      assertThat(Invocations.outboundTag(plain)).isEqualTo("gray");
      assertThat(plain.getAttachment("dubbo.tag")).isEqualTo("gray");
    }
    RpcInvocation none = call("hello");
    assertThat(Invocations.outboundTag(none)).isNull();
    assertThat(none.getAttachment("dubbo.tag")).isNull();
  }

  @Test
  void theInboundTagIsDubbosElseMses() {
    RpcInvocation both = call("hello");
    both.setAttachment("dubbo.tag", "dubbo");
    both.setAttachment("x-mse-tag", "mse");
    assertThat(Invocations.inboundTag(both)).isEqualTo("dubbo");
    RpcInvocation http = call("hello");
    http.setAttachment("x-mse-tag", "mse");
    assertThat(Invocations.inboundTag(http)).isEqualTo("mse");
    assertThat(Invocations.inboundTag(call("hello"))).isNull();
  }
}
