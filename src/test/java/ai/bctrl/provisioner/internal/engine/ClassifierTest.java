package ai.bctrl.provisioner.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bctrl.provisioner.RetryCause;
import ai.bctrl.provisioner.internal.client.Reply;
import ai.bctrl.provisioner.internal.client.TransportException;
import ai.bctrl.provisioner.internal.engine.Verdict.Kind;
import ai.bctrl.provisioner.model.ApiError;
import ai.bctrl.provisioner.model.BrowserRuntime;
import ai.bctrl.provisioner.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private static BrowserRuntime runtime(RuntimeStatus status) {
    return new BrowserRuntime("rt_1", "n", "sp", status, null, "browser", null, null, null, null, Map.of("provisionerKey", "k"));
  }

  private static Reply error(int status, String retryAfter) {
    return new Reply(status, null, new ApiError("went wrong", "some.code", null, null, null, "req_9"), "req_9", retryAfter);
  }

  @Test
  void a2xxWithAnActiveRuntimeIsCreated() {
    Verdict v = Classifier.classify(new Reply(201, runtime(RuntimeStatus.ACTIVE), null, "r", null), NOW);
    assertThat(v.kind()).isEqualTo(Kind.CREATED);
    assertThat(v.runtime().id()).isEqualTo("rt_1");
    assertThat(v.httpStatus()).isEqualTo(201);
  }

  @Test
  void a2xxWithAnUnknownStatusIsCreated() {
    assertThat(Classifier.classify(new Reply(200, runtime(null), null, null, null), NOW).kind()).isEqualTo(Kind.CREATED);
  }

  @ParameterizedTest
  @CsvSource({"FAILED", "STOPPED"})
  void a2xxWhoseRuntimeFailedOrStoppedIsUnhealthy(RuntimeStatus status) {
    Verdict v = Classifier.classify(new Reply(200, runtime(status), null, "req_1", null), NOW);
    assertThat(v.kind()).isEqualTo(Kind.UNHEALTHY);
    assertThat(v.runtime().id()).isEqualTo("rt_1");
    assertThat(v.message()).isEqualTo("created with status " + status.wire() + " (requestId req_1)");
  }

  @Test
  void a2xxWhoseBodyDoesNotParseIsUncertain() {
    Verdict v = Classifier.classify(new Reply(200, null, null, null, null), NOW);
    assertThat(v.kind()).isEqualTo(Kind.UNCERTAIN);
    assertThat(v.errorCode()).isEqualTo("provisioner.unparseable_response");
  }

  @ParameterizedTest
  @CsvSource({
      "401, KEY_REJECTED, ",
      "403, KEY_REJECTED, ",
      "402, QUOTA, ",
      "408, RETRY, TIMEOUT",
      "409, CONFLICT, OTHER",
      "429, RETRY, RATE_LIMITED",
      "503, RETRY, SERVER_5XX",
      "500, UNCERTAIN, SERVER_5XX",
      "502, UNCERTAIN, SERVER_5XX",
      "504, UNCERTAIN, SERVER_5XX",
      "507, UNCERTAIN, SERVER_5XX",
      "400, PERMANENT, ",
      "404, PERMANENT, ",
      "422, PERMANENT, ",
      "418, PERMANENT, ",
      "302, PERMANENT, "})
  void everyStatusHasItsRow(int status, Verdict.Kind kind, RetryCause cause) {
    Verdict v = Classifier.classify(error(status, null), NOW);
    assertThat(v.kind()).isEqualTo(kind);
    assertThat(v.cause()).isEqualTo(cause);
    assertThat(v.httpStatus()).isEqualTo(status);
  }

  @Test
  void aPermanentErrorCarriesTheApiCodeMessageAndRequestId() {
    Verdict v = Classifier.classify(error(422, null), NOW);
    assertThat(v.errorCode()).isEqualTo("some.code");
    assertThat(v.message()).isEqualTo("went wrong (requestId req_9)");
  }

  @Test
  void anErrorWithoutABodyIsNamedByItsStatus() {
    Verdict v = Classifier.classify(new Reply(400, null, null, null, null), NOW);
    assertThat(v.errorCode()).isEqualTo("http.400");
    assertThat(v.message()).isEqualTo("HTTP 400");
  }

  @Test
  void a429CarriesItsRetryAfterInSeconds() {
    assertThat(Classifier.classify(error(429, "12"), NOW).retryAfter()).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void a503CarriesItsRetryAfterAsAnHttpDate() {
    assertThat(Classifier.classify(error(503, "Sun, 29 Nov 2026 12:01:00 GMT"), NOW).retryAfter())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @ParameterizedTest
  @CsvSource({
      "CONNECT, false, RETRY, RESET, provisioner.connect_failed",
      "CONNECT, true, RETRY, RESET, provisioner.connect_failed",
      "RESET, false, RETRY, RESET, provisioner.connection_reset",
      "RESET, true, UNCERTAIN, RESET, provisioner.connection_reset",
      "TIMEOUT, false, RETRY, TIMEOUT, provisioner.timeout",
      "TIMEOUT, true, UNCERTAIN, TIMEOUT, provisioner.timeout",
      "OTHER, false, RETRY, RESET, provisioner.transport_error",
      "OTHER, true, UNCERTAIN, RESET, provisioner.transport_error"})
  void everyTransportFailureHasItsRow(TransportException.Kind kind, boolean written, Verdict.Kind expected,
      RetryCause cause, String code) {
    Verdict v = Classifier.classify(new TransportException(kind, written, "m", null));
    assertThat(v.kind()).isEqualTo(expected);
    assertThat(v.cause()).isEqualTo(cause);
    assertThat(v.errorCode()).isEqualTo(code);
    assertThat(v.httpStatus()).isNull();
  }

  @Test
  void anUnexpectedExceptionIsUncertainSoItIsNeverBlindlyRepeated() {
    Verdict v = Classifier.classify(new IllegalStateException("boom"));
    assertThat(v.kind()).isEqualTo(Kind.UNCERTAIN);
    assertThat(v.message()).isEqualTo("IllegalStateException: boom");
  }

  @Test
  void only429sAndNonFailuresDoNotCountTowardsConsecutiveFailures() {
    assertThat(Classifier.classify(error(429, "1"), NOW).isApiFailure()).isFalse();
    assertThat(Classifier.classify(error(422, null), NOW).isApiFailure()).isFalse();
    assertThat(Classifier.classify(error(503, null), NOW).isApiFailure()).isTrue();
    assertThat(Classifier.classify(error(500, null), NOW).isApiFailure()).isTrue();
  }
}
