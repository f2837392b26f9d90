#!/bin/sh
# Stands in for a team's deploy script (seed 002's deploy.sh deploy|rollback): prints what it
# was given, and appends one line per run to $MARKER_FILE so a test can count the runs.
echo "action=$1 version=$2"
echo "cwd=$(pwd)"
echo "target=$TARGET_ENV token=$DEPLOY_TOKEN"
if [ -n "$MARKER_FILE" ]; then
  echo "$* | $PREFLIGHT_SERVICE $PREFLIGHT_VERSION $PREFLIGHT_ENVIRONMENT $PREFLIGHT_RUN_ID | target=$TARGET_ENV token=$DEPLOY_TOKEN bot=[$SLACK_BOT_TOKEN]" >> "$MARKER_FILE"
fi
echo "done"
exit "${EXIT_CODE:-0}"
