package ai.bctrl.provisioner.sandbox;

import java.util.function.Supplier;

/** The answers for requests no route takes: 405 on a known path, 404 on any other. */
final class Fallbacks {
  private Fallbacks() {}

  /** 405 {@code request.method_not_allowed} naming the methods {@code allowed}. */
  static Route methodNotAllowed(Answers answers, Responder responder, String allowed) {
    return methodNotAllowed(answers, responder, () -> allowed);
  }

  /** 405 naming the methods allowed at the time of the request (they may depend on the config in force). */
  static Route methodNotAllowed(Answers answers, Responder responder, Supplier<String> allowed) {
    return (req, res, requestId) -> responder.send(res, answers.methodNotAllowed(allowed.get(), null, requestId));
  }

  /** 404 {@code route.not_found} naming the method and path. */
  static Route notFound(Answers answers, Responder responder) {
    return (req, res, requestId) ->
        responder.send(res, answers.routeNotFound(req.method().name(), Paths.path(req), requestId));
  }
}
