#!/usr/bin/env bash
# The layers, from the sources: every quoted include of a layer's files
# names a header of that layer or of one below it, and none names a path
# (with "..", which would reach past the include directories the build gives
# each layer).  The build enforces the same by those directories; this test
# says which include broke it.
#
#   kernels <- core <- visit <- harness;  core <- fit, gate <- history
#   (over fit and gate);  all of them <- harness/main.c
#
# The visit layer (one visit in this process, the child protocol and the
# child's main) knows nothing of plans, options or rounds: it includes only
# itself, the core, the kernels and the generated headers.
#
# Usage: layers.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: layers.sh SOURCE_DIR}
cd "$src"
fail=0

# allowed LAYER: the directories whose headers LAYER's files may include.
allowed() {
    case $1 in
    kernels) echo "kernels" ;;
    core) echo "core kernels" ;;
    visit) echo "visit core kernels generated" ;;
    harness) echo "harness visit core kernels generated" ;;
    fit) echo "fit core kernels" ;;
    gate) echo "gate core kernels" ;;
    history) echo "history fit gate core kernels" ;;
    main) echo "harness visit history fit gate core kernels generated" ;;
    esac
}

# home HEADER: the layer directory that holds HEADER (generated for the
# headers CMake writes).
home() {
    case $1 in build_info.h | git_info.h) echo generated; return ;; esac
    local d
    for d in kernels core visit harness fit gate history; do
        [ -e "$d/$1" ] && { echo "$d"; return; }
    done
    echo none
}

for f in kernels/*.[ch] core/*.[ch] visit/*.[ch] visit/*.cc harness/*.[ch] fit/*.[ch] \
    gate/*.[ch] history/*.[ch]; do
    layer=${f%%/*}
    [ "$f" = harness/main.c ] && layer=main
    while IFS= read -r header; do
        case $header in
        */*) echo "FAIL: $f includes \"$header\", a path: name the header alone"; fail=$((fail + 1)); continue ;;
        esac
        where=$(home "$header")
        case " $(allowed "$layer") " in
        *" $where "*) ;;
        *) echo "FAIL: $f ($layer) includes $header from $where, a layer above or beside it"; fail=$((fail + 1)) ;;
        esac
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
# The whole tree, tests and benchmarks too, includes no relative path.
if grep -rn '#[[:space:]]*include[[:space:]]*"\.\./' kernels core visit harness fit gate history tests bench; then
    echo "FAIL: the includes above name a relative path"
    fail=$((fail + 1))
fi
[ "$fail" -eq 0 ] && echo "layers: every include stays in its layer or below"
[ "$fail" -eq 0 ]
