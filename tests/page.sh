#!/usr/bin/env bash
# The run's page: after the plot stage, index.html links only pictures that
# exist and names none as missing; a directory without fit.csv, or with a
# picture gone, still gets a page that says so; and headless Chromium
# renders it to a screenshot far from blank.
# Usage: page.sh OMPSCALE PLOT_SH
set -u
bin=$1 plot=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$bin" run --quick --kernels midpoint,copy,overhead_barrier,counter_atomic --threads 1,2 \
    --out "$tmp/run" 2>/dev/null || { echo "FAIL: run"; exit 1; }
OMPSCALE=$bin bash "$plot" "$tmp/run" >"$tmp/plot.out" 2>&1 || bad "plot.sh: $(tail -1 "$tmp/plot.out")"
page=$tmp/run/index.html
[ -s "$page" ] || { echo "FAIL: no index.html"; exit 1; }
grep -q "open $page" "$tmp/plot.out" || bad "plot.sh does not print the page's path"
# Every picture the page links exists; none is reported missing.
links=$(grep -o '<img src="[^"]*"' "$page" | sed 's/<img src="//; s/"$//')
[ "$(echo "$links" | wc -w)" -ge 6 ] || bad "only $(echo "$links" | wc -w) pictures linked"
for l in $links; do [ -s "$tmp/run/$l" ] || bad "linked but absent: $l"; done
grep -q 'class="missing"' "$page" && bad "a complete run's page reports something missing"
for want in speedup-midpoint.png overheads.png contention.png overview.png "Fits (95% intervals)"; do
    grep -qF "$want" "$page" || bad "page lacks $want"
done
grep -q "speedup-overhead_barrier" "$page" && bad "an overhead drawn as speedup"
# The answer first: the headline table before the machine, its numbers linked.
first=$(grep -o '<h2>[^<]*</h2>' "$page" | head -n 1)
[ "$first" = "<h2>How it scales here</h2>" ] || bad "the page opens with $first, not the headline"
grep -q '<a href="speedup-midpoint.png">' "$page" || bad "the headline's numbers link no picture"

# What is missing is said, not left out.
rm "$tmp/run/fit.csv" "$tmp/run/speedup-copy.png"
"$bin" page "$tmp/run" || bad "page without fit.csv"
grep -q "fit.csv is missing" "$page" || bad "no word about the missing fit.csv"
grep -q "not drawn: speedup-copy.png" "$page" || bad "the missing picture is not named"
# The pictures are those of the plot stage's catalogue: without it, the page says so.
mv "$tmp/run/pictures.csv" "$tmp/pictures.csv"
"$bin" page "$tmp/run" || bad "page without pictures.csv"
grep -q "pictures.csv is missing" "$page" || bad "no word about the missing pictures.csv"
grep -q '<img src=' "$page" && bad "pictures shown without a catalogue"
mv "$tmp/pictures.csv" "$tmp/run/pictures.csv"
"$bin" page "$tmp/nothing" 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "page on a missing directory"

# A real browser: the page's screenshot must carry far more than a blank one.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "SKIP browser check: chromium is not installed (tools/deps.sh installs it as root)"
else
    OMPSCALE=$bin bash "$plot" "$tmp/run" >/dev/null 2>&1
    echo '<!DOCTYPE html><html><body></body></html>' >"$tmp/blank.html"
    shot() {
        timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
            --user-data-dir="$tmp/profile" --window-size=1100,3000 --screenshot="$2" \
            "file://$1" >/dev/null 2>&1
    }
    shot "$page" "$tmp/page.png" && shot "$tmp/blank.html" "$tmp/blank.png" \
        || bad "chromium could not render"
    full=$(stat -c %s "$tmp/page.png" 2>/dev/null || echo 0)
    blank=$(stat -c %s "$tmp/blank.png" 2>/dev/null || echo 1)
    [ "$full" -gt $((blank * 5)) ] || bad "screenshot $full bytes against a blank page's $blank"
    echo "browser: screenshot $full bytes, blank page $blank"
fi

# A redraw in which one picture fails and the page cannot be written (a
# wrapper whose fit names a missing script for speedup-copy, and whose page
# fails): the old page stays, and so does every picture it links; then a
# redraw whose page is written drops the failed picture and names it.
cp -r "$tmp/run" "$tmp/redraw"
cat >"$tmp/wrapper" <<EOF
#!/usr/bin/env bash
[ "\$1" = page ] && [ -n "\${FAIL_PAGE:-}" ] && exit 2
"$bin" "\$@" || exit \$?
[ "\$1" = fit ] && sed -i 's/^speedup-copy,\\([^,]*\\),\\([^,]*\\),[^,]*,/speedup-copy,\\1,\\2,missing.gp,/' "\$2/pictures.csv"
exit 0
EOF
chmod +x "$tmp/wrapper"
before=$(md5sum <"$tmp/redraw/index.html")
FAIL_PAGE=1 OMPSCALE=$tmp/wrapper bash "$plot" "$tmp/redraw" >"$tmp/redraw.out" 2>&1
[ $? -eq 2 ] || bad "a redraw whose page failed did not exit 2"
[ "$(md5sum <"$tmp/redraw/index.html")" = "$before" ] || bad "the old page was replaced"
for f in $(grep -o 'src="[^"]*\.png"' "$tmp/redraw/index.html" | sed 's/src="//; s/"$//'); do
    [ -f "$tmp/redraw/$f" ] || bad "the old page links $f, which a failed redraw removed"
done
OMPSCALE=$tmp/wrapper bash "$plot" "$tmp/redraw" >"$tmp/redraw.out" 2>&1
[ ! -e "$tmp/redraw/speedup-copy.png" ] || bad "the picture that failed to redraw is still shown"
grep -q "not drawn: speedup-copy.png" "$tmp/redraw/index.html" || bad "the failed picture is not named"
ls -A "$tmp/redraw" | grep -q -e aside -e stage -e '\.tmp-' && bad "a redraw left $(ls -A "$tmp/redraw" | grep -e aside -e stage -e tmp)"

[ "$fail" -eq 0 ] && echo "page: pass"
exit "$fail"
