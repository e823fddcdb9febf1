#!/usr/bin/env bash
# Sends calls to Tollgate as JSON lines with kcat (Debian: kcat), keyed by account.
#   examples/kcat/send.sh HOST:PORT [PREFIX]   e.g. examples/kcat/send.sh 127.0.0.1:9092
# Each line is "account<TAB>JSON object": the fields of the README's "Requests" table. Watch the outcomes with
# ./tollgate watch results (Avro: kcat alone cannot decode them).
set -euo pipefail
bootstrap="${1:?usage: $0 HOST:PORT [TOPIC_PREFIX]}"
prefix="${2:-tollgate.}"
run="kcat-$(date +%s)-$$"
for i in 1 2 3; do
  printf 'acme\t{"request_id":"%s-%d","account":"acme","credential_ref":"pipedrive/acme-main","auth_kind":"API_TOKEN","integration":"kcat-example","method":"GET","path":"/api/v2/deals/%d","api_version":"v2"}\n' \
    "$run" "$i" "$i"
done | kcat -P -b "$bootstrap" -t "${prefix}requests" -K $'\t'
echo "sent ${run}-1 to ${run}-3 to ${prefix}requests"
