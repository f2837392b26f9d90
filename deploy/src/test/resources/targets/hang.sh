#!/bin/sh
# A deploy that never ends on its own, with a child process of its own to be killed with it.
sleep 300 &
echo $! > "$CHILD_PID_FILE"
echo $$ > "$PID_FILE"
echo "waiting for the rollout"
wait
