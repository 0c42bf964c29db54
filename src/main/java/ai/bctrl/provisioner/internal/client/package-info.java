/**
 * The HTTP side of the provisioner: {@link ai.bctrl.provisioner.internal.client.BctrlClient}, over
 * one pool of HTTP/1.1 connections on Netty ({@link ai.bctrl.provisioner.internal.client.ApiChannels}),
 * sends single create, stop and delete calls and pages through a space's listing, and turns every answer into a {@link
 * ai.bctrl.provisioner.internal.client.Reply} or a {@link ai.bctrl.provisioner.internal.client.TransportException}.
 * It never retries, never waits, never decides what a failure means (that is the engine's job),
 * and never puts the API key into any message, log or {@code toString}. Internal to the
 * provisioner: library users go through {@link ai.bctrl.provisioner.Provisioner}.
 */
package ai.bctrl.provisioner.internal.client;
