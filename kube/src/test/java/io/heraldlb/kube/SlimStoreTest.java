package io.heraldlb.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlimStoreTest {
  static Service service() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("web")
        .addToAnnotations(SlimStore.LAST_APPLIED, "{\"kind\":\"Service\"}")
        .addToAnnotations("metallb.io/loadBalancerIPs", "192.168.1.240")
        .addToManagedFields(
            new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build())
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .endSpec()
        .build();
  }

  @Test
  void keepsWhatHeraldLbReadsAndDropsTheBookkeeping() {
    SlimStore<Service> store = new SlimStore<>();
    Service s = service();
    store.put(store.getKey(s), s);
    Service kept = store.get("shop/web");
    assertNull(kept.getMetadata().getManagedFields());
    assertEquals(
        Map.of("metallb.io/loadBalancerIPs", "192.168.1.240"), kept.getMetadata().getAnnotations());
    assertEquals("LoadBalancer", kept.getSpec().getType());
  }

  @Test
  void anObjectWithoutAnnotationsIsKeptAsItIs() {
    SlimStore<Service> store = new SlimStore<>();
    Service s = new ServiceBuilder().withNewMetadata().withName("a").endMetadata().build();
    store.put(store.getKey(s), s);
    assertEquals(1, store.size());
    assertEquals(Map.of(), store.get(store.getKey(s)).getMetadata().getAnnotations());
  }

  @Test
  void aCacheMayKeepLessStill() {
    SlimStore<Service> store =
        new SlimStore<>(
            s ->
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace(s.getMetadata().getNamespace())
                    .withName(s.getMetadata().getName())
                    .endMetadata()
                    .build());
    Service s = service();
    store.put(store.getKey(s), s);
    Service kept = store.get("shop/web");
    assertEquals(Map.of(), kept.getMetadata().getAnnotations());
    assertNull(kept.getSpec());
    assertEquals("LoadBalancer", s.getSpec().getType(), "the informer's object is left alone");
  }
}
