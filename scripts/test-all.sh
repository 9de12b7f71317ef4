#!/usr/bin/env bash
# The whole test suite (`make test`): the main suite first, alone (its crawls time themselves);
# then the two groups that mostly wait on the network and on Docker, side by side: the compose
# stack on a real engine (-m docker) and the processes on network hosts of their own
# (-m hosts: cuts of 30 to 45 s). Each group's output is printed whole when it ends; the exit
# code is the first failure's. Arguments go to every pytest run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
logs=$(mktemp -d)
$PY -m pytest -q --durations=15 -m "not docker and not hosts" "$@"
main=$?
$PY -m pytest -q --durations=5 -m docker "$@" > "$logs/docker.log" 2>&1 &
docker_pid=$!
$PY -m pytest -q --durations=10 -m hosts "$@" > "$logs/hosts.log" 2>&1 &
hosts_pid=$!
wait $docker_pid; docker=$?
wait $hosts_pid; hosts=$?
echo "== the compose stack on a real engine (-m docker): exit $docker"; cat "$logs/docker.log"
echo "== network hosts of their own (-m hosts): exit $hosts"; cat "$logs/hosts.log"
rm -rf "$logs"
for code in $main $docker $hosts; do
    # 5: no test collected (a -k that selects none of a group) is no failure
    if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then exit "$code"; fi
done
exit 0
