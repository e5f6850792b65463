#!/usr/bin/env bash
# Validate, plan, and leave the plan for review (on a pull request) or for the apply job (on the
# merged commit).
#   plan.md   - the markdown plan, posted as one pull-request comment (updated in place)
#   plan.json - the saved plan
#   plan.sha  - the commit the plan was made from (CWRECON_COMMIT, else `git rev-parse HEAD`):
#               apply.sh applies a plan only on that exact commit
# Exits non-zero when the configuration is invalid (78), ConnectWise has problems a plan cannot get
# past (1) or a safety rail blocks the plan (3); 0 otherwise, changes or not.
set -euo pipefail
config="${CWRECON_CONFIG:?set CWRECON_CONFIG to the configuration folder}"
out="${CWRECON_OUT:-.}"
commit="${CWRECON_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
cwrecon validate "$config"
status=0
cwrecon plan "$config" --format markdown --out "$out/plan.json" > "$out/plan.md" || status=$?
echo "<!-- cwrecon-plan -->" >> "$out/plan.md"
printf '%s\n' "$commit" > "$out/plan.sha"
exit "$status"
