/**
 * Small helpers shared by the command line and the sandbox (duration parsing). Not part of the
 * public API: nothing here is meant for library users, and nothing here does I/O.
 */
package ai.bctrl.provisioner.internal;
