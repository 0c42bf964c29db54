package ai.bctrl.provisioner.sandbox;

import ai.bctrl.provisioner.sandbox.RuntimeStore.Change;

/**
 * {@code DELETE /v1/runtimes/{runtimeId}}: a {@code stopped} or {@code failed} runtime is removed
 * (gone from listings, 404 from then on), 200 {@code {"deleted":true,"id"}}; 409 {@code
 * runtime.not_stopped} for an active runtime; 404 {@code runtime.not_found} for one unknown or
 * already deleted.
 */
final class DeleteRoute extends RuntimeCallRoute {
  private final RuntimeStore store;

  DeleteRoute(Settings settings, Auth auth, Dice dice, Faults faults, RuntimeStore store, StatsRecorder stats,
      Answers answers, Responder responder) {
    super(settings, auth, dice, faults, stats, answers, responder);
    this.store = store;
  }

  @Override
  Call call() {
    return Call.DELETE;
  }

  @Override
  void received() {
    stats.deleteRequested();
  }

  @Override
  Answer apply(String runtimeId, String now, String requestId) {
    Change c = store.delete(runtimeId);
    if (c.done()) {
      stats.deleted(runtimeId);
      return answers.json(200, new Views.Deleted(true, runtimeId)).asApplied();
    }
    return c.before() == null
        ? answers.runtimeNotFound(runtimeId, requestId)
        : answers.notStopped(runtimeId, requestId);
  }
}
