#!/usr/bin/env bash
# Drive callhook's reference flows with SIPp, through a running callhook proxy,
# on loopback only: #1 (incoming) and #2 (outgoing) with the documented-example
# scenarios, and the single-device flows of SPEC §3 with the generic scenarios
# (uac_*.xml / uas_*.xml).  See README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: run.sh MODE [--proxy HOST:PORT] [--device-port P] [--far-end-port P]
              [--caller-port P] [--transport u1|t1] [--direct]

  incoming        flow 1: X (+358409401234) calls the local user's number
                  +358942721234; the SOFT device answers; X hangs up
  outgoing        flow 2: the SOFT device (sip:setera.test@seteratesting.fi)
                  calls +358409401234; X answers and hangs up
  both            incoming, then outgoing

  Generic scenarios (uac_*.xml / uas_*.xml), one device, config/directory.yaml:
  flow1           X calls U, U answers, X hangs up     uac_answered / uas_answer
  flow2           U calls X, X answers and hangs up    uac_answered_callee_hangs_up / uas_answer_then_hangup
  flow3           X calls U, X cancels while ringing   uac_cancel / uas_ring_cancelled
  flow4           X calls U, U rings then declines 603 uac_rejected / uas_ring_then_reject
  flow4-busy      X calls U, U busy (486, no ringing)  uac_rejected / uas_reject
  flow6           U calls X, X busy (486)              uac_rejected / uas_reject
  flow8           X calls the IVR +358942720000 (goes upstream; X calls from --caller-port)
                                                       uac_answered / uas_answer
  flow10          X cancels U's ringing leg with Reason: SIP;cause=200
                                                       uac_cancel_with_reason / uas_ring_cancelled
  flow11          U calls X, upstream answers 407, U retries with credentials
                                                       uac_challenged / uas_challenge_then_answer
  flow12          X calls U, 183 early media, answer, hold/resume re-INVITEs
                                                       uac_reinvite / uas_early_media_reinvite
  generic         all of flow1 ... flow12 above, in that order
  (flows 5, 7 and 9 need a second device or user in the directory: see README.md)

  --proxy H:P         callhook's SIP listener (default 127.0.0.1:5060; loopback only)
  --device-port P     the SOFT device's port: its static contact sip:127.0.0.1:P
                      (default 5070, as in config/directory.yaml)
  --far-end-port P    the trunk / external side, sip.upstream (default 5080);
                      X calls in from this port too
  --caller-port P     X's port when the far-end port is busy with the UAS
                      (flow8: X calls a number that goes upstream; default 5082)
  --transport T       u1 (UDP, default) or t1 (TCP)
  --direct            self-test of the scenarios WITHOUT the proxy: each UAC
                      sends straight to its UAS

Environment: SIPP (default: sipp), SIPP_CP_BASE (control ports, default 8890),
SIPP_MP_BASE (RTP echo ports, default 16000).
Exit status: 0 when every SIPp instance exited 0, 1 otherwise, 2 on usage errors.
USAGE
}

die_usage() { echo "run.sh: $*" >&2; echo >&2; usage >&2; exit 2; }

is_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }

[[ $# -ge 1 ]] || die_usage "missing mode"
case $1 in
  -h|--help) usage; exit 0 ;;
  incoming|outgoing|both|generic|flow1|flow2|flow3|flow4|flow4-busy|flow6|flow8|flow10|flow11|flow12)
    MODE=$1; shift ;;
  *) die_usage "unknown mode '$1'" ;;
esac

PROXY=127.0.0.1:5060
DEVICE_PORT=5070
FAR_END_PORT=5080
CALLER_PORT=5082
TRANSPORT=u1
DIRECT=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --proxy)        [[ $# -ge 2 ]] || die_usage "$1 needs a value"; PROXY=$2; shift 2 ;;
    --device-port)  [[ $# -ge 2 ]] || die_usage "$1 needs a value"; DEVICE_PORT=$2; shift 2 ;;
    --far-end-port) [[ $# -ge 2 ]] || die_usage "$1 needs a value"; FAR_END_PORT=$2; shift 2 ;;
    --caller-port)  [[ $# -ge 2 ]] || die_usage "$1 needs a value"; CALLER_PORT=$2; shift 2 ;;
    --transport)    [[ $# -ge 2 ]] || die_usage "$1 needs a value"; TRANSPORT=$2; shift 2 ;;
    --direct)       DIRECT=1; shift ;;
    -h|--help)      usage; exit 0 ;;
    *) die_usage "unknown option '$1'" ;;
  esac
done

[[ $PROXY =~ ^(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}):([0-9]+)$ ]] \
  || die_usage "--proxy must be a loopback IPv4 HOST:PORT (127.x.y.z:port), got '$PROXY'"
PROXY_PORT=${BASH_REMATCH[2]}
is_port "$PROXY_PORT"   || die_usage "bad proxy port '$PROXY_PORT'"
is_port "$DEVICE_PORT"  || die_usage "bad --device-port '$DEVICE_PORT'"
is_port "$FAR_END_PORT" || die_usage "bad --far-end-port '$FAR_END_PORT'"
is_port "$CALLER_PORT"  || die_usage "bad --caller-port '$CALLER_PORT'"
[[ $DEVICE_PORT != "$FAR_END_PORT" ]] || die_usage "--device-port and --far-end-port must differ"
[[ $CALLER_PORT != "$FAR_END_PORT" && $CALLER_PORT != "$DEVICE_PORT" ]] \
  || die_usage "--caller-port must differ from --device-port and --far-end-port"
if [[ $DIRECT -eq 0 && ( $DEVICE_PORT == "$PROXY_PORT" || $FAR_END_PORT == "$PROXY_PORT" \
      || $CALLER_PORT == "$PROXY_PORT" ) ]]; then
  die_usage "the device, far-end and caller ports must differ from the proxy port"
fi
case $TRANSPORT in u1|t1) ;; *) die_usage "--transport must be u1 or t1, got '$TRANSPORT'" ;; esac

SIPP=${SIPP:-sipp}
command -v "$SIPP" >/dev/null 2>&1 || { echo "run.sh: '$SIPP' not found (apt-get install sip-tester)" >&2; exit 2; }
CP_BASE=${SIPP_CP_BASE:-8890}
MP_BASE=${SIPP_MP_BASE:-16000}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOCAL_IP=127.0.0.1
TRACE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/callhook-sipp.XXXXXX")
echo "run.sh: traces in $TRACE_DIR"

# Common options: one call, global timeout that fails the run, no default
# behaviours (no route-less abort BYE/CANCEL into the proxy), traces to TRACE_DIR.
common_opts() { # <name>
  local name=$1
  printf '%s\n' -i "$LOCAL_IP" -t "$TRANSPORT" -m 1 -nd -nostdin \
    -timeout 30s -timeout_error \
    -trace_err -error_file "$TRACE_DIR/$name.errors.log" \
    -trace_msg -message_file "$TRACE_DIR/$name.messages.log" \
    -trace_logs -log_file "$TRACE_DIR/$name.logs.log" \
    -trace_screen -screen_file "$TRACE_DIR/$name.screen.log"
}

UAS_PID=
UAC_PID=
cleanup() {
  # Only the sipp processes this script started, by their pids.
  local p
  for p in $UAC_PID $UAS_PID; do
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_listening() { # <pid> <port>
  local pid=$1 port=$2 i proto=-lnu
  [[ $TRANSPORT == t1 ]] && proto=-lnt
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if command -v ss >/dev/null 2>&1; then
      # the port is bound by THIS sipp (ss -p shows the owner's pid)
      [[ $(ss -H -p "$proto" "sport = :$port" 2>/dev/null) == *"pid=$pid,"* ]] && return 0
    elif ((i >= 5)); then
      return 0
    fi
    sleep 0.1
  done
  return 0
}

FAILED=0

# Extra SIPp arguments of the next run_pair (-s, -key, -d, -au …), reset after each pair.
UAS_ARGS=()
UAC_ARGS=()

# run_pair <flow label> <uas scenario> <uas port> <uac scenario> <uac port>
run_pair() {
  local label=$1 uas=$2 uas_port=$3 uac=$4 uac_port=$5
  local target=$PROXY
  [[ $DIRECT -eq 1 ]] && target=$LOCAL_IP:$uas_port
  local uas_name=${uas%.xml} uac_name=${uac%.xml}
  local -a uas_cmd uac_cmd
  mapfile -t uas_cmd < <(printf '%s\n' "$SIPP" -sf "$HERE/$uas" -p "$uas_port" \
      -cp "$CP_BASE" -mp "$MP_BASE"; common_opts "$uas_name"; \
      (( ${#UAS_ARGS[@]} == 0 )) || printf '%s\n' "${UAS_ARGS[@]}")
  mapfile -t uac_cmd < <(printf '%s\n' "$SIPP" -sf "$HERE/$uac" -p "$uac_port" \
      -cp "$((CP_BASE + 1))" -mp "$((MP_BASE + 100))"; common_opts "$uac_name"; \
      (( ${#UAC_ARGS[@]} == 0 )) || printf '%s\n' "${UAC_ARGS[@]}"; printf '%s\n' "$target")
  UAS_ARGS=()
  UAC_ARGS=()

  echo "== $label: $uac_name ($LOCAL_IP:$uac_port) -> $target -> $uas_name ($LOCAL_IP:$uas_port), transport $TRANSPORT"
  echo "   UAS: $(printf '%q ' "${uas_cmd[@]}")"
  echo "   UAC: $(printf '%q ' "${uac_cmd[@]}")"

  "${uas_cmd[@]}" >"$TRACE_DIR/$uas_name.stdout" 2>&1 &
  UAS_PID=$!
  local uac_rc=0 uas_rc=0
  if wait_listening "$UAS_PID" "$uas_port"; then
    # in the background + wait, so that INT/TERM reach the trap at once
    "${uac_cmd[@]}" >"$TRACE_DIR/$uac_name.stdout" 2>&1 &
    UAC_PID=$!
    wait "$UAC_PID" || uac_rc=$?
    UAC_PID=
  else
    echo "   UAS $uas_name exited before listening on $uas_port; UAC not started:" >&2
    tail -n 5 "$TRACE_DIR/$uas_name.stdout" | sed 's/^/   /' >&2
    uac_rc=-
  fi
  wait "$UAS_PID" || uas_rc=$?
  UAS_PID=

  local f
  for f in "$TRACE_DIR/$uac_name.logs.log" "$TRACE_DIR/$uas_name.logs.log"; do
    [[ -s $f ]] && sed 's/^/   log: /' "$f"
  done
  echo "   exit: $uac_name=$uac_rc $uas_name=$uas_rc"
  if [[ $uac_rc != 0 || $uas_rc != 0 ]]; then
    FAILED=1
    for f in "$TRACE_DIR/$uac_name.errors.log" "$TRACE_DIR/$uas_name.errors.log"; do
      [[ -s $f ]] && { echo "   --- $f (tail)"; tail -n 20 "$f" | sed 's/^/   /'; echo; }
    done
    echo "   FAILED: $label (see $TRACE_DIR)"
  else
    echo "   OK: $label"
  fi
}

if [[ $MODE == incoming || $MODE == both ]]; then
  run_pair "flow 1 (incoming)" incoming_device.xml "$DEVICE_PORT" incoming_caller.xml "$FAR_END_PORT"
fi
if [[ $MODE == outgoing || $MODE == both ]]; then
  run_pair "flow 2 (outgoing)" outgoing_far_end.xml "$FAR_END_PORT" outgoing_device.xml "$DEVICE_PORT"
fi

# Generic scenarios.  X = +358409401234 (external, calls in from the trunk side),
# U = setera.test@seteratesting.fi, +358942721234, SOFT device on the device port.
X_FROM=(-key from "+358409401234@$LOCAL_IP")
U_FROM=(-key from "setera.test@seteratesting.fi")
want() { [[ $MODE == "$1" || $MODE == generic ]]; }

if want flow1; then
  UAS_ARGS=(-d 200); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}" -d 500)
  run_pair "flow 1 (generic: X calls U, U answers, X hangs up)" uas_answer.xml "$DEVICE_PORT" uac_answered.xml "$FAR_END_PORT"
fi
if want flow2; then
  UAS_ARGS=(-d 200); UAC_ARGS=(-s +358409401234 "${U_FROM[@]}")
  run_pair "flow 2 (generic: U calls X, X answers and hangs up)" uas_answer_then_hangup.xml "$FAR_END_PORT" \
    uac_answered_callee_hangs_up.xml "$DEVICE_PORT"
fi
if want flow3; then
  UAS_ARGS=(); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}" -d 500)
  run_pair "flow 3 (X cancels while U rings)" uas_ring_cancelled.xml "$DEVICE_PORT" uac_cancel.xml "$FAR_END_PORT"
fi
if want flow4; then
  UAS_ARGS=(-key status 603 -d 300); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}")
  run_pair "flow 4 (U rings, then declines 603)" uas_ring_then_reject.xml "$DEVICE_PORT" uac_rejected.xml "$FAR_END_PORT"
fi
if want flow4-busy; then
  UAS_ARGS=(-key status 486); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}")
  run_pair "flow 4 (U busy, 486)" uas_reject.xml "$DEVICE_PORT" uac_rejected.xml "$FAR_END_PORT"
fi
if want flow6; then
  UAS_ARGS=(-key status 486); UAC_ARGS=(-s +358409401234 "${U_FROM[@]}")
  run_pair "flow 6 (U calls X, X busy)" uas_reject.xml "$FAR_END_PORT" uac_rejected.xml "$DEVICE_PORT"
fi
if want flow8; then
  UAS_ARGS=(-d 100); UAC_ARGS=(-s +358942720000 "${X_FROM[@]}" -d 200)
  run_pair "flow 8 (X calls the IVR: upstream, no events)" uas_answer.xml "$FAR_END_PORT" uac_answered.xml "$CALLER_PORT"
fi
if want flow10; then
  UAS_ARGS=(); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}" -d 500 -key reason 'SIP;cause=200;text="Call completed elsewhere"')
  run_pair "flow 10 (CANCEL with Reason: SIP;cause=200)" uas_ring_cancelled.xml "$DEVICE_PORT" \
    uac_cancel_with_reason.xml "$FAR_END_PORT"
fi
if want flow11; then
  UAS_ARGS=(-d 100); UAC_ARGS=(-s +358409401234 "${U_FROM[@]}" -au setera.test -ap secret -d 300)
  run_pair "flow 11 (407 challenge, retry with credentials)" uas_challenge_then_answer.xml "$FAR_END_PORT" \
    uac_challenged.xml "$DEVICE_PORT"
fi
if want flow12; then
  UAS_ARGS=(-d 300); UAC_ARGS=(-s +358942721234 "${X_FROM[@]}" -d 300)
  run_pair "flow 12 (early media, hold/resume re-INVITEs)" uas_early_media_reinvite.xml "$DEVICE_PORT" \
    uac_reinvite.xml "$FAR_END_PORT"
fi

echo "run.sh: traces in $TRACE_DIR"
exit "$FAILED"
