#!/bin/sh
# The benchmark's agent: a fixed-duration stand-in for `claude -p --output-format stream-json`. A shell script starts
# in milliseconds, so the time measured around it is baro's own, not a runtime booting (node takes ~100 ms).
# It sleeps BARO_BENCH_AGENT_SECONDS, writes src/<story>.txt in its cwd and reports that like the real CLI; with
# BARO_FAKE_CLAUDE_LOG it logs its start and end like test/fake-claude (readInvocations reads both).
session=""
# baro checks the agent answers --version before a run creates anything.
[ "${1:-}" = "--version" ] && { echo "2.1.332 (Claude Code)"; exit 0; }
while [ $# -gt 0 ]; do
  case "$1" in
    --session-id|--resume) session="$2"; shift 2 ;;
    --) break ;;
    *) shift ;;
  esac
done
story="${BARO_STORY_ID:-story}"
# The Critic's review answers at once with a pass: the benchmark measures the agents' schedule, not reviews.
if [ "${BARO_ROLE:-}" = "critic" ]; then
  printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"%s","tools":["StructuredOutput"],"mcp_servers":[],"model":"claude-haiku-5-5","permissionMode":"dontAsk","apiKeySource":"none","claude_code_version":"2.1.332","uuid":"00000000-0000-4000-8000-000000000005"}\n' "$PWD" "$session"
  printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":10,"duration_api_ms":10,"num_turns":1,"result":"pass","stop_reason":"end_turn","session_id":"%s","total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1},"structured_output":{"verdict":"pass","reasons":["bench"],"unmetCriteria":[]},"permission_denials":[],"terminal_reason":"completed","uuid":"00000000-0000-4000-8000-000000000006"}\n' "$session"
  exit 0
fi
log() {
  [ -n "${BARO_FAKE_CLAUDE_LOG:-}" ] && printf '%s\n' "$1" >> "$BARO_FAKE_CLAUDE_LOG"
  return 0
}
log "{\"event\":\"start\",\"pid\":$$,\"argv\":[],\"cwd\":\"$PWD\",\"env\":{\"BARO_STORY_ID\":\"$story\",\"ANTHROPIC_API_KEY\":false},\"sessionId\":\"$session\",\"ts\":$(date +%s%3N)}"
file="$PWD/src/$story.txt"
printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"%s","tools":["Write"],"mcp_servers":[],"model":"claude-sonnet-5-5","permissionMode":"acceptEdits","apiKeySource":"none","claude_code_version":"2.1.332","uuid":"00000000-0000-4000-8000-000000000001"}\n' "$PWD" "$session"
sleep "${BARO_BENCH_AGENT_SECONDS:-2}"
mkdir -p "$PWD/src" && printf '%s\n' "$story" > "$file"
printf '{"type":"assistant","message":{"id":"msg_01bench","type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[{"type":"tool_use","id":"toolu_01bench","name":"Write","input":{"file_path":"%s","content":"%s\\n"}}],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}},"parent_tool_use_id":null,"session_id":"%s","uuid":"00000000-0000-4000-8000-000000000002"}\n' "$file" "$story" "$session"
printf '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_01bench","type":"tool_result","content":"File created successfully at: %s"}]},"parent_tool_use_id":null,"session_id":"%s","uuid":"00000000-0000-4000-8000-000000000003"}\n' "$file" "$session"
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":2000,"duration_api_ms":10,"num_turns":2,"result":"Wrote %s.","stop_reason":"end_turn","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":1,"output_tokens":1},"modelUsage":{"claude-sonnet-5-5":{"inputTokens":1,"outputTokens":1,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"webSearchRequests":0,"costUSD":0.001,"contextWindow":1000000,"maxOutputTokens":128000}},"permission_denials":[],"terminal_reason":"completed","uuid":"00000000-0000-4000-8000-000000000004"}\n' "$story" "$session"
log "{\"event\":\"end\",\"pid\":$$,\"exitCode\":0,\"ts\":$(date +%s%3N)}"
