package io.heraldlb.it.lab;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Field selectors on Event lists, which the mock server ignores (it answers nothing). {@code
 * kubectl describe svc web} finds the Service's Events with {@code
 * involvedObject.name=web,involvedObject.namespace=...}: the list is fetched without the selector
 * and filtered here.
 */
final class FieldSelectors {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private record Term(String path, String value, boolean equal) {}

  private FieldSelectors() {}

  static boolean applies(RecordedRequest request, String path) {
    String full = request.getPath() == null ? "" : request.getPath();
    return "GET".equals(request.getMethod())
        && path.matches("/api/v1/(namespaces/[^/]+/)?events")
        && full.contains("fieldSelector=")
        && !full.contains("watch=");
  }

  static MockResponse dispatch(
      RecordedRequest request, Function<RecordedRequest, MockResponse> crud) {
    String[] parts = request.getPath().split("\\?", 2);
    List<Term> terms = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String param : parts[1].split("&")) {
      if (param.startsWith("fieldSelector=")) {
        String selector = URLDecoder.decode(param.substring(14), StandardCharsets.UTF_8);
        for (String term : selector.split(",")) {
          boolean equal = !term.contains("!=");
          String[] kv = term.split(equal ? "==?" : "!=", 2);
          if (kv.length == 2) {
            terms.add(new Term(kv[0].strip(), kv[1].strip(), equal));
          }
        }
      } else {
        rest.add(param);
      }
    }
    String path = parts[0] + (rest.isEmpty() ? "" : "?" + String.join("&", rest));
    MockResponse answer =
        crud.apply(
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders(),
                request.getBody()));
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    String body = answer.getBody().readUtf8();
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> list = JSON.unmarshal(body, Map.class);
      Object items = list.get("items");
      if (items instanceof List<?> all) {
        list.put("items", all.stream().filter(item -> matches(item, terms)).toList());
      }
      // The mock calls every list "List"; kubectl decodes Events only from an "EventList".
      list.put("kind", "EventList");
      return answer.setBody(JSON.asJson(list)).setHeader("Content-Type", "application/json");
    } catch (RuntimeException e) {
      return answer.setBody(body);
    }
  }

  private static boolean matches(Object item, List<Term> terms) {
    for (Term t : terms) {
      Object v = item;
      for (String key : t.path().split("\\.")) {
        v = v instanceof Map<?, ?> m ? m.get(key) : null;
      }
      boolean same = t.value().equals(v == null ? "" : String.valueOf(v));
      if (same != t.equal()) {
        return false;
      }
    }
    return true;
  }
}
