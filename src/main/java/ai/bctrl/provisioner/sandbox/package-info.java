/**
 * The sandbox: a simulated bctrl API on 127.0.0.1 for trying manifests, end-to-end tests and
 * benchmarks. {@link ai.bctrl.provisioner.sandbox.SandboxServer} serves create, list, stop and
 * delete with Bearer auth, latency, a rate limit, injected {@link
 * ai.bctrl.provisioner.sandbox.FaultKind faults}, a quota and optional idempotency, as {@link
 * ai.bctrl.provisioner.sandbox.SandboxConfig} says, and reports what it saw as {@link
 * ai.bctrl.provisioner.sandbox.SandboxStats}; those four types are the package's public surface.
 * Inside, {@code SandboxApi} wires the parts and declares every route in one place, and each route
 * is a small class. Like a real server, it carries a call it has accepted through to its outcome
 * even when the client goes away, writing the answer only if someone is there to read it. It
 * judges request bodies with its own schema evaluator over {@code create-runtime.schema.json} and
 * must never use the client's {@code model} classes for that (a bug shared by both would then pass
 * unseen); it never blocks an event-loop thread and never binds anything but loopback.
 */
package ai.bctrl.provisioner.sandbox;
