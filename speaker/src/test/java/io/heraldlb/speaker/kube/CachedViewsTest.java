package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedViewsTest {

  /** A Service as the API server sends it, with what the speaker never reads around its facts. */
  static String serviceJson(String type, String cls, String policy, String ingress) {
    return """
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"web","namespace":"shop","uid":"0b5e6f1c-9d3a-4c57-8e21-6a0f3d2b9c11",
          "resourceVersion":"48213","creationTimestamp":"2026-12-01T10:00:00Z",
          "labels":{"app":"web","tier":"front"},
          "annotations":{"metallb.io/loadBalancerIPs":"192.168.1.240",
           "kubectl.kubernetes.io/last-applied-configuration":"{\\"kind\\":\\"Service\\"}"},
          "managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"v1",
           "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:type":{}}}}]},
         "spec":{"type":"%s",%s"externalTrafficPolicy":"%s","selector":{"app":"web"},
          "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":31080}],
          "clusterIP":"10.96.4.7","clusterIPs":["10.96.4.7"],"ipFamilies":["IPv4"],
          "ipFamilyPolicy":"SingleStack","sessionAffinity":"None",
          "allocateLoadBalancerNodePorts":true,"internalTrafficPolicy":"Cluster"},
         "status":{"loadBalancer":{"ingress":[%s]}}}
        """
        .formatted(
            type, cls == null ? "" : "\"loadBalancerClass\":\"" + cls + "\",", policy, ingress);
  }

  static List<Service> variants() {
    List<Service> out = new ArrayList<>();
    for (String type : List.of("LoadBalancer", "ClusterIP", "NodePort")) {
      for (String cls : new String[] {null, "heraldlb.io/lb", "example.com/other"}) {
        for (String policy : List.of("Cluster", "Local")) {
          for (String ingress :
              List.of(
                  "",
                  "{\"ip\":\"192.168.1.240\",\"ipMode\":\"VIP\"}",
                  "{\"hostname\":\"lb.example.com\"},{\"ip\":\"2001:db8::7\"},{\"ip\":\"oops\"}",
                  "{\"ip\":\"192.168.1.240\"},{\"ip\":\"192.168.1.240\"}")) {
            out.add(
                Serialization.unmarshal(serviceJson(type, cls, policy, ingress), Service.class));
          }
        }
      }
    }
    return out;
  }

  @Test
  void aServiceViewTellsTheSpeakerWhatTheFullServiceTellsIt() {
    for (Service full : variants()) {
      Service view = CachedViews.service(full);
      for (String ours : List.of("", "heraldlb.io/lb")) {
        assertEquals(KubeFacts.service(full, ours), KubeFacts.service(view, ours), full.toString());
      }
      assertEquals(Cache.metaNamespaceKeyFunc(full), Cache.metaNamespaceKeyFunc(view));
      assertEquals("48213", view.getMetadata().getResourceVersion());
      assertEquals(full.getMetadata().getUid(), view.getMetadata().getUid());
    }
  }

  @Test
  void aServiceViewKeepsNothingElse() {
    Service full = variants().get(1);
    String view = Serialization.asJson(CachedViews.service(full));
    for (String dropped :
        List.of(
            "managedFields", "annotations", "labels", "ports", "selector", "clusterIP", "ipMode")) {
      assertTrue(Serialization.asJson(full).contains(dropped), dropped);
      assertFalse(view.contains(dropped), dropped + " in " + view);
    }
  }

  @Test
  void repeatedStringsAreShared() {
    Service a = variants().get(1);
    Service b = Serialization.unmarshal(Serialization.asJson(a), Service.class);
    assertNotSame(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
    assertSame(
        CachedViews.service(a).getMetadata().getNamespace(),
        CachedViews.service(b).getMetadata().getNamespace());
  }

  static String sliceJson(String label, String endpoints) {
    return """
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
         "metadata":{"name":"web-x7k2p","namespace":"shop","uid":"5c1d","resourceVersion":"913",
          "labels":{%s"endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io"},
          "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"0b5e"}]},
         "ports":[{"name":"http","protocol":"TCP","port":8080}],
         "endpoints":[%s]}
        """
        .formatted(label, endpoints);
  }

  static String endpoint(String node, String conditions) {
    return """
        {"addresses":["10.244.1.%d"],"conditions":%s,"nodeName":%s,"zone":"a",
         "targetRef":{"kind":"Pod","namespace":"shop","name":"web-1","uid":"77"}}
        """
        .formatted(
            Math.abs(node.hashCode() % 250),
            conditions,
            node.isEmpty() ? "null" : '"' + node + '"');
  }

  @Test
  void aSliceViewTellsTheSpeakerWhatTheFullSliceTellsIt() {
    List<String> conditions =
        List.of(
            "{}",
            "{\"ready\":true}",
            "{\"ready\":false}",
            "{\"ready\":false,\"serving\":true,\"terminating\":true}",
            "{\"ready\":false,\"serving\":false,\"terminating\":true}");
    for (String label : List.of("", "\"kubernetes.io/service-name\":\"web\",")) {
      for (String c : conditions) {
        String endpoints =
            String.join(
                ",", endpoint("node1", c), endpoint("node2", "{\"ready\":true}"), endpoint("", c));
        EndpointSlice full =
            Serialization.unmarshal(sliceJson(label, endpoints), EndpointSlice.class);
        EndpointSlice view = CachedViews.endpointSlice(full);
        assertEquals(KubeFacts.serviceKey(full), KubeFacts.serviceKey(view));
        assertEquals(KubeFacts.endpointNodes(full), KubeFacts.endpointNodes(view), c);
        assertEquals(Cache.metaNamespaceKeyFunc(full), Cache.metaNamespaceKeyFunc(view));
        assertEquals("913", view.getMetadata().getResourceVersion());
      }
    }
  }

  @Test
  void aSliceWithoutEndpointsStaysWithout() {
    EndpointSlice full =
        Serialization.unmarshal(
            sliceJson("\"kubernetes.io/service-name\":\"web\",", ""), EndpointSlice.class);
    assertEquals(
        KubeFacts.endpointNodes(full), KubeFacts.endpointNodes(CachedViews.endpointSlice(full)));
  }
}
