#!/usr/bin/env bash
# Pull request: validate, plan, and leave the plan for review.
#   plan.md   - the markdown plan, posted as one pull-request comment (updated in place)
#   plan.json - the saved plan, applied on merge only if nothing changed since it was reviewed
# Exits non-zero when the configuration is invalid (78), ConnectWise has problems a plan cannot get
# past (1) or a safety rail blocks the plan (3); 0 otherwise, changes or not.
set -euo pipefail
config="${CWRECON_CONFIG:?set CWRECON_CONFIG to the configuration folder}"
out="${CWRECON_OUT:-.}"
cwrecon validate "$config"
status=0
cwrecon plan "$config" --format markdown --out "$out/plan.json" > "$out/plan.md" || status=$?
echo "<!-- cwrecon-plan -->" >> "$out/plan.md"
exit "$status"
