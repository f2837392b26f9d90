# A deploy that takes its time: it notes its start and its child in DEPLOY_LOG, then waits for
# a child that would outlive it if nobody killed the whole tree.
echo "start $$" >> "$DEPLOY_LOG"
sleep 300 &
echo "child $!" >> "$DEPLOY_LOG"
echo "deploying $PREFLIGHT_VERSION"
wait
