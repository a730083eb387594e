# A small cluster inside this machine, for the multi-node tests (sourced):
# N network namespaces ("nodes") on one bridge-free chain of veth pairs to
# the first, on private addresses that exist only inside them, each with
# its own host name, and Open MPI's remote launch going through an agent
# that runs the command in the other namespace (plm_rsh_agent) instead of
# ssh, with TCP pinned to those addresses.  Every node shares this
# machine's CPUs, memory and file system: what is measured across them is
# the launch, the placement and the TCP path, not separate hardware.
#
#   cluster_usable               0 when namespaces can be made here, else
#                                prints why (not root, no ip or unshare)
#   cluster_up N WORK            makes nodes 1..N, the agent WORK/agent.sh
#                                and WORK/hosts (SLOTS slots each, default 2)
#   on_node I CMD...             runs CMD as node I (its namespace and name)
#   node_stop_all I              kills everything running in node I
#   node_dies I                  kills everything in node I and keeps it down:
#                                the agent refuses it from then on
#   WORK/env-nodeI               a file the agent sources before running a
#                                command on node I (variables for its ranks)
#   cluster_down                 removes the nodes and what runs in them
#
# The caller sets `trap cluster_down EXIT` right after cluster_up.

cluster_prefix=omps$$
cluster_nodes=0
cluster_net=10.213.57

cluster_usable() {
    if [ "$(id -u)" -ne 0 ]; then echo "not root"; return 1; fi
    local tool
    for tool in ip unshare; do
        command -v "$tool" >/dev/null 2>&1 || { echo "no $tool"; return 1; }
    done
    ip netns add "${cluster_prefix}probe" 2>/dev/null || { echo "ip netns add fails here"; return 1; }
    ip netns del "${cluster_prefix}probe"
    return 0
}

# The agent: its first argument is the host (an address of the cluster),
# the rest the command mpirun wants run there.
write_agent() {
    local work=$1 i
    {
        echo '#!/bin/bash'
        echo '# Written by tests/netns.sh: plm_rsh_agent for the namespace cluster.'
        echo 'host=$1; shift'
        echo 'case $host in'
        for i in $(seq 1 "$cluster_nodes"); do
            echo "$cluster_net.$i|node$i) ns=${cluster_prefix}n$i name=node$i ;;"
        done
        echo '*) echo "agent: unknown host $host" >&2; exit 1 ;;'
        echo 'esac'
        echo '[ -n "${OMPSCALE_TEST_BREAK_AGENT:-}" ] && { echo "agent: broken on purpose" >&2; exit 1; }'
        echo "[ -e \"$work/dead-\$name\" ] && { echo \"agent: \$name is down\" >&2; exit 255; }"
        echo "[ -r \"$work/env-\$name\" ] && . \"$work/env-\$name\""
        echo "exec ip netns exec \"\$ns\" unshare --uts sh -c 'hostname \"\$0\"; exec /bin/sh -c \"\$1\"' \"\$name\" \"\$*\""
    } >"$work/agent.sh"
    chmod +x "$work/agent.sh"
}

cluster_up() {
    local n=$1 work=$2 i
    cluster_nodes=$n
    cluster_work=$work
    for i in $(seq 1 "$n"); do
        ip netns add "${cluster_prefix}n$i" || return 1
        ip -n "${cluster_prefix}n$i" link set lo up
    done
    # Node 1 is joined to every other node by its own veth pair.
    for i in $(seq 2 "$n"); do
        ip link add "${cluster_prefix}a$i" type veth peer name "${cluster_prefix}b$i" || return 1
        ip link set "${cluster_prefix}a$i" netns "${cluster_prefix}n1"
        ip link set "${cluster_prefix}b$i" netns "${cluster_prefix}n$i"
        ip -n "${cluster_prefix}n1" addr add "$cluster_net.1/32" dev "${cluster_prefix}a$i" 2>/dev/null
        ip -n "${cluster_prefix}n1" link set "${cluster_prefix}a$i" up
        ip -n "${cluster_prefix}n1" route add "$cluster_net.$i/32" dev "${cluster_prefix}a$i"
        ip -n "${cluster_prefix}n$i" addr add "$cluster_net.$i/32" dev "${cluster_prefix}b$i"
        ip -n "${cluster_prefix}n$i" link set "${cluster_prefix}b$i" up
        ip -n "${cluster_prefix}n$i" route add "$cluster_net.1/32" dev "${cluster_prefix}b$i"
        ip -n "${cluster_prefix}n$i" route add "$cluster_net.0/24" via "$cluster_net.1" \
            dev "${cluster_prefix}b$i" onlink 2>/dev/null
    done
    ip netns exec "${cluster_prefix}n1" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null 2>&1
    # Each node resolves the others' names: ip netns exec binds
    # /etc/netns/NAME/hosts over /etc/hosts inside the namespace.
    for i in $(seq 1 "$n"); do
        mkdir -p "/etc/netns/${cluster_prefix}n$i"
        {
            echo "127.0.0.1 localhost"
            for j in $(seq 1 "$n"); do echo "$cluster_net.$j node$j"; done
        } >"/etc/netns/${cluster_prefix}n$i/hosts"
    done
    write_agent "$work"
    : >"$work/hosts"
    for i in $(seq 1 "$n"); do
        echo "$cluster_net.$i slots=${SLOTS:-2}" >>"$work/hosts"
    done
    export OMPI_MCA_plm_rsh_agent=$work/agent.sh
    export OMPI_MCA_btl=tcp,self
    export OMPI_MCA_btl_tcp_if_include=$cluster_net.0/24
    export OMPI_MCA_oob_tcp_if_include=$cluster_net.0/24
}

on_node() {
    local i=$1
    shift
    ip netns exec "${cluster_prefix}n$i" unshare --uts sh -c 'hostname "$0"; exec "$@"' \
        "node$i" "$@"
}

node_stop_all() {
    local pid
    for pid in $(ip netns pids "${cluster_prefix}n$1" 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null
    done
}

node_dies() {
    touch "$cluster_work/dead-node$1"
    node_stop_all "$1"
}

cluster_down() {
    local i pid
    for i in $(seq 1 "$cluster_nodes"); do
        for pid in $(ip netns pids "${cluster_prefix}n$i" 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null
        done
        ip netns del "${cluster_prefix}n$i" 2>/dev/null
        rm -rf "/etc/netns/${cluster_prefix}n$i"
    done
    cluster_nodes=0
}
