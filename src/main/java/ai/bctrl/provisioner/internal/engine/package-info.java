/**
 * The engine: how a stream of items becomes create calls. Each stage is its own small class: the
 * {@link ai.bctrl.provisioner.internal.engine.CallGate} (concurrency), the {@link
 * ai.bctrl.provisioner.internal.engine.StartLimiter} (rate, 429 pauses: a fixed rate's {@link
 * ai.bctrl.provisioner.internal.engine.TokenBucket}, or a rate learned per space by {@link
 * ai.bctrl.provisioner.internal.engine.LearnedRateLimiter}), the {@link
 * ai.bctrl.provisioner.internal.engine.Classifier} (what an answer means), the {@link
 * ai.bctrl.provisioner.internal.engine.Backoff} and {@link ai.bctrl.provisioner.internal.engine.RetryAfter} (when to
 * try again), the {@link ai.bctrl.provisioner.internal.engine.SettleListings} (settling uncertain creates
 * against listings that started late enough), and {@link ai.bctrl.provisioner.internal.engine.Engine}, where
 * the pipeline reads top to bottom. Nothing here blocks, sleeps, reads the system clock directly,
 * logs a secret or exits the JVM: every wait is scheduled on the injected {@code Scheduler}.
 * Internal to the provisioner: library users go through {@link ai.bctrl.provisioner.Provisioner}.
 */
package ai.bctrl.provisioner.internal.engine;
