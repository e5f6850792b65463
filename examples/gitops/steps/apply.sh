#!/usr/bin/env bash
# Merge: apply the plan that was reviewed on the pull request. `cwrecon apply plan.json` refuses it
# (exit 1) when ConnectWise or the configuration changed since, so nothing unreviewed is applied;
# plan again on a new pull request in that case.
set -euo pipefail
plan="${CWRECON_PLAN:?set CWRECON_PLAN to the reviewed plan.json}"
journal="${CWRECON_JOURNAL:-.cwrecon/journal.jsonl}"
cwrecon apply "$plan" --journal "$journal"
