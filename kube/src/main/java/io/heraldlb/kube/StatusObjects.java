package io.heraldlb.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.heraldlb.config.IpAddress;

/**
 * HeraldLB's two status kinds (deploy/base/status-crds.yaml), in its own namespace: an Announcement
 * per address (written by the speaker announcing it) and a PoolUsage per pool (written by the
 * allocator's leader). The speaker and the allocator's {@code status} command name them the same
 * way here.
 */
public final class StatusObjects {
  private StatusObjects() {}

  public static final ResourceDefinitionContext ANNOUNCEMENTS =
      context("Announcement", "announcements");
  public static final ResourceDefinitionContext POOL_USAGES = context("PoolUsage", "poolusages");
  public static final String API_VERSION = "heraldlb.io/v1alpha1";

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("heraldlb.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  /**
   * Whether {@code e} says the kind itself is unknown (its CRD not installed), not one object
   * missing.
   */
  public static boolean crdMissing(io.fabric8.kubernetes.client.KubernetesClientException e) {
    return e.getCode() == 404
        && e.getMessage() != null
        && e.getMessage().contains("the server could not find the requested resource");
  }

  /** The Announcement's name for {@code ip}: its digits, IPv6 written out in full. */
  public static String announcementName(IpAddress ip) {
    if (ip.isV4()) {
      return "ip-" + ip.toString().replace('.', '-');
    }
    byte[] b = ip.toBytes();
    StringBuilder name = new StringBuilder("ip");
    for (int i = 0; i < 16; i += 2) {
      name.append('-').append(String.format("%02x%02x", b[i] & 0xff, b[i + 1] & 0xff));
    }
    return name.toString();
  }
}
