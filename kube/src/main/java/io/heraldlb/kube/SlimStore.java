package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An informer's item store that drops, before it keeps an object, what HeraldLB never reads and
 * what makes up much of a cached object: {@code metadata.managedFields} (the API server's
 * field-ownership bookkeeping, an entry per writer) and kubectl's last-applied-configuration
 * annotation (a second copy of the object).
 *
 * <p>A cache may go further and keep only what its reader reads ({@link
 * #SlimStore(UnaryOperator)}): the object kept must still carry its namespace, name and
 * resourceVersion, by which the informer keys it and tells a real update from a repeat.
 *
 * <p>Only for caches whose objects are never written back whole (the speaker's, and the
 * allocator's, which patches): an update built from a slimmed object would remove the user's
 * last-applied annotation.
 */
public final class SlimStore<T extends HasMetadata> extends BasicItemStore<T> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final UnaryOperator<T> keep;

  public SlimStore() {
    this(SlimStore::slim);
  }

  /**
   * @param keep what of an object the cache keeps (it may return a new, smaller object)
   */
  public SlimStore(UnaryOperator<T> keep) {
    super(Cache::metaNamespaceKeyFunc);
    this.keep = keep;
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, keep.apply(obj));
  }

  /** {@code obj} without managed fields and the last-applied annotation (changed in place). */
  static <T extends HasMetadata> T slim(T obj) {
    ObjectMeta meta = obj.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      Map<String, String> annotations = meta.getAnnotations();
      if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
        annotations.remove(LAST_APPLIED);
      }
    }
    return obj;
  }
}
