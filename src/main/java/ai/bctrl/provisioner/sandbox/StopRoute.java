package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.RuntimeStore.Change;

/**
 * {@code POST /v1/runtimes/{runtimeId}/stop}: {@code active} becomes {@code stopped} (freeing its
 * quota slot), 200 {@code {"runtimeId","runId":null,"status":"stopped","stopped":true}}; 409 {@code
 * runtime.not_active} for a runtime that is not active; 404 {@code runtime.not_found}.
 */
final class StopRoute extends RuntimeCallRoute {
  private final RuntimeStore store;

  StopRoute(Settings settings, Auth auth, Dice dice, Faults faults, RuntimeStore store, StatsRecorder stats,
      Answers answers, Responder responder) {
    super(settings, auth, dice, faults, stats, answers, responder);
    this.store = store;
  }

  @Override
  Call call() {
    return Call.STOP;
  }

  @Override
  void received() {
    stats.stopRequested();
  }

  @Override
  Answer apply(String runtimeId, String now, String requestId) {
    Change c = store.stop(runtimeId, now);
    if (c.done()) {
      stats.stopped(runtimeId);
      return answers.json(200, new Views.Stopped(runtimeId, null, RuntimeStatus.STOPPED.wire(), true)).asApplied();
    }
    return c.before() == null
        ? answers.runtimeNotFound(runtimeId, requestId)
        : answers.notActive(runtimeId, c.before(), requestId);
  }
}
