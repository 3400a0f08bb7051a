package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The lab's Kubernetes API: fabric8's mock server in CRUD mode over http, bound to the root end of
 * the LAN so every namespace reaches it, with a kubeconfig for the programs and for kubectl.
 */
public final class ApiServer implements LabApi {

  private final KubernetesMockServer server;
  private final String url;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final Discovery dispatcher;

  private ApiServer(
      KubernetesMockServer server, Discovery dispatcher, String url, Path kubeconfig) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.url = url;
    this.kubeconfig = kubeconfig;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(url)
                    .withNamespace("default")
                    .withRequestTimeout(10_000)
                    .build())
            .build();
  }

  // MockWebServer logs every request through java.util.logging; keep the level set (and the
  // logger referenced, so the setting is not collected).
  private static final java.util.logging.Logger MOCK_LOG = quietMockLog();

  private static java.util.logging.Logger quietMockLog() {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  /** Starts the server on {@code bindAddress} (a free port) and writes {@code kubeconfig}. */
  public static ApiServer start(String bindAddress, Path kubeconfig) {
    MOCK_LOG.fine("starting the lab API server");
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    Discovery dispatcher = new Discovery();
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    try {
      server.init(InetAddress.getByName(bindAddress), 0);
    } catch (UnknownHostException e) {
      throw new LabException("bad bind address " + bindAddress, e);
    }
    String url = "http://" + bindAddress + ":" + server.getPort();
    Kubeconfig.write(kubeconfig, url, null, "heraldlb-lab", null);
    ApiServer api = new ApiServer(server, dispatcher, url, kubeconfig);
    api.seedNamespaces();
    return api;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The embedded server has no authentication: every program uses the one kubeconfig. */
  @Override
  public Path kubeconfigFor(String serviceAccount) {
    return kubeconfig;
  }

  @Override
  public boolean real() {
    return false;
  }

  /** A client for tests and the lab itself (default namespace {@code default}). */
  @Override
  public KubernetesClient client() {
    return client;
  }

  /** How many watch connections the server holds open (every informer has one). */
  public int watchCount() {
    return dispatcher.watchCount();
  }

  private void seedNamespaces() {
    for (String name : new String[] {"default", HERALDLB_NAMESPACE}) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
