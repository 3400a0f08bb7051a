package io.heraldlb.it.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode over http on 127.0.0.1, recording every request with the
 * bearer token it came with. Each program gets a kubeconfig with a token of its own, standing for
 * its ServiceAccount, so the recording says which program made which call.
 */
final class RecordingApiServer implements AutoCloseable {
  /** One request as received. */
  record Request(String token, String method, String path, ApiCall call) {}

  // MockWebServer logs every request through java.util.logging; keep the logger referenced so the
  // level holds.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final List<Request> requests = new ArrayList<>();
  private final KubernetesClient client;

  private RecordingApiServer() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    Dispatcher recording =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeader("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
            synchronized (requests) {
              requests.add(
                  new Request(
                      token,
                      request.getMethod(),
                      request.getPath(),
                      ApiCall.of(request.getMethod(), request.getPath())));
            }
            return crud.dispatch(request);
          }

          @Override
          public void shutdown() {
            crud.shutdown();
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), recording, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = new KubernetesClientBuilder().withConfig(config(null)).build();
  }

  static RecordingApiServer start() {
    return new RecordingApiServer();
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  private Config config(String token) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withOauthToken(token)
        .withRequestTimeout(10_000)
        .build();
  }

  /** A client without a token: the test's own calls, not counted for any program. */
  KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig that authenticates with {@code token}. */
  Path kubeconfig(Path file, String token) throws IOException {
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: %s
            namespace: default
        current-context: mock
        """
            .formatted(url(), token, token, token);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** Every request made with {@code token} so far. */
  List<Request> requests(String token) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.token().equals(token)).toList();
    }
  }

  /** Creates the objects (plain maps, as parsed from YAML) in order. */
  List<HasMetadata> apply(List<Map<String, Object>> objects) {
    List<HasMetadata> created = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      String json = client.getKubernetesSerialization().asJson(o);
      for (HasMetadata item :
          client.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))).items()) {
        created.add(client.resource(item).create());
      }
    }
    return created;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
