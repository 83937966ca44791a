#!/usr/bin/env bash
# Regenerates the pictures of docs/gui.md (assets/gui/) with ksim-gui's headless mode:
#   bash docs/gui-pictures.sh [path/to/ksim-gui]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gui=${1:-$root/build/release/gui/ksim-gui}
out=$root/assets/gui
labs=$root/scenarios
shot() { "$gui" "$@" 2> /dev/null; }
shot "$labs/zombie-leader.json" --at 20s --screenshot "$out/zombie-leader-cut.png"
shot "$labs/zombie-leader.json" --at 20s --dark --screenshot "$out/zombie-leader-dark.png"
shot "$labs/zombie-leader.json" --at 30s --view inspector --screenshot "$out/inspector-zombie.png"
shot "$labs/acks-leader-crash.json" --at 25s --view events --large-font --screenshot "$out/events-large-font.png"
shot "$labs/rebalance-eager-vs-cooperative.json" --at 14s --view groups --screenshot "$out/groups.png"
shot "$labs/rebalance-eager-vs-cooperative.json" --at 25s --view timeline --screenshot "$out/timeline-eager.png"
shot "$labs/rebalance-eager-vs-cooperative.json" --variant cooperative-sticky --at 25s --view timeline --screenshot "$out/timeline-cooperative.png"
shot "$labs/rebalance-eager-vs-cooperative.json" --variant consumer-protocol --at 16.5s --view groups --screenshot "$out/groups-consumer-protocol.png"
shot "$labs/rebalance-eager-vs-cooperative.json" --variant consumer-protocol --at 25s --view timeline --screenshot "$out/timeline-consumer-protocol.png"
shot "$labs/acks-leader-crash.json" --at 25s --view charts --screenshot "$out/charts-acks.png"
shot "$labs/acks-leader-crash.json" --variant acks=all --at 5s --view sequence --screenshot "$out/sequence-acks-all.png"
shot "$labs/unclean-leader-election.json" --variant unclean --at 40s --view figures --screenshot "$out/figures-unclean.png"
shot "$labs/controller-failover-fencing.json" --at 20s --large-font --screenshot "$out/controllers-failover-large-font.png"
echo "pictures written to $out"
