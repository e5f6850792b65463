#!/usr/bin/env bash
# Nightly: does ConnectWise still match the configuration? Exit 0 when it does; 2 when it has
# drifted (the plan on stdout says how), so the scheduled job fails and someone looks.
set -euo pipefail
config="${CWRECON_CONFIG:?set CWRECON_CONFIG to the configuration folder}"
cwrecon plan "$config" --detailed-exitcode
