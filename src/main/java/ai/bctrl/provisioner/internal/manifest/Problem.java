package ai.bctrl.provisioner.internal.manifest;

/** One thing wrong with a row: the dot path of the field ({@code null} for the whole row) and what. */
record Problem(String field, String message) {}
