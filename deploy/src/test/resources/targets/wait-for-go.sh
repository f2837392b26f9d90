#!/bin/sh
# A deploy that waits for the test to have seen its first line of output.
echo "migrating"
while [ ! -f "$GO_FILE" ]; do
  sleep 0.05
done
echo "migrated"
