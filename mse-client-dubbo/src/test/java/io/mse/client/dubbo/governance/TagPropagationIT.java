package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.governance.TagContext;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.rpc.RpcContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tag along a call chain consumer → relay → greeter, over real Dubbo calls on loopback. */
class TagPropagationIT {

  @RegisterExtension
  final DubboApps apps = DubboApps.direct();
  Relay relay;

  /** The middle hop: reports the tag it sees when called, then asks the next hop what it sees. */
  static final class ChainedRelay implements Relay {
    volatile ReferenceConfig<Greeter> next;

    @Override
    public String relay() {
      String mine = TagContext.current();
      return "relay saw " + (mine == null ? "none" : mine) + ", greeter saw " + next.get().tagSeen();
    }
  }

  @BeforeEach
  void chain() {
    DubboApps.App greeter = apps.app("greeter", "tri").serve(Greeter.class, new LabelledGreeter("g"), s -> { })
        .start();
    ChainedRelay impl = new ChainedRelay();
    DubboApps.App middle = apps.app("relay", "dubbo").governed()
        .serve(Relay.class, impl, s -> { });
    middle.protocolConfig.setThreads(1);   // one server thread: a tag left behind would show on the next call
    impl.next = middle.refer(Greeter.class, r -> r.setUrl(greeter.url(Greeter.class)));
    middle.start();
    DubboApps.App consumer = apps.app("consumer", "tri");
    var reference = consumer.refer(Relay.class, r -> r.setUrl(middle.url(Relay.class)));
    consumer.start();
    relay = reference.get();
  }

  @Test
  void theTagTravelsTwoHopsAndIsClearedAfterEachCall() {
    try (TagContext.Scope ignored = TagContext.open("gray")) {
      assertThat(relay.relay()).isEqualTo("relay saw gray, greeter saw gray");
    }
    assertThat(relay.relay()).as("the relay's server thread kept no tag").isEqualTo("relay saw none, greeter saw none");
    try (TagContext.Scope ignored = TagContext.open("blue")) {
      assertThat(relay.relay()).isEqualTo("relay saw blue, greeter saw blue");
    }
    assertThat(TagContext.current()).isNull();
  }

  @Test
  void aTagTheCallerAttachesWinsAndAnXMseTagIsReadToo() {
    try (TagContext.Scope ignored = TagContext.open("gray")) {
      RpcContext.getClientAttachment().setAttachment(MseDubboGovernance.TAG_ATTACHMENT, "explicit");
      assertThat(relay.relay()).isEqualTo("relay saw explicit, greeter saw explicit");
    }
    RpcContext.getClientAttachment().setAttachment(MseDubboGovernance.MSE_TAG_ATTACHMENT, "from-http");
    assertThat(relay.relay()).isEqualTo("relay saw from-http, greeter saw from-http");
    assertThat(relay.relay()).isEqualTo("relay saw none, greeter saw none");
  }
}
