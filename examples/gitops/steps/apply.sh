#!/usr/bin/env bash
# Merge: apply the saved plan made from the merged commit, and nothing else.
#   CWRECON_PLAN    the plan.json that plan.sh made (its plan.sha beside it)
#   CWRECON_COMMIT  the commit being applied (GitHub: github.sha; GitLab: CI_COMMIT_SHA)
#   CWRECON_CONFIG  the configuration folder, as plan.sh was given it: the plan is applied only if
#                   it was made from this configuration (a plan file cannot choose its own)
# Refused (exit 1, nothing written) when the plan was made from another commit (an artifact of an
# earlier merge, or of the pull request's head) or has no plan.sha. `cwrecon apply plan.json`
# itself refuses a plan whose configuration files or ConnectWise objects changed since it was made,
# and waits up to CWRECON_LOCK_TIMEOUT (default 15m) for another apply's lock on the tenant
# (exit 4 after that, naming the holder).
set -euo pipefail
plan="${CWRECON_PLAN:?set CWRECON_PLAN to the saved plan.json}"
commit="${CWRECON_COMMIT:?set CWRECON_COMMIT to the commit being applied}"
config="${CWRECON_CONFIG:?set CWRECON_CONFIG to the configuration folder}"
journal="${CWRECON_JOURNAL:-.cwrecon/journal.jsonl}"
sha_file="$(dirname "$plan")/plan.sha"
made_from="$(head -n 1 "$sha_file" 2>/dev/null || true)"
if [ -z "$made_from" ] || [ "$made_from" != "$commit" ]; then
  echo "Refusing to apply $plan: it was made from commit ${made_from:-(unknown: no plan.sha)}, not from $commit, the commit being applied. Plan this commit and apply that plan." >&2
  exit 1
fi
cwrecon apply "$plan" "$config" --journal "$journal" --lock-timeout "${CWRECON_LOCK_TIMEOUT:-15m}"
