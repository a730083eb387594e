# SIGINT and SIGTERM for the plot stage (sourced by plot.sh).  A child runs
# in the background under run_child, so that a signal is handled at once
# rather than when the child ends: the handler sends the child SIGTERM (it
# removes its own temporaries: ompscale, core/interrupt.h) and waits for
# it, and the EXIT trap removes the scratch and staging folders.  Between
# commit_begin and commit_end (renames and the page, a fraction of a
# second) a signal waits, so the pictures and the page change together.

child=
committing=0
pending=0

on_signal() {
    if [ "$committing" -eq 1 ]; then
        pending=1
        return
    fi
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    echo "plots: interrupted" >&2
    exit 130
}

# run_child COMMAND...: COMMAND's exit status, or the handler's exit.
run_child() {
    local rc=0
    "$@" &
    child=$!
    wait "$child" || rc=$?
    child=
    return "$rc"
}

# errexit is off while committing: a signal the handler only notes during
# a command there could otherwise end the script with that command's
# status (seen: exit 1 midway through removing old pictures).
commit_begin() {
    committing=1
    set +e
}

commit_end() {
    set -e
    committing=0
    if [ "$pending" -eq 1 ]; then
        echo "plots: interrupted (after the pictures and page were replaced)" >&2
        exit 130
    fi
}
