#!/usr/bin/env bash
# Runs one scheduled provisioning job: nightly.sh JOB_DEFINITION
#
# The job definition is a KEY=VALUE file (see jobs/examples/nightly.env). It is parsed, never
# sourced: no command substitution, no variable expansion, unknown keys are errors.
#
# What one run does:
#   1. takes the job's lock (flock on <LEDGER_DIR>/<job>.lock); if the previous run still holds
#      it, exits 75 without provisioning;
#   2. names tonight's batch <job>-<date> (date = SCHEDULED_DATE from the environment, else today
#      in UTC) and tonight's ledger <LEDGER_DIR>/<job>.<date>.ledger.csv, so tonight never adopts
#      or resumes last night, and a re-run of the same night resumes tonight's own ledger;
#   3. with KEEP_NIGHTS=N, tears down the batches of nights older than the last N (tonight's
#      included) from their dated ledgers (`java -jar JAR teardown --yes ...`), so their quota is
#      free before tonight's run; a batch whose teardown failed is tried again the next night, and
#      never blocks tonight's run;
#   4. deletes ledgers, summaries and reports of this job older than KEEP_DAYS days (by the date
#      in the file name, never by mtime), but, with KEEP_NIGHTS, never a ledger not yet torn down;
#   5. runs `java -jar JAR run ...` with tonight's summary and report (<stem>.report.html, an HTML
#      page beside the ledger) and passes its exit code through;
#   6. writes the run's summary (and the teardowns') as a Prometheus textfile into METRICS_DIR
#      (atomically).
#
# The API key comes from BCTRL_API_KEY in the environment, or from the file named by
# API_KEY_FILE (passed to the provisioner as --api-key-file). Never from the definition.
#
# Exit codes: the provisioner's own (0, 1, 2, 3, 64, 65, 130, 143; 137 when it was killed),
# plus 75 = the previous run of this job still holds the lock (nothing was done),
#      76 = tonight's run exited 0, but tearing down an older batch failed (see the log and the
#           provisioner_teardown_* metrics); it is tried again the next night,
#      78 = the job definition or the environment is unusable (nothing was done).
set -euo pipefail

readonly EX_LOCKED=75
readonly EX_TEARDOWN=76
readonly EX_CONFIG=78
readonly KNOWN_KEYS=" JOB_NAME MANIFEST SPACE RATE BURST CONCURRENCY LEDGER_DIR KEEP_DAYS BASE_URL JAR \
DEFAULTS SHARD GRACE EXTRA_ARGS METRICS_DIR JAVA_OPTS API_KEY_FILE KEEP_NIGHTS TEARDOWN_ARGS "

prog=${0##*/}

die() { # die CODE MESSAGE: one line on stderr, then exit
  echo "$prog: $2" >&2
  exit "$1"
}

log() {
  echo "$prog: $*" >&2
}

[[ $# -eq 1 ]] || die "$EX_CONFIG" "usage: $prog JOB_DEFINITION (a KEY=VALUE file, see jobs/examples/nightly.env)"
def_file=$1
[[ -f $def_file && -r $def_file ]] || die "$EX_CONFIG" "$def_file: job definition not found or not readable"

# ---- the job definition: parsed, not sourced ------------------------------------------------
declare -A def=()
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  line=${line%$'\r'}
  # strip leading blanks; skip blank lines and comments
  line=${line#"${line%%[![:space:]]*}"}
  [[ -z $line || $line == \#* ]] && continue
  line=${line#export }
  [[ $line == *=* ]] || die "$EX_CONFIG" "$def_file:$lineno: expected KEY=VALUE, got a line without '='"
  key=${line%%=*}
  value=${line#*=}
  key=${key%"${key##*[![:space:]]}"}
  [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || die "$EX_CONFIG" "$def_file:$lineno: '$key' is not a KEY name (A-Z, 0-9, _)"
  if [[ $key != API_KEY_FILE && $key =~ (KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL) ]]; then
    die "$EX_CONFIG" "$def_file:$lineno: $key: secrets must not be in a job definition; give the API key as BCTRL_API_KEY in the environment or as API_KEY_FILE=/path/to/key-file"
  fi
  [[ $KNOWN_KEYS == *" $key "* ]] || die "$EX_CONFIG" "$def_file:$lineno: unknown key $key; known keys:${KNOWN_KEYS% }"
  # one level of matching quotes is removed; nothing is expanded
  if [[ ${#value} -ge 2 && ( ($value == \"*\" ) || ($value == \'*\') ) ]]; then
    value=${value:1:${#value}-2}
  fi
  def[$key]=$value
done < "$def_file"

get() { # get KEY [DEFAULT]
  if [[ -n ${def[$1]:-} ]]; then printf '%s' "${def[$1]}"; else printf '%s' "${2:-}"; fi
}

base=${def_file##*/}
job=$(get JOB_NAME "${base%.env}")
manifest=$(get MANIFEST)
ledger_dir=$(get LEDGER_DIR)
keep_days=$(get KEEP_DAYS 14)
keep_nights=$(get KEEP_NIGHTS)
teardown_args=$(get TEARDOWN_ARGS)
jar=$(get JAR /opt/provisioner/provisioner.jar)
space=$(get SPACE)
rate=$(get RATE)
burst=$(get BURST)
concurrency=$(get CONCURRENCY)
base_url=$(get BASE_URL)
defaults=$(get DEFAULTS)
shard=$(get SHARD)
grace=$(get GRACE)
extra_args=$(get EXTRA_ARGS)
metrics_dir=$(get METRICS_DIR)
java_opts=$(get JAVA_OPTS)
# the environment (systemd's LoadCredential, a Kubernetes Secret mount) wins over the definition
key_file=${API_KEY_FILE:-$(get API_KEY_FILE)}

bad() { die "$EX_CONFIG" "$def_file: $1"; }
[[ $job =~ ^[A-Za-z0-9._-]{1,100}$ ]] || bad "JOB_NAME: '$job' must be 1..100 characters of A-Z a-z 0-9 . _ -"
[[ -n $manifest ]] || bad "MANIFEST: missing; set it to the manifest's path (.csv, .json, .jsonl, .ndjson)"
[[ $manifest != - ]] || bad "MANIFEST: standard input is not supported for scheduled jobs; give a file"
[[ -r $manifest ]] || bad "MANIFEST: '$manifest' not found or not readable"
[[ -n $ledger_dir ]] || bad "LEDGER_DIR: missing; set it to a directory that keeps ledgers between runs"
[[ -d $ledger_dir && -w $ledger_dir ]] || bad "LEDGER_DIR: '$ledger_dir' is not a writable directory"
[[ $keep_days =~ ^[1-9][0-9]{0,3}$ ]] || bad "KEEP_DAYS: must be an integer 1..9999 but was '$keep_days'"
if [[ -n $keep_nights ]]; then
  [[ $keep_nights =~ ^[1-9][0-9]{0,3}$ ]] || bad "KEEP_NIGHTS: must be an integer 1..9999 but was '$keep_nights'"
  (( keep_nights <= keep_days )) || bad "KEEP_NIGHTS: $keep_nights is more than KEEP_DAYS ($keep_days); a batch's ledger must be kept at least as long as its runtimes"
fi
[[ -r $jar ]] || bad "JAR: '$jar' not found or not readable"
[[ -z $rate || $rate =~ ^[0-9]+(\.[0-9]+)?$ ]] || bad "RATE: must be a number >= 0 but was '$rate'"
[[ -z $burst || $burst =~ ^[1-9][0-9]*$ ]] || bad "BURST: must be an integer >= 1 but was '$burst'"
[[ -z $concurrency || $concurrency =~ ^[1-9][0-9]*$ ]] || bad "CONCURRENCY: must be an integer >= 1 but was '$concurrency'"
[[ -z $defaults || -r $defaults ]] || bad "DEFAULTS: '$defaults' not found or not readable"
[[ -z $metrics_dir || (-d $metrics_dir && -w $metrics_dir) ]] || bad "METRICS_DIR: '$metrics_dir' is not a writable directory"
shard_suffix=""
if [[ -n $shard ]]; then
  [[ $shard =~ ^([0-9]+)/([1-9][0-9]*)$ ]] || bad "SHARD: must be I/N (0 <= I < N) but was '$shard'"
  (( BASH_REMATCH[1] < BASH_REMATCH[2] )) || bad "SHARD: index must be below the shard count but was '$shard'"
  shard_suffix=".shard-${BASH_REMATCH[1]}-of-${BASH_REMATCH[2]}"
fi
if [[ -n $key_file ]]; then
  [[ -r $key_file ]] || die "$EX_CONFIG" "API_KEY_FILE: '$key_file' not found or not readable"
elif [[ -z ${BCTRL_API_KEY:-} ]]; then
  die "$EX_CONFIG" "no API key: set BCTRL_API_KEY in the environment or API_KEY_FILE to a file holding the key"
fi
if [[ -n $metrics_dir ]] && ! command -v jq > /dev/null 2>&1; then
  die "$EX_CONFIG" "METRICS_DIR is set but jq is not installed; install jq (Debian: apt-get install jq)"
fi

if [[ -n ${SCHEDULED_DATE:-} ]]; then
  run_date=$SCHEDULED_DATE
  if ! [[ $run_date =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && $(date -u -d "$run_date" +%F 2> /dev/null) == "$run_date" ]]; then
    die "$EX_CONFIG" "SCHEDULED_DATE: must be a date YYYY-MM-DD but was '$run_date'"
  fi
else
  run_date=$(date -u +%F)
fi

java_cmd=java
[[ -n ${JAVA_HOME:-} ]] && java_cmd=$JAVA_HOME/bin/java

# ---- the job's lock: one run of a job (shard) at a time ---------------------------------------
lock_file=$ledger_dir/$job$shard_suffix.lock
exec 9>> "$lock_file"
if ! flock -n 9; then
  die "$EX_LOCKED" "job $job$shard_suffix: the previous run still holds $lock_file; not starting (nothing was provisioned)"
fi

stem=$job.$run_date$shard_suffix
ledger=$ledger_dir/$stem.ledger.csv
summary=$ledger_dir/$stem.summary.json
report=$ledger_dir/$stem.report.html
batch=$job-$run_date

# ---- children: the provisioner runs as a job of its own, signals forwarded ------------------------
# Each provisioner (the teardowns, then the run) inherits the lock's descriptor, so the lock stays
# held for as long as it runs, even if this wrapper is killed. It runs as a job of its own (set -m)
# so that it does not ignore SIGINT as a script's background commands otherwise do. The wrapper
# forwards SIGINT, SIGTERM and SIGHUP to it and waits while it drains (--grace) and flushes its
# ledger. A signal that arrives while no provisioner runs stops the wrapper before the next one.
child=""
pending=""
# shellcheck disable=SC2317 # called by the traps below
forward() {
  pending=$1
  if [[ -n $child ]]; then
    kill -"$1" "$child" 2> /dev/null || true
  fi
}
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP

# stop_if_signalled WHAT: exits 128+signal, naming what did not start, if a signal came
stop_if_signalled() {
  if [[ -n $pending ]]; then
    die "$(( 128 + $(kill -l "$pending") ))" "job $job$shard_suffix: stopped by SIG$pending before $1"
  fi
}

# run_child CMD...: runs CMD as a job of its own, forwarding signals to it; sets rc to its exit code
run_child() {
  set -m
  "$@" &
  child=$!
  set +m
  if [[ -n $pending ]]; then
    kill -"$pending" "$child" 2> /dev/null || true
  fi
  set +e
  wait "$child"
  rc=$?
  while kill -0 "$child" 2> /dev/null; do
    wait "$child"
    rc=$?
  done
  set -e
  child=""
}

java_base=("$java_cmd")
if [[ -n $java_opts ]]; then
  read -r -a opts <<< "$java_opts"
  java_base+=("${opts[@]}")
fi
java_base+=(-jar "$jar")

# ---- teardown of older batches (KEEP_NIGHTS): their quota is freed before tonight's run --------------
# A batch is torn down from its dated ledger; a teardown that exits 0 leaves <stem>.torn-down beside
# it, and the ledger is not tried again unless it changes. A teardown that fails is reported (log,
# metrics, exit 76 when the run itself succeeds) and tried again the next night; tonight's run
# goes ahead either way.
teardown_ok=0
teardown_failed=0
teardown_rc=0
teardown_summaries=()
# torn_down STEM: whether the ledger of STEM has been torn down since it last changed (or has none)
torn_down() {
  local marker=$ledger_dir/$1.torn-down f
  for f in "$ledger_dir/$1".ledger.csv "$ledger_dir/$1".ledger.jsonl; do
    if [[ -e $f ]] && ! [[ -e $marker && ! $f -nt $marker ]]; then
      return 1
    fi
  done
  return 0
}
if [[ -n $keep_nights ]]; then
  teardown_cutoff=$(date -u -d "$run_date -$((keep_nights - 1)) days" +%F)
  shopt -s nullglob
  for old in "$ledger_dir/$job".[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"$shard_suffix".ledger.csv \
      "$ledger_dir/$job".[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"$shard_suffix".ledger.jsonl; do
    name=${old##*/}
    old_date=${name:${#job}+1:10}
    old_stem=${name%.ledger.*}
    if ! [[ $old_date < $teardown_cutoff ]] || torn_down "$old_stem"; then
      continue
    fi
    stop_if_signalled "tearing down batch $job-$old_date"
    old_summary=$ledger_dir/$old_stem.teardown.json
    old_report=$ledger_dir/$old_stem.teardown.html
    rm -f -- "$old_summary" "$old_report"
    tcmd=("${java_base[@]}" teardown --yes --summary "$old_summary" --report "$old_report")
    [[ -n $rate ]] && tcmd+=(--rate "$rate")
    [[ -n $burst ]] && tcmd+=(--burst "$burst")
    [[ -n $concurrency ]] && tcmd+=(--concurrency "$concurrency")
    [[ -n $base_url ]] && tcmd+=(--base-url "$base_url")
    [[ -n $grace ]] && tcmd+=(--grace "$grace")
    [[ -n $key_file ]] && tcmd+=(--api-key-file "$key_file")
    if [[ -n $teardown_args ]]; then
      read -r -a targs <<< "$teardown_args"
      tcmd+=("${targs[@]}")
    fi
    tcmd+=("$old")
    log "job $job$shard_suffix: tearing down batch $job-$old_date (older than $keep_nights nights) from $old"
    td_started=$(date -u +%s)
    run_child "${tcmd[@]}"
    [[ -s $old_summary ]] && teardown_summaries+=("$old_summary")
    if [[ $rc -eq 0 ]]; then
      teardown_ok=$((teardown_ok + 1))
      echo "torn down by $prog on $(date -u +%FT%TZ) (teardown exited 0)" > "$ledger_dir/$old_stem.torn-down"
      log "job $job$shard_suffix: batch $job-$old_date torn down after $(( $(date -u +%s) - td_started ))s"
    else
      teardown_failed=$((teardown_failed + 1))
      [[ $teardown_rc -ne 0 ]] || teardown_rc=$rc
      log "job $job$shard_suffix: tearing down batch $job-$old_date failed (exit $rc); its ledger is kept and the next night tries again; tonight's run goes ahead"
    fi
    if [[ -n $pending ]]; then
      exit "$rc"
    fi
  done
  shopt -u nullglob
fi

# ---- retention: by the date in the file name ---------------------------------------------------
cutoff=$(date -u -d "$run_date -$((keep_days - 1)) days" +%F)
shopt -s nullglob
for f in "$ledger_dir/$job".[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*; do
  name=${f##*/}
  file_date=${name:${#job}+1:10}
  case $name in
    *.ledger.csv | *.ledger.jsonl | *.summary.json | *.report.html | *.ledger.csv.lock | *.ledger.jsonl.lock) ;;
    *.teardown.json | *.teardown.html | *.torn-down) ;;
    *) continue ;;
  esac
  if [[ $file_date < $cutoff ]]; then
    if [[ -n $keep_nights ]]; then
      # never the files of a batch whose runtimes may still exist
      rest=${name:${#job}+11}
      file_stem=$job.$file_date
      if [[ $rest == .shard-* ]]; then
        rest=${rest#.}
        file_stem+=.${rest%%.*}
      fi
      if ! torn_down "$file_stem"; then
        log "kept $f past KEEP_DAYS: its batch is not torn down yet"
        continue
      fi
    fi
    rm -f -- "$f"
    log "removed $f (older than $keep_days days)"
  fi
done
shopt -u nullglob

# ---- the run -------------------------------------------------------------------------------------
cmd=("${java_base[@]}" run --batch "$batch" --ledger "$ledger" --summary "$summary" --report "$report")
[[ -n $space ]] && cmd+=(--space "$space")
[[ -n $rate ]] && cmd+=(--rate "$rate")
[[ -n $burst ]] && cmd+=(--burst "$burst")
[[ -n $concurrency ]] && cmd+=(--concurrency "$concurrency")
[[ -n $base_url ]] && cmd+=(--base-url "$base_url")
[[ -n $defaults ]] && cmd+=(--defaults "$defaults")
[[ -n $shard ]] && cmd+=(--shard "$shard")
[[ -n $grace ]] && cmd+=(--grace "$grace")
[[ -n $key_file ]] && cmd+=(--api-key-file "$key_file")
if [[ -n $extra_args ]]; then
  read -r -a extra <<< "$extra_args"
  cmd+=("${extra[@]}")
fi
cmd+=("$manifest")

log "job $job$shard_suffix: batch $batch, ledger $ledger"
started=$(date -u +%s)
# A summary or report left by an earlier try of tonight must not be taken for this run's.
rm -f -- "$summary" "$report"
stop_if_signalled "the provisioner started"
run_child "${cmd[@]}"
trap - INT TERM HUP
finished=$(date -u +%s)
log "job $job$shard_suffix: provisioner exited $rc after $((finished - started))s"

# ---- metrics: a Prometheus textfile for node_exporter's textfile collector ------------------------
write_metrics() {
  local prom=$metrics_dir/provisioner_$job$shard_suffix.prom
  local tmp=$prom.tmp.$$
  local labels="job_name=\"$job\""
  [[ -n $shard ]] && labels+=",shard=\"$shard\""
  local last_success=0
  if [[ $rc -eq 0 ]]; then
    last_success=$finished
  elif [[ -r $prom ]]; then
    last_success=$(awk '$1 ~ /^provisioner_last_success_timestamp_seconds(\{|$)/ { v = $2 } END { print (v == "" ? 0 : v) }' "$prom")
  fi
  local from_summary=""
  if [[ -s $summary ]]; then
    from_summary=$(summary_metrics "$summary" "$labels") || from_summary=""
  fi
  local from_teardown=""
  if [[ -n $keep_nights ]]; then
    from_teardown=$(teardown_metrics "$labels") || from_teardown=""
  fi
  {
    [[ -n $from_summary ]] && echo "$from_summary"
    [[ -n $from_teardown ]] && echo "$from_teardown"
    echo "# HELP provisioner_run_duration_seconds Wall-clock duration of the last run."
    echo "# TYPE provisioner_run_duration_seconds gauge"
    echo "provisioner_run_duration_seconds{$labels} $((finished - started))"
    echo "# HELP provisioner_exit_code Exit code of the last run (0 = every item created or adopted)."
    echo "# TYPE provisioner_exit_code gauge"
    echo "provisioner_exit_code{$labels} $rc"
    echo "# HELP provisioner_last_run_timestamp_seconds When the last run ended (Unix time)."
    echo "# TYPE provisioner_last_run_timestamp_seconds gauge"
    echo "provisioner_last_run_timestamp_seconds{$labels} $finished"
    echo "# HELP provisioner_last_success_timestamp_seconds When a run last ended with exit code 0 (Unix time; 0 = never)."
    echo "# TYPE provisioner_last_success_timestamp_seconds gauge"
    echo "provisioner_last_success_timestamp_seconds{$labels} $last_success"
  } > "$tmp"
  mv -f -- "$tmp" "$prom"
}

# summary_metrics FILE LABELS: the metrics taken from the provisioner's --summary JSON
# ({"outcomes": {"created": n, ...}, "alreadyDone": n, "attempts": n, "retries": {...},
#   "latencyMs": {"p50": n, ...}}); every retry cause and percentile present becomes a series;
# fails when the file has no outcomes.
summary_metrics() {
  jq -r --arg l "$2" '
    def m($name; $help; rows):
      "# HELP \($name) \($help)", "# TYPE \($name) gauge", (rows | "\($name){\($l)\(.[0])} \(.[1])");
    (.outcomes | if type == "object" then . else error("the summary has no outcomes") end) as $o
    | m("provisioner_items"; "Items that ended in the last run, by outcome.";
        ("created", "adopted", "unhealthy", "failed", "invalid", "unknown", "aborted")
        | [",outcome=\"\(.)\"", ($o[.] // 0)]),
      m("provisioner_items_already_done"; "Items the last run skipped: created or adopted by an earlier try of the same night.";
        ["", (.alreadyDone // 0)]),
      m("provisioner_attempts"; "Create calls the last run started, retries included.";
        ["", (.attempts // 0)]),
      m("provisioner_retries"; "Retries in the last run, by cause.";
        (.retries // {}) | to_entries[] | [",cause=\"\(.key)\"", .value]),
      m("provisioner_create_latency_seconds"; "Create-call latency in the last run by nearest-rank percentile (p50, p90, p99, max).";
        (.latencyMs // {}) | to_entries[] | select(.value != null)
        | [",percentile=\"\(.key)\"", .value / 1000])
  ' "$1" 2> /dev/null
}

# teardown_metrics LABELS: tonight's teardowns of older batches: how many ended well or not, the
# first failure's exit code, and their runtimes by outcome, summed over their --summary JSON files
# ({"runtimes": {"deleted": n, "keptStopped": n, "failed": n, "unknown": n, "aborted": n}, ...})
teardown_metrics() {
  local sums='{}'
  if [[ ${#teardown_summaries[@]} -gt 0 ]]; then
    sums=$(jq -s -c '{deleted: (map(.runtimes.deleted // 0) | add),
        failed: (map((.runtimes.failed // 0) + (.runtimes.unknown // 0)) | add),
        aborted: (map(.runtimes.aborted // 0) | add)}' "${teardown_summaries[@]}" 2> /dev/null) || sums='{}'
  fi
  echo "# HELP provisioner_teardown_batches Older batches (past KEEP_NIGHTS) the last run tried to tear down, by result."
  echo "# TYPE provisioner_teardown_batches gauge"
  echo "provisioner_teardown_batches{$1,result=\"torn_down\"} $teardown_ok"
  echo "provisioner_teardown_batches{$1,result=\"failed\"} $teardown_failed"
  echo "# HELP provisioner_teardown_exit_code Exit code of the first teardown of an older batch that failed in the last run (0 = none failed)."
  echo "# TYPE provisioner_teardown_exit_code gauge"
  echo "provisioner_teardown_exit_code{$1} $teardown_rc"
  jq -r --arg l "$1" '
    "# HELP provisioner_teardown_runtimes Runtimes of older batches the last run'"'"'s teardowns ended, by outcome (failed: not torn down).",
    "# TYPE provisioner_teardown_runtimes gauge",
    (("deleted", "failed", "aborted") as $o | "provisioner_teardown_runtimes{\($l),outcome=\"\($o)\"} \(.[$o] // 0)")
  ' <<< "$sums"
}

if [[ -n $metrics_dir ]]; then
  write_metrics || log "could not write metrics into $metrics_dir"
fi

if [[ $rc -eq 0 && $teardown_failed -gt 0 ]]; then
  log "job $job$shard_suffix: tonight's run succeeded, but $teardown_failed older batch(es) could not be torn down (first exit $teardown_rc); exit $EX_TEARDOWN"
  exit "$EX_TEARDOWN"
fi
exit "$rc"
