/**
 * The implementation: the command line ({@code cli}), the HTTP client ({@code client}), the
 * engine that turns items into calls ({@code engine}), the ledger ({@code ledger}), the manifest
 * readers ({@code manifest}), and small helpers shared by them and the sandbox (duration parsing,
 * key hashes). Not part of the public API: nothing under this package is meant for library users,
 * and any of it may change in any release. Javadoc is not published for it.
 */
package ai.bctrl.provisioner.internal;
