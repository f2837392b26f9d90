#!/bin/sh
# A pipeline step of the end-to-end tests: notes that it ran in $STEPS_LOG, and fails when the
# version asks it to (v6.6.6 breaks the backup).
echo "$1 $2" >> "$STEPS_LOG"
echo "$1 of $2 done"
case "$1:$2" in
  backup:v6.6.6) echo "pg_dump: connection refused"; exit 2 ;;
esac
exit 0
