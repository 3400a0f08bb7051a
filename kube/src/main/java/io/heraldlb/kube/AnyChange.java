package io.heraldlb.kube;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** An informer handler that only says something changed: the caller reads its caches itself. */
public final class AnyChange<T> implements ResourceEventHandler<T> {
  private final Runnable onChange;

  /**
   * @param onChange runs on the informer's thread: it must not block
   */
  public AnyChange(Runnable onChange) {
    this.onChange = onChange;
  }

  @Override
  public void onAdd(T obj) {
    onChange.run();
  }

  @Override
  public void onUpdate(T before, T now) {
    onChange.run();
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    onChange.run();
  }
}
