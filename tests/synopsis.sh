#!/usr/bin/env bash
# The synopsis in README.md and docs/reference.md is `ompscale --help`'s own
# usage block, line for line, and every option it shows is explained
# somewhere under docs/.
#
# Usage: synopsis.sh OMPSCALE SOURCE_DIR
set -euo pipefail
bin=${1:?usage: synopsis.sh OMPSCALE SOURCE_DIR}
src=${2:?usage: synopsis.sh OMPSCALE SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# The whole help first: a reader that stops early would kill --help with
# SIGPIPE, and pipefail would call that a failure.
"$bin" --help >"$tmp/all"
sed '/^$/q' "$tmp/all" | sed '/^$/d' >"$tmp/help"
[ -s "$tmp/help" ] || { echo "FAIL: --help printed no usage block"; exit 1; }

# synopsis FILE: the first code block after the "## Command line" heading.
synopsis() {
    awk '/^## Command line/ { found = 1; next }
         found && /^```/ { if (inside) exit; inside = 1; next }
         inside { print }' "$1"
}

for doc in README.md docs/reference.md; do
    synopsis "$src/$doc" >"$tmp/doc"
    if diff -u "$tmp/help" "$tmp/doc" >"$tmp/diff"; then
        echo "ok: $doc's synopsis is --help's"
    else
        echo "FAIL: $doc's synopsis differs from ompscale --help:"
        cat "$tmp/diff"
        fail=$((fail + 1))
    fi
done

for option in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u); do
    if ! grep -rqF -- "\`$option" "$src/docs"; then
        echo "FAIL: $option is in the usage but explained nowhere under docs/"
        fail=$((fail + 1))
    fi
done
# accepted COMMAND OPTION: whether COMMAND's parser takes OPTION (the usage
# and the parsers share one table, core/options.h).  A second argument
# follows it, so a flag never starts a sweep: the parser stops there.
# An option in a command's table that its parser has no case for is
# refused with "has no handler" (core/options.h), never taken as another.
accepted() {
    local said
    # shellcheck disable=SC2086 # a command of two words: history add
    said=$("$bin" $1 "$2" 1 --no-such-option 2>&1 >/dev/null || true)
    case $said in
    *"unknown option '$2'"* | *"unexpected argument '$2'"* | *"unexpected option '$2'"*) return 1 ;;
    *"has no handler"*) return 1 ;;
    esac
    # The same as --name=value, which every command takes.
    said=$("$bin" $1 "$2=1" --no-such-option 2>&1 >/dev/null || true)
    case $said in
    *"unknown option '$2"* | *"unexpected argument '$2"* | *"unexpected option '$2"* | \
        *"has no handler"* | *"takes no value"*) [ "$(flag "$1" "$2")" = yes ] || return 1 ;;
    esac
}

# flag COMMAND OPTION: yes when the usage shows OPTION without a value.
flag() {
    grep -q -- "\[$2\]" "$tmp/help" && echo yes || echo no
}

# Each command's line of the usage block, with its continuation lines.
for command in list run fit page compare fleet "history add" "history check" "history plot" export; do
    options=$(awk -v c="$command" '$1 == "ompscale" || $2 == "ompscale" { on = ($0 ~ "ompscale " c "( |$)") }
                                   on' "$tmp/help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
    [ -n "$options" ] || { echo "FAIL: the usage shows no option of $command"; fail=$((fail + 1)); }
    for option in $options; do
        accepted "$command" "$option" ||
            { echo "FAIL: the usage shows $command $option, which its parser refuses"; fail=$((fail + 1)); }
    done
done
[ "$fail" -eq 0 ] && echo "ok: every option the usage shows is accepted by its command"
[ "$fail" -eq 0 ]
