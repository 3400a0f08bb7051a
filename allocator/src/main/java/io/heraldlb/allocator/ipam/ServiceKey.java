package io.heraldlb.allocator.ipam;

/** A Service's identity: namespace and name. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {

  public static ServiceKey parse(String namespaceSlashName) {
    int slash = namespaceSlashName.indexOf('/');
    return new ServiceKey(
        namespaceSlashName.substring(0, slash), namespaceSlashName.substring(slash + 1));
  }

  @Override
  public int compareTo(ServiceKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
