#!/bin/sh
# A deploy that fails after a lot of output, with its reason on stderr.
i=1
while [ "$i" -le 40 ]; do
  echo "step $i"
  i=$((i + 1))
done
echo "error: migration 0042 failed" >&2
exit 3
