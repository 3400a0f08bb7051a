package io.heraldlb.it.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * The lab's Kubernetes API: the {@link ControlPlane} built from upstream's modules, or the embedded
 * {@link ApiServer} that the demo uses because it starts in a second on a fresh machine.
 */
public interface LabApi extends AutoCloseable {
  String HERALDLB_NAMESPACE = "heraldlb-system";
  String SPEAKER_LABEL = "app.kubernetes.io/name";
  String SPEAKER_LABEL_VALUE = "heraldlb-speaker";
  String SPEAKER_ACCOUNT = "heraldlb-speaker";
  String ALLOCATOR_ACCOUNT = "heraldlb-allocator";

  /** Which API a lab runs on. */
  enum Kind {
    /** kube-apiserver, etcd, kube-controller-manager and kube-proxy, built from Go modules. */
    REAL,
    /** fabric8's mock server in this JVM, with kube-proxy emulated. */
    EMBEDDED;

    /** {@code real} or {@code embedded}, as {@code --kube=} takes it. */
    public static Kind parse(String text) {
      return switch (text) {
        case "real" -> REAL;
        case "embedded", "mock" -> EMBEDDED;
        default ->
            throw new IllegalArgumentException("--kube must be real or embedded, was " + text);
      };
    }
  }

  String url();

  /** An admin's kubeconfig, for kubectl and the tests. */
  Path kubeconfig();

  /** An admin client. */
  KubernetesClient client();

  boolean real();

  /** The kubeconfig a program running as ServiceAccount {@code heraldlb-system/NAME} uses. */
  Path kubeconfigFor(String serviceAccount);

  @Override
  void close();
}
